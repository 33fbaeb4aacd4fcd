"""The library's declared priors on why talks fail (docs/scenario-format.md, conventions, "Why talks fail"):
every walk-away value written as a status-quo outcome carries an offset U[-0.1, 0.1], every stage of `tracks` a
breakdown risk U[0, 1 - 0.8^(1/R)] with R the stage's nominal rounds (a file without `tracks`: its protocol, the
one stage, with R the deadline) (so a stage at the largest risk ends in
a breakdown with probability at most 1 - 0.8^((R-1)/R) < 0.2), each marked `judgement:` in the file. One rule
for every file, set before the backtest was run and not fitted to the outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.io.talks import load_talks
from accord.io.yaml_scenario import read_document

LIB = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(LIB.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_priors_follow_the_rule(path):
    doc = read_document(path)  # as written: distributions kept
    text = path.read_text(encoding="utf-8")
    for name, party in doc["parties"].items():
        res = party.get("reservation")
        if isinstance(res, dict) and "outcome" in res:
            assert res.get("offset") == {"uniform": [-0.1, 0.1]}, f"{name}: walk-away offset"
    ts = load_talks(path)
    specs = doc.get("tracks") or [
        doc["protocol"]
    ]  # no tracks (the UN win-set variant): the protocol's one stage
    assert len(specs) == len(ts.stages)
    for spec, stage in zip(specs, ts.stages, strict=True):
        h = round(1 - 0.8 ** (1 / stage.rounds), 4)
        assert spec.get("breakdown_risk") == {"uniform": [0.0, h]}, f"{stage.name}: breakdown risk"
        assert 1 - (1 - h) ** (stage.rounds - 1) < 0.2
    marked = [ln for ln in text.splitlines() if "breakdown_risk:" in ln or "offset: {uniform" in ln]
    assert marked and all("judgement:" in ln for ln in marked)
