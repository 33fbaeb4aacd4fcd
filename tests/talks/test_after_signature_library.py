"""The library's after-signature blocks follow the shared conventions (docs/scenario-format.md, "After
signature"): every ratification threshold is a class share of the party's largest gain over its walk-away
value, every hazard a regime class's base rate, every election inside the horizon at its date with a
turnover of the declared base rate times a position class, and every number carries a source id resolved in
the file or a `judgement:`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from accord.io.talks import load_talks, read
from accord.protocols.talks import compiled

LIB = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(p for p in LIB.glob("*.yaml") if "implementation:" in p.read_text(encoding="utf-8"))
CLASSES = {"supported": (0.0, 0.2), "contested": (0.1, 0.5), "opposed": (0.3, 0.8)}
POSITIONS = {"pledged": 0.8, "critical": 0.4, "supportive": 0.1}
HAZARDS = {0.0, 0.03, 0.06}
CITE = re.compile(r"\[([A-Z]{1,3}[0-9]+[a-z]?)\]")


def _justified(text: str, sources: dict) -> bool:
    ids = CITE.findall(text)
    return "judgement" in text or (bool(ids) and set(ids) <= set(sources))


def test_every_case_with_an_implementation_block_declares_after_signature_rules():
    assert len(FILES) >= 25
    missing = [p.stem for p in FILES if not read(p)[0]["implementation"].get("hazard")]
    assert not missing, missing


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_after_signature_numbers_follow_the_conventions(path):
    doc = read(path)[0]
    imp, sources = doc["implementation"], doc["sources"]
    ts = load_talks(path)
    walk = dict(zip(ts.party_names, map(float, compiled(ts).worlds.reservations), strict=True))
    for party, spec in imp.get("ratification", {}).items():
        cls = spec["note"].split(":", 1)[0]
        assert cls in CLASSES, (party, spec["note"])
        lo, hi = CLASSES[cls]
        gain = 1.0 - walk[party]
        assert spec["threshold"] == pytest.approx([lo * gain, hi * gain], abs=6e-4), party
        assert _justified(spec["note"], sources), (party, spec["note"])
    assert set(imp["hazard"]) == set(ts.party_names)
    assert set(imp["hazard"].values()) <= HAZARDS
    line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("  hazard:"))
    assert _justified(line.split("#", 1)[1], sources) or "Leeds" in line
    signed = dt.date.fromisoformat(str(doc["history"]["date"]))
    for e in imp.get("elections", []):
        day, pos = (s.strip() for s in e["note"].split(";", 1)[0].split(","))
        assert pos in POSITIONS, e
        years = (dt.date.fromisoformat(day) - signed).days / 365.25
        assert 0 <= years <= 5 and e["year"] == pytest.approx(years, abs=0.006), e
        assert e["turnover"] == pytest.approx(0.5 * POSITIONS[pos]), e
        assert _justified(e["note"], sources) or "Politico" in e["note"], e
