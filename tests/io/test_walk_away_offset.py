"""A walk-away value written as a status-quo outcome with an ``offset``: the party's utility of the outcome
plus the offset (an outside option better or worse than the status quo), drawn per run when it is a
distribution. Reference: the utility of the outcome computed here by hand from the weights and scores."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from accord.experiments.fastbuild import Patcher
from accord.experiments.patch_compare import same_scenario, same_talks
from accord.io.talks import talks_from_document
from accord.io.yaml_scenario import scenario_from_dict

DOC = {
    "name": "offset",
    "issues": {"x": {"values": ["lo", "mid", "hi"], "ordered": True}, "y": ["no", "yes"]},
    "parties": {
        "a": {
            "weights": {"x": 0.7, "y": 0.3},
            "scores": {"x": {"lo": 0.0, "mid": 0.5, "hi": 1.0}, "y": {"no": 0.0, "yes": 1.0}},
            "reservation": {"outcome": {"x": "mid", "y": "no"}, "offset": 0.05},
        },
        "b": {
            "weights": {"x": 0.6, "y": 0.4},
            "scores": {"x": {"lo": 1.0, "mid": 0.4, "hi": 0.0}, "y": {"no": 0.2, "yes": 1.0}},
            "reservation": {"outcome": {"x": "mid", "y": "no"}},
        },
    },
    "protocol": {"deadline": 4},
}


def test_offset_is_added_to_the_status_quo_utility():
    sc = scenario_from_dict(copy.deepcopy(DOC), "o.yaml")
    assert sc.parties[0].preferences.reservation == pytest.approx(0.7 * 0.5 + 0.3 * 0.0 + 0.05, abs=1e-15)
    assert sc.parties[1].preferences.reservation == pytest.approx(0.6 * 0.4 + 0.4 * 0.2, abs=1e-15)


@pytest.mark.parametrize("talks", [False, True])
def test_drawn_offset_patches_exactly(talks):
    doc = copy.deepcopy(DOC)
    if talks:
        doc["tracks"] = [{"name": "summit", "rounds": 4}]
    drawn = copy.deepcopy(doc)
    drawn["parties"]["a"]["reservation"]["offset"] = {"uniform": [-0.1, 0.1]}
    drawn["parties"]["a"]["weights"]["x"] = {"uniform": [0.6, 0.8]}
    build = talks_from_document if talks else scenario_from_dict
    pt = Patcher(drawn, build(copy.deepcopy(doc), "o.yaml"))
    off, w = ("parties", "a", "reservation", "offset"), ("parties", "a", "weights", "x")
    assert pt.kind(off) == "reservation_offset"
    for values in ({off: -0.0731, w: 0.65}, {off: 0.0913, w: 0.7}):
        got = pt.scenario(values)
        want = copy.deepcopy(doc)
        want["parties"]["a"]["reservation"]["offset"] = values.get(off, 0.05)
        want["parties"]["a"]["weights"]["x"] = values.get(w, 0.7)
        full = build(want, "o.yaml")
        assert got is not None
        assert (same_talks if talks else same_scenario)(got, full)
        u = values.get(w, 0.7) * 0.5 + values.get(off, 0.05)
        base = got.scenario if talks else got
        assert base.parties[0].preferences.reservation == pytest.approx(u, abs=1e-15)
    fixed = copy.deepcopy(doc)  # the offset written as a number, only the weight drawn
    fixed["parties"]["a"]["weights"]["x"] = {"uniform": [0.6, 0.8]}
    pt = Patcher(fixed, build(copy.deepcopy(doc), "o.yaml"))
    got = pt.scenario({w: 0.75})
    want = copy.deepcopy(doc)
    want["parties"]["a"]["weights"]["x"] = 0.75
    assert got is not None and (same_talks if talks else same_scenario)(got, build(want, "o.yaml"))
    base = got.scenario if talks else got
    assert base.parties[0].preferences.reservation == pytest.approx(0.75 * 0.5 + 0.05, abs=1e-15)


def test_offset_that_is_not_a_number_is_refused(tmp_path):
    doc = copy.deepcopy(DOC)
    doc["parties"]["a"]["reservation"]["offset"] = "big"
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "accord", "run", str(f)], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bad.yaml" in r.stderr and "parties.a.reservation.offset" in r.stderr
