"""The protocols' registry: names, the scenario's ``protocol.type``, installed protocols, the CLI listing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accord import api
from accord.errors import InputError
from accord.io.yaml_scenario import loads_yaml, scenario_to_dict
from accord.protocols import registry
from accord.protocols.single_text import run_single_text

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from single_text_helpers import scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def accord(*args, cwd=ROOT, path: list[Path] = ()):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *map(str, path)])
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_built_in_protocols_are_registered_with_citations():
    known = registry.available_protocols()
    assert {"alternating_offers", "single_text"} <= set(known)
    for name, info in known.items():
        assert info.name == name and info.description
        assert re.search(r"\(\d{4}\)", info.citation), info.citation
    assert "Raiffa" in known["single_text"].citation and "Klein" in known["single_text"].citation


def test_registering_a_taken_name_is_an_error():
    info = registry.available_protocols()["single_text"]
    registry.register_protocol(info)  # the same object again: harmless
    clone = registry.ProtocolInfo("single_text", "x", "y (2000)", info.run)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register_protocol(clone)


def test_alternating_entry_runs_what_api_run_runs():
    sc = scenario([3, 3, 2], seed=8).with_protocol(type="alternating_offers", options={})
    info = registry.protocol_of(sc)
    got = info.run(sc.compile(), ["boulware", "conceder"], seeds=[0, 1, 2])
    want = [api.run(sc, ["boulware", "conceder"], seed=s) for s in (0, 1, 2)]
    assert [g.summary() for g in got] == [w.summary() for w in want]
    assert [list(g.trace.offer) for g in got] == [list(w.trace.offer) for w in want]


def test_unknown_type_and_keys_name_the_file_and_field():
    sc = scenario([3, 2], seed=1).with_protocol(type="single_txt")
    with pytest.raises(InputError, match=r"generated.yaml: protocol.type: .*did you mean single_text"):
        registry.protocol_of(sc)
    sc = scenario([3, 2], seed=1).with_protocol(options={"strat": "random"})
    with pytest.raises(InputError, match=r"protocol.strat: .*did you mean `start`"):
        registry.protocol_of(sc)
    sc = scenario([3, 2], seed=1).with_protocol(opener="p0")
    with pytest.raises(InputError, match=r"protocol.opener: expected a key single_text reads"):
        registry.protocol_of(sc)
    sc = scenario([3, 2], seed=1).with_protocol(options={"start": {"i0": "v9"}})
    with pytest.raises(InputError, match=r"protocol.start.i0"):
        registry.protocol_of(sc)


def test_protocol_block_round_trips_through_the_file_format():
    sc = scenario([3, 2], seed=1, start={"i0": "v1", "i1": "v0"})
    back = loads_yaml(yaml.safe_dump(scenario_to_dict(sc), sort_keys=False), "back.yaml")
    assert back.protocol == sc.protocol
    assert back.protocol.type == "single_text" and back.protocol.options == {
        "start": {"i0": "v1", "i1": "v0"}
    }
    plain = loads_yaml(
        yaml.safe_dump(scenario_to_dict(sc.with_protocol(type="alternating_offers", options={})))
    )
    assert plain.protocol.type == "alternating_offers"
    assert "type" not in scenario_to_dict(plain)["protocol"]  # the default is not written


def test_talks_tracks_need_alternating_offers():
    doc = yaml.safe_load((ROOT / "scenarios" / "hanoi-2019.yaml").read_text())
    doc["protocol"]["type"] = "single_text"
    with pytest.raises(InputError, match=r"tracks: expected no tracks with protocol.type 'single_text'"):
        loads_yaml(yaml.safe_dump(doc, sort_keys=False), "hanoi.yaml")


def test_cli_lists_protocols_as_json():
    p = accord("protocols", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert all(set(r) == {"name", "description", "citation"} for r in rows)
    assert [r["name"] for r in rows] == list(registry.available_protocols())
    table = accord("protocols")
    assert table.returncode == 0 and "single_text" in table.stdout


def test_cli_runs_a_single_text_scenario_and_rejects_a_misspelt_type(tmp_path):
    sc = scenario([3, 2, 2], seed=4, deadline=30)
    doc = scenario_to_dict(sc)
    good = tmp_path / "st.yaml"
    good.write_text(yaml.safe_dump(doc, sort_keys=False))
    p = accord(
        "run",
        good,
        "--runs",
        "3",
        "--seed",
        "5",
        "-n",
        "annealer,hill_climber",
        "--json",
        "--trace",
        tmp_path / "t.csv",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    want = run_single_text(sc.compile(), ["annealer", "hill_climber"], seeds=[5, 6, 7])
    assert [r["outcome"] for r in out["results"]] == [w.outcome for w in want]
    assert [r["utilities"] for r in out["results"]] == [w.utilities for w in want]
    assert (tmp_path / "t.csv").read_text().count("\n") == 1 + 30 * 2 + 2  # header, votes, verdicts
    doc["protocol"]["type"] = "single_txt"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, sort_keys=False))
    p = accord("run", bad)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0
    assert "bad.yaml: protocol.type" in p.stderr and "did you mean single_text" in p.stderr


def _installed(tmp_path: Path) -> Path:
    """A package installed only as metadata on a path: one protocol under the accord.protocols group."""
    site = tmp_path / "site"
    (site / "fakeproto-0.1.dist-info").mkdir(parents=True)
    (site / "fakeproto-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fakeproto\nVersion: 0.1\n"
    )
    (site / "fakeproto-0.1.dist-info" / "entry_points.txt").write_text(
        "[accord.protocols]\nfixed_start_text = fakeproto:FIXED\n"
    )
    (site / "fakeproto.py").write_text(
        "from accord.protocols.registry import ProtocolInfo\n"
        "from accord.protocols.single_text import run_single_text\n"
        "FIXED = ProtocolInfo('fixed_start_text', 'The single text from a given first text',\n"
        "                     'Raiffa (1982)', run_single_text, keys=('start',),\n"
        "                     default_strategy='hill_climber')\n"
    )
    return site


def test_an_installed_protocol_is_listed_and_runs(tmp_path, monkeypatch):
    site = _installed(tmp_path)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(registry, "_PROTOCOLS", dict(registry._PROTOCOLS))
    monkeypatch.setattr(registry, "_entry_points_loaded", False)
    assert "fixed_start_text" in registry.available_protocols()
    start = {"i0": "v1", "i1": "v0", "i2": "v1"}
    sc = scenario([3, 2, 2], seed=4, deadline=20, start=start).with_protocol(type="fixed_start_text")
    got = api.run_batch(sc, None, seed=0, runs=2)
    want = run_single_text(sc.compile(), ["hill_climber"] * 2, seeds=[0, 1])
    assert [g.summary() for g in got] == [w.summary() for w in want]
    p = accord("protocols", "--json", path=[site])
    assert "fixed_start_text" in [r["name"] for r in json.loads(p.stdout)]


def test_a_broken_installed_protocol_is_one_clear_error(tmp_path):
    site = _installed(tmp_path)
    (site / "fakeproto.py").write_text("FIXED = 3\n")
    p = accord("protocols", path=[site])
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "entry point accord.protocols:fixed_start_text: expected a ProtocolInfo object" in p.stderr


def test_choosing_parties_keeps_the_protocol():
    sc = scenario([3, 2], seed=1, parties=3, start={"i0": "v1", "i1": "v0"})
    kept = sc.select(["p2", "p0"])
    assert kept.protocol == sc.protocol and kept.protocol.type == "single_text"


def test_strategies_of_an_unknown_protocol_is_one_clear_line():
    p = accord("strategies", "--protocol", "single_txt")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "--protocol: expected a protocol among" in p.stderr


def test_montecarlo_runs_the_scenarios_protocol(tmp_path):
    sc = scenario([3, 2, 2], seed=4, deadline=30, reservation=0.3)
    path = tmp_path / "st.yaml"
    path.write_text(yaml.safe_dump(scenario_to_dict(sc), sort_keys=False))
    p = accord("montecarlo", path, "--runs", "12", "--seed", "0", "--out", tmp_path / "mc")
    assert p.returncode == 0, p.stderr
    import pyarrow.parquet as pq

    rows = pq.read_table(tmp_path / "mc" / "results.parquet").to_pylist()
    want = {r.seed: r for r in run_single_text(sc.compile(), ["hill_climber"] * 2, seeds=range(12))}
    assert len(rows) == 12
    for row in rows:
        w = want[row["seed"]]
        assert row["agreement"] == w.agreement and row["utility_0"] == w.utilities["p0"]
        assert row["outcome_index"] == w.outcome_index
