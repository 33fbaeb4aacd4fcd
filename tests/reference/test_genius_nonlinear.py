"""ANAC 2014 nonlinear domain against the Pareto frontier GENIUS ships with it.

Reference: ``pareto.xml`` of anac/y2014/10issueswithRV (GENIUS 10.4 templates, copied byte for byte under
tests/reference/genius/domains; SOURCES.md there): the frontier's utility pairs, written by GENIUS's own
tools. The space has 10^10 outcomes, so accord's analysis is the approximate, sampled one
(accord.analysis.sampled): every point it returns must be a real outcome that GENIUS's frontier does not
beat, and it must find most of GENIUS's points exactly (to GENIUS's 8 printed digits).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from accord.analysis.sampled import analyze_sampled
from accord.io.folder import load_folder
from accord.io.genius import FormatWarning

FOLDER = Path(__file__).parent / "genius" / "domains" / "ANAC2014-10issueswithRV"


@pytest.fixture(scope="module")
def found():
    ref = np.array(
        [
            [float(x) for x in line.split(",")]
            for line in (FOLDER / "pareto.xml").read_text().splitlines()
            if line.strip()
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        sc = load_folder(FOLDER)
    assert sc.party_names == ("profile-1", "profile-2") and sc.space.size == 10**10
    return sc, analyze_sampled(sc, seed=0), ref


def test_no_point_found_beats_the_genius_frontier(found) -> None:
    sc, a, ref = found
    F = a.pareto_utilities.T
    for r in ref:
        assert not np.any(np.all(r - 1e-7 <= F, axis=1) & np.any(r + 1e-7 < F, axis=1)), r
    idx = a.pareto
    U = np.stack([p.preferences.evaluate(idx) for p in sc.parties])
    assert U.tobytes() == a.pareto_utilities.tobytes()  # real outcomes, their exact utilities


def test_most_genius_frontier_points_are_found(found) -> None:
    _, a, ref = found
    F = a.pareto_utilities.T
    hits = [bool(np.any(np.all(np.abs(F - r) < 1e-7, axis=1))) for r in ref]
    assert sum(hits) >= len(ref) / 2, hits
    # the frontier point of largest utility product (the Nash point without reservation values) is found
    assert hits[int(np.argmax(ref.prod(axis=1)))]
