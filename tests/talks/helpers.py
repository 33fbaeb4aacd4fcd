"""Small hand-built scenarios for the talks tests (no file I/O)."""

from __future__ import annotations

import numpy as np

from accord.implementation.inspection_game import InspectionGame
from accord.implementation.schedule import compile_implementation
from accord.model.beliefs import PrivateInfo, compile_worlds
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace
from accord.model.talks import Action, ImplementationSpec, Step, Verification


def inspection_scenario(g: InspectionGame) -> Scenario:
    """The 2x2 inspection game as a one-step agreement: the inspectee closes a site, the inspector grants relief.

    Utilities reproduce the game's payoffs: legal (closed, granted) 0; undetected violation (open, granted)
    inspectee d, inspector -c; detected violation (open, relief snapped back) inspectee -b, inspector -a."""
    sp = OutcomeSpace(
        [
            Issue.categorical("site", ["open", "closed"], True),
            Issue.categorical("relief", ["withheld", "granted"], True),
        ]
    )
    ee = Preferences(sp, np.array([1.0, 1.0]), (np.array([g.d, 0.0]), np.array([-g.b - g.d, 0.0])))
    ins = Preferences(sp, np.array([1.0, 1.0]), (np.array([-g.c, 0.0]), np.array([g.c - g.a, 0.0])))
    return Scenario("inspection game", sp, (Party("inspector", ins), Party("inspectee", ee)))


def inspection_impl(g: InspectionGame, rate: float, compliance: str, consequence: str = "snapback"):
    sc = inspection_scenario(g)
    spec = ImplementationSpec(
        steps=(Step("only", (Action("inspector", "relief", 1), Action("inspectee", "site", 1))),),
        verification=Verification(
            {"inspectee": rate}, {"inspectee": 1 - g.beta}, {"inspectee": consequence}, g.e, g.h
        ),
        compliance={"inspectee": compliance},
        status_quo={"site": 0, "relief": 0},
    )
    priv = PrivateInfo()
    return compile_implementation(sc, spec, compile_worlds(sc, priv), priv)


LEGAL_DEAL = 3  # site = closed, relief = granted
