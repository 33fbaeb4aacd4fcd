"""The backtest with every uncertain number drawn per run, the talks included (accord.experiments.backtest_runs).

References: each run's scenario is the full build of the document with that run's draws written in
(accord.experiments.params.sample_values, then talks_from_document); each run's talks equal the run-by-run
engine on that scenario alone; a drawn breakdown risk h ~ U[0, H] on a stage whose parties agree in round a
(0-based) gives P(agreement) = E[(1 - h)^a] = (1 - (1 - H)^(a+1)) / ((a + 1) H).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml

from accord.experiments import params as P
from accord.experiments.backtest import backtest_one, drawn_categories
from accord.experiments.backtest_runs import drawn_runs
from accord.experiments.patch_compare import same_talks
from accord.io.talks import load_talks, talks_from_document
from accord.io.yaml_scenario import read_document
from accord.protocols.talks import run_batch

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"


def test_each_run_is_its_own_draw_played_alone():
    d = drawn_runs(HANOI, 24, 5)
    ends = {k: r.end for idx, b, _ in d.groups for k, r in zip(idx, b.results, strict=True)}
    agreed = {k: r.outcome_index for idx, b, _ in d.groups for k, r in zip(idx, b.results, strict=True)}
    doc = read_document(HANOI)
    unc = P.find_uncertain(doc, str(HANOI))
    assert len({tuple(s.stages[0].rounds for s in d.scenarios)}) == 1
    for k, sc in enumerate(d.scenarios):
        values, _ = P.sample_values(doc, unc, 5 + k)
        full = talks_from_document(P.set_paths(doc, values), str(HANOI))
        assert _same_but_document(sc, full)
        alone = run_batch(full, 1, 5 + k).results[0]
        assert (ends[k], agreed[k]) == (alone.end, alone.outcome_index)
    assert len({s.stages[0].rounds for s in d.scenarios}) > 1  # the working level's rounds are drawn


def _same_but_document(a, b) -> bool:
    """Equal but for the document and the variants (a run is the base scenario; its variants are not kept)."""
    import dataclasses

    return same_talks(dataclasses.replace(a, document=b.document, variants=b.variants), b)


def test_same_seed_same_result():
    ts = load_talks(HANOI)
    one, two = (drawn_categories(ts, HANOI, 30, 11) for _ in range(2))
    assert one[0].tolist() == two[0].tolist() and one[2:] == two[2:]


def _zone(H: float | None) -> dict:
    grid = ["v0", "v1", "v2", "v3", "v4"]
    scores = {"a": dict(zip(grid, (0.0, 0.25, 0.5, 0.75, 1.0), strict=True))}
    scores["b"] = {v: 1.0 - x for v, x in scores["a"].items()}
    stage = {"name": "summit", "rounds": 6}
    if H is not None:
        stage["breakdown_risk"] = {"uniform": [0.0, H]}
    return {
        "name": "zone",
        "issues": {"x": {"values": grid, "ordered": True}},
        "parties": {
            n: {"weights": {"x": 1.0}, "scores": {"x": s}, "reservation": 0.2} for n, s in scores.items()
        },
        "protocol": {"deadline": 6},
        "tracks": [stage],
        "history": {"outcome": "no_agreement", "category": "no_agreement"},
    }


@pytest.mark.parametrize("H", [0.2, 0.5])
def test_drawn_breakdown_risk_gives_the_mixture_closed_form(tmp_path, H):
    sure = run_batch(talks_from_document(_zone(None), "z.yaml"), 1, 0).results[0]
    assert sure.agreement
    a = sure.rounds - 1
    f = tmp_path / "zone.yaml"
    f.write_text(yaml.safe_dump(_zone(H)), encoding="utf-8")
    runs = 3000
    r = backtest_one(load_talks(f), runs, 0, str(f), draws=True)
    p = (1 - (1 - H) ** (a + 1)) / ((a + 1) * H)
    assert r["model"]["agreement_completed"] == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / runs))
    assert r["model_detail"]["uncertain_numbers"] == "drawn per run"
    assert r["model_detail"]["talks_ends"]["breakdown"] == pytest.approx(
        1 - r["model"]["agreement_completed"]
    )
    fixed = backtest_one(load_talks(f), 200, 0, str(f), draws=False)  # nominal: h = H/2 in every run
    q = (1 - H / 2) ** a
    assert fixed["model"]["agreement_completed"] == pytest.approx(q, abs=4 * math.sqrt(q * (1 - q) / 200))
    assert fixed["model_detail"]["uncertain_numbers"] == "nominal"


def test_a_plain_scenario_is_its_protocol_as_one_stage(tmp_path):
    doc = copy.deepcopy(_zone(None))
    del doc["tracks"]
    doc["protocol"]["breakdown_risk"] = {"uniform": [0.0, 0.4]}
    f = tmp_path / "plain.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    d = drawn_runs(f, 20, 0)
    risks = {s.stages[0].breakdown_risk for s in d.scenarios}
    assert len(risks) == 20 and all(0.0 <= h <= 0.4 for h in risks)


def test_a_variant_is_drawn_as_its_own_document():
    d = drawn_runs(HANOI, 6, 0, "no_working_level")
    assert all([st.name for st in s.stages] == ["summit"] for s in d.scenarios)
    assert len({s.stages[0].breakdown_risk for s in d.scenarios}) == 6  # the summit's risk drawn per run
