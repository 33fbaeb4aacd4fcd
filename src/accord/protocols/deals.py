"""One named agreement carried out many times (``accord implement``): simulated, exact, deterrent rates.

The runs draw their worlds and implementation streams by the seeding recipe (:mod:`accord.model.seeding`)
through :func:`accord.protocols.talks.implement_deal`, so run k of ``accord implement --seed s`` lives in
the same world as run k of ``accord run --seed s``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.implementation.deterrence import deterrence_table
from accord.implementation.engine import Outcome, expected
from accord.model.beliefs import world_weights
from accord.model.talks import TalksScenario
from accord.protocols.talks import compiled, deal_worlds, implement_deal, run_batch

__all__ = ["deal_index", "implementation_report"]


def deal_index(ts: TalksScenario, deal: str | dict[str, Any]) -> int:
    """The outcome index of a deal written ``"issue=value,..."`` or as a mapping naming every issue."""
    if isinstance(deal, str):
        d: dict[str, Any] = {}
        for p in (p for p in deal.split(",") if p.strip()):
            k, sep, v = p.partition("=")
            if not sep:
                raise InputError(None, "deal", "issue=value pairs separated by commas", p)
            d[k.strip()] = v.strip()
        deal = d
    sp = ts.scenario.space
    labels = {}
    for k, v in deal.items():
        if k not in sp.names:
            raise InputError(None, f"deal.{k}", f"an issue, one of {list(sp.names)}", k)
        iss = sp.issue(k)
        try:
            labels[k] = iss.values[iss.index_of(v)]
        except KeyError:
            raise InputError(None, f"deal.{k}", f"a value of {k}, one of {list(iss.values)}", v) from None
    return sp.index(labels, field="deal")


def _modal_deal(ts: TalksScenario, seed: int) -> int:
    done = [r.outcome_index for r in run_batch(ts, 1, seed).results if r.agreement]
    if not done:
        raise InputError(
            ts.scenario.path, "deal", "a deal: the talks end without agreement, name one with --deal"
        )
    return int(Counter(done).most_common(1)[0][0])


def _mean_or_none(x: np.ndarray) -> float | None:
    return None if np.isnan(x).all() else float(np.nanmean(x))


def _simulated(ts: TalksScenario, sim: Outcome, runs: int) -> dict[str, Any]:
    names = ts.party_names
    return {
        "realised_utilities": {nm: float(sim.realised[:, i].mean()) for i, nm in enumerate(names)},
        "realised_utilities_se": {
            nm: float(sim.realised[:, i].std(ddof=1) / np.sqrt(runs)) if runs > 1 else None
            for i, nm in enumerate(names)
        },
        "completed_rate": float(sim.completed.mean()),
        "steps_completed_mean": float(sim.steps_completed.mean()),
        "cheating_rate": {nm: float(sim.cheated[:, i].mean()) for i, nm in enumerate(names)},
        "caught_rate": {nm: float(sim.caught[:, i].mean()) for i, nm in enumerate(names)},
        "threat_reduction_mean": _mean_or_none(sim.threat_reduction),
        "dismantled_share_mean": _mean_or_none(sim.dismantled_share),
        "relief_delivered_mean": _mean_or_none(sim.relief_delivered),
        "beliefs_after": {
            nm: {f: float(sim.beliefs[:, i, k].mean()) for k, f in enumerate(ts.private.names)}
            for i, nm in enumerate(names)
        },
    }


def _exact(ts: TalksScenario, idx: int, wd: np.ndarray, bel: np.ndarray, runs: int) -> tuple[dict, list]:
    """The exact expectation over the runs' worlds (each world weighted by its share of the runs) and the
    deterrence table in the first world."""
    ci = compiled(ts).impl
    names = ts.party_names
    uw, inv = np.unique(wd, return_inverse=True)
    wts0 = world_weights(bel[[int(np.flatnonzero(inv == j)[0]) for j in range(uw.size)]])
    e = expected(ci, np.full(uw.size, idx), uw, wts0)
    share = np.bincount(inv, minlength=uw.size) / runs
    exact = {
        "realised_utilities": {nm: float(share @ e.realised[:, i]) for i, nm in enumerate(names)},
        "completed_probability": float(share @ e.completed),
        "cheating_probability": {nm: float(share @ e.cheated[:, i]) for i, nm in enumerate(names)},
        "caught_probability": {nm: float(share @ e.caught[:, i]) for i, nm in enumerate(names)},
        "threat_reduction": None if np.isnan(e.threat_reduction).all() else float(share @ e.threat_reduction),
        "dismantled_share": None if np.isnan(e.dismantled_share).all() else float(share @ e.dismantled_share),
    }
    return exact, [x.as_dict() for x in deterrence_table(ci, idx, int(uw[0]), wts0[0])]


def implementation_report(
    ts: TalksScenario, deal: str | dict[str, Any] | None, runs: int, seed: int
) -> dict[str, Any]:
    """``accord implement``'s answer: ``deal`` (the talks' most frequent agreement when None) carried out
    in ``runs`` runs with seeds seed..seed+runs-1; the exact expectation where nothing is stochastic."""
    if ts.implementation is None:
        raise InputError(ts.scenario.path, "implementation", "an implementation block in the scenario")
    if runs < 1:
        raise InputError(None, "runs", "a positive number of runs", runs)
    ci = compiled(ts).impl
    idx = _modal_deal(ts, seed) if deal is None else deal_index(ts, deal)
    sim = implement_deal(ts, idx, runs, seed)
    out: dict[str, Any] = {
        "scenario": ts.name,
        "variant": ts.variant,
        "deal": ts.scenario.space.outcome(idx),
        "runs": runs,
        "steps": list(ci.step_names),
        "simulated": _simulated(ts, sim, runs),
    }
    if not ci.stochastic:
        wd, bel = deal_worlds(ts, [seed + k for k in range(runs)])
        out["exact"], out["deterrence"] = _exact(ts, idx, wd, bel, runs)
    return out
