"""Why a run ends as it does (accord.report.explain), what a run draws, and walk-away values with the true
facts: checked on runs whose decisive comparison is known by hand and over every library variant."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accord import api
from accord.io.talks import talks_from_document
from accord.protocols.talks import run_batch
from accord.report.explain import drawn_note, explain_run, walk_away_values

from .toy import toy

ROOT = Path(__file__).resolve().parents[2]
LIB = sorted((ROOT / "scenarios").glob("*.yaml"))
CASES = [(p, v) for p in LIB for v in [None, *api.talks_variants(p)]]


@pytest.mark.parametrize("path, variant", CASES, ids=lambda x: getattr(x, "stem", x or "base"))
def test_every_end_is_explained(path, variant):
    b = api.talks_batch(path, variant=variant, runs=1, seed=0)
    r = b.results[0]
    lines = explain_run(b.talks, r)
    last = r.stages[-1]
    if r.end == "agreement":
        assert any(line.startswith(f"agreement in stage {last.name}") for line in lines)
        leaders = [n for n in b.talks.party_names if b.talks.stages[-1].roles.get(n, "leader") == "leader"]
        assert all(any(line.startswith(f"{n}: the deal is worth") for line in lines) for n in leaders)
    elif r.end == "walk_away":
        assert f"{r.walked_away_by} walked away in stage {last.name} after {last.rounds} round(s)" in lines
        assert any(line.startswith(f"{r.walked_away_by} walked away") and ":" in line for line in lines[1:])
    elif r.end == "deadline":
        assert any("reached its deadline" in line for line in lines)
    for so in r.stages[:-1]:
        assert any(line.startswith(f"stage {so.name} ended by {so.end}") for line in lines)


def test_hanoi_yongbyon_only_names_the_belief_and_the_demand():
    path = ROOT / "scenarios" / "hanoi-2019.yaml"
    b = api.talks_batch(path, variant="yongbyon_only", runs=1, seed=0)
    lines = explain_run(b.talks, b.results[0])
    # the prior 0.8 is above the demand's threshold 0.5 [the file]; the package has declaration == none
    assert (
        "usa believes undeclared_sites_exist with P = 0.800 >= 0.5: it requires declaration != none" in lines
    )
    walk = next(line for line in lines if line.startswith("usa walked away:"))
    assert "demand unmet: declaration != none" in walk


def test_a_belief_below_the_threshold_lifts_the_demand():
    from accord.io.talks import read

    doc = read(ROOT / "scenarios" / "hanoi-2019.yaml")[0]  # distributions at their nominal values
    doc["private"]["facts"]["undeclared_sites_exist"]["beliefs"]["usa"] = 0.2
    ts = talks_from_document(doc, "hanoi.yaml", variant="yongbyon_only")
    b = run_batch(ts, 1, 0)
    lines = explain_run(ts, b.results[0])
    assert any("P = 0.200 < 0.5: it does not require declaration != none" in line for line in lines)


def test_drawn_note_says_when_rates_can_only_be_0_or_1(tmp_path):
    src = ROOT / "scenarios" / "jcpoa-2015.yaml"
    path = tmp_path / "jcpoa-no-breakdown.yaml"  # without the library's breakdown prior nothing is random
    text = src.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in text if "breakdown_risk:" not in ln), encoding="utf-8")
    b = api.talks_batch(path, runs=5, seed=0)
    assert "every rate is 0 or 1" in drawn_note(b.talks, b, path)
    b = api.talks_batch(src, runs=30, seed=0)
    note = drawn_note(b.talks, b, src)
    assert "may break down (risk per round: expert_rounds" in note
    assert ("every rate is 0 or 1" in note) == (len({(r.end, r.outcome_index) for r in b.results}) == 1)
    d = toy()
    d["private"]["facts"]["sites"] = {"probability": 0.5, "beliefs": {"a": 0.5}}
    p = tmp_path / "toy.yaml"
    p.write_text(yaml.safe_dump(d))
    b = api.talks_batch(p, runs=30, seed=0)
    note = drawn_note(b.talks, b, p)
    assert "private fact(s) sites drawn per run" in note
    ends = {(r.end, r.outcome_index) for r in b.results}
    assert ("every rate is 0 or 1" in note) == (len(ends) == 1)


def test_walk_away_value_with_the_true_facts():
    # a's status quo: relief none (0.4 * 1), plant open (0), declaration no (0), office no (0) = 0.4 with every
    # fact false; with sites true the term "sites and declaration == no" adds -0.2: 0.2
    d = toy()
    d["parties"]["a"]["reservation"] = {
        "outcome": {"relief": "none", "plant": "open", "declaration": "no", "office": "no"}
    }
    w = walk_away_values(talks_from_document(d, "toy.yaml"))
    assert w["a"]["used"] == pytest.approx(0.4) and w["a"]["true_facts"] == pytest.approx(0.2)
    assert w["a"]["per_world"] == pytest.approx({"sites=False": 0.4, "sites=True": 0.2})
    assert "true_facts" not in w["b"]


def test_run_json_and_text_carry_the_explanation():
    path = ROOT / "scenarios" / "hanoi-2019.yaml"
    p = subprocess.run(
        [sys.executable, "-m", "accord", "run", str(path), "--runs", "2", "--nominal", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    b = api.talks_batch(path, runs=1, seed=0)
    assert doc["explanation"] == explain_run(b.talks, b.results[0])
    two = api.talks_batch(path, runs=2, seed=0)
    assert doc["drawn"] == drawn_note(two.talks, two, path)
    assert doc["variants"]["no_working_level"]["changes"] == ["drops stage `working_level`"]


def test_json_trace_carries_the_explanation(tmp_path):
    path = ROOT / "scenarios" / "hanoi-2019.yaml"
    b = api.talks_batch(path, variant="walk_away", runs=1, seed=3)
    out = api.write_talks_trace(b, tmp_path / "t.json")
    assert json.loads(out.read_text())["why"] == explain_run(b.talks, b.results[0])


def test_the_explanation_gives_both_walk_away_values_where_the_facts_change_them():
    # as above: a's status quo is worth 0.4 with every fact false (as used) and 0.2 with sites true
    d = toy()
    d["parties"]["a"]["reservation"] = {
        "outcome": {"relief": "none", "plant": "open", "declaration": "no", "office": "no"}
    }
    ts = talks_from_document(d, "toy.yaml")
    b = api.talks_batch(ts, runs=1, seed=0)
    lines = [x for x in explain_run(ts, b.results[0]) if "walk-away value 0.400 as the model uses it" in x]
    assert len(lines) == 1 and "sites=True" in lines[0] and "worth 0.200 to it" in lines[0]
    assert "between 0.200 and 0.400" in lines[0]
    # no such line where nothing differs (the toy as written, every library case)
    plain = talks_from_document(toy(), "toy.yaml")
    assert not any("as the model uses it" in x for x in explain_run(plain, api.talks_batch(plain).results[0]))
