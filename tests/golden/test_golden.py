"""Every built-in strategy pair on three GENIUS domains replays its committed golden trace exactly.

The records were made by ``traces.py`` (run it to regenerate after an intended change, and commit the diff
with the reason). Each pair is replayed through ``accord.api.run_batch``, so pairs of time-dependent
strategies are computed by the array engine (their final fields checked against the record, their trace
replayed turn by turn) and every other pair turn by turn.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import traces  # noqa: E402

from accord import api  # noqa: E402


@pytest.mark.parametrize(("stem", "folder", "profiles"), traces.DOMAINS, ids=[d[0] for d in traces.DOMAINS])
def test_every_pair_replays_its_golden_trace(stem, folder, profiles):
    gold = json.loads((traces.HERE / f"{stem}.json").read_text())
    assert gold["strategies"] == traces.strategies(), "strategies added or removed: regenerate the traces"
    assert (gold["deadline"], gold["seed"]) == (traces.DEADLINE, traces.SEED)
    sc = traces.scenario(folder, tuple(profiles))
    engines = set()
    bad = []
    for key, want in gold["pairs"].items():
        a, b = key.split("|")
        (result,) = api.run_batch(sc, [a, b], steps=traces.DEADLINE, seed=traces.SEED)
        engines.add(result.engine)
        if traces.record(result) != want:
            bad.append(key)
    assert not bad, f"{len(bad)} pairs differ from tests/golden/{stem}.json: {bad[:10]}"
    assert engines == {"arrays", "turns"}  # both engines are held to the record
