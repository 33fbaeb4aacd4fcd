"""Question 4 labels each leader's decision by the leader's own rule (constraints, mandate, belief-dependent
demands, walk-away value): a leader who walked away in the run is never labelled "concede"."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import api
from accord.protocols.questions import walk_or_concede

LIB = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", LIB, ids=lambda p: p.stem)
def test_labels_match_what_the_leaders_did(path):
    out = walk_or_concede(api.load_talks(path), 2, 0, api.talks_variants(path))
    seen = 0
    for name, d in out.items():
        if name == "belief_sweep":
            continue
        for leader, x in d["decisions"].items():
            seen += 1
            if x["in_the_run"] == "walked away":
                assert x["decision"] == "walk away" and x["reasons"], (name, leader, x)
            if x["in_the_run"] == "accepted":
                assert x["decision"] == "concede" and not x["reasons"], (name, leader, x)
            assert x["decision"] == ("walk away" if x["reasons"] else "concede")
    assert seen


def test_hanoi_yongbyon_only_names_the_unmet_demand():
    path = LIB[[p.stem for p in LIB].index("hanoi-2019")]
    x = walk_or_concede(api.load_talks(path), 2, 0, api.talks_variants(path))["yongbyon_only"]["decisions"][
        "usa"
    ]
    assert x["decision"] == "walk away" and "demand unmet: declaration != none" in x["reasons"]
