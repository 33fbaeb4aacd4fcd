"""Question 4 labels each leader's decision by the leader's own rule (constraints, mandate, belief-dependent
demands, walk-away value): a leader who walked away in the run is never labelled "concede"."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import api
from accord.experiments.questions import walk_or_concede

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
    if not seen:
        pytest.skip("no leader has an offer to weigh in the last stage")


def test_hanoi_yongbyon_only_names_the_unmet_demand():
    path = LIB[[p.stem for p in LIB].index("hanoi-2019")]
    x = walk_or_concede(api.load_talks(path), 2, 0, api.talks_variants(path))["yongbyon_only"]["decisions"][
        "usa"
    ]
    assert x["decision"] == "walk away" and "demand unmet: declaration != none" in x["reasons"]


def test_questions_are_worded_from_the_scenario_and_found_by_structure():
    """Question 1 finds the variant that drops the first stage whatever its name; question 3 names the
    variants that fix a package; a question that does not apply says why."""
    from accord.experiments.questions import answer_all
    from accord.io.talks import talks_from_document

    from .toy import toy

    d = toy()
    d["variants"]["summit_alone"] = d["variants"].pop("no_working_level")
    ts = talks_from_document(d, "toy.yaml")
    vs = {n: talks_from_document(d, "toy.yaml", variant=n) for n in d["variants"]}
    q = answer_all(ts, vs, 2, 0)
    assert q["groundwork"]["without_first_stage_variant"] == "summit_alone"
    assert q["headings"]["groundwork"] == "Would the working stage have changed the summit stage's outcome?"
    assert q["headings"]["course"].startswith("Which course: one_deal, or walking away?")
    assert not q["not_applicable"]
    d = toy()
    d.pop("tracks")
    d["variants"] = {"no_implementation": {"implementation": None}}
    ts = talks_from_document(d, "toy.yaml")
    q = answer_all(
        ts, {"no_implementation": talks_from_document(d, "toy.yaml", variant="no_implementation")}, 2, 0
    )
    assert q["headings"]["groundwork"] is None and q["not_applicable"]["groundwork"] == "one stage only"
    assert "package" in q["not_applicable"]["course"]
