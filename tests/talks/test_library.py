"""The scenario library: every file loads with its variants, cites resolvable sources, records its history,
and runs under the CLI contracts of `accord run --json` and `accord backtest --json`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from accord import api
from accord.io.talks import load_talks, read, variant_names

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scenarios"
REFERENCE = Path(os.environ["ACCORD_SHARED"]) / "reference" / "scenarios.md"
MINE = ["singapore-2018", "agreed-framework-1994", "six-party-2007", "leap-day-2012", "jcpoa-2015"]
ALL = ["hanoi-2019", *MINE]


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = (
        "import importlib,sys; A=importlib.import_module('accord.cli.app');"
        "A.COMMAND_MODULES=tuple(dict.fromkeys((*A.COMMAND_MODULES,'accord.cli.talks'))); A.main(sys.argv[1:])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize("name", ALL)
def test_scenario_and_variants_load_with_history(name):
    path = LIB / f"{name}.yaml"
    ts = load_talks(path)
    assert ts.history.get("outcome") is not None
    assert ts.stages and ts.implementation is not None
    for v in variant_names(read(path)[0]):
        assert load_talks(path, v).variant == v


@pytest.mark.parametrize("name", MINE)
def test_citations_resolve_in_the_file_and_the_reference(name):
    text = (LIB / f"{name}.yaml").read_text()
    doc = read(LIB / f"{name}.yaml")[0]
    cited = set(re.findall(r"\[([A-Z][0-9]+[a-z]?)\]", text))
    assert cited, "no citations"
    assert cited <= set(doc["sources"]), sorted(cited - set(doc["sources"]))
    ref = REFERENCE.read_text()
    for sid in doc["sources"]:
        assert f"[{sid}]" in ref, sid


_NUMBER_LINE = re.compile(r"^\s+[A-Za-z_][\w\-]*:\s*-?[0-9][0-9.]*\s*(#.*)?$")


@pytest.mark.parametrize("name", MINE)
def test_every_standalone_number_carries_a_source_or_judgement(name):
    bad = []
    for k, line in enumerate((LIB / f"{name}.yaml").read_text().splitlines(), 1):
        if _NUMBER_LINE.match(line):
            comment = line.split("#", 1)[1] if "#" in line else ""
            if not (
                "judgement" in comment or re.search(r"\[[A-Z][0-9]+", comment) or "as protocol" in comment
            ):
                bad.append((k, line.strip()))
    assert not bad, bad


def test_run_json_contract_with_variants_and_same_seed_across_variants():
    p = _cli("run", LIB / "hanoi-2019.yaml", "--runs", "5", "--seed", "7", "--nominal", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["runs"] == 5 and [r["seed"] for r in d["results"]] == [7, 8, 9, 10, 11]
    for r in d["results"]:
        assert set(r) >= {"seed", "agreement", "outcome", "utilities", "rounds", "walked_away_by"}
    assert d["agreement_rate"] == sum(r["agreement"] for r in d["results"]) / 5
    assert set(d["variants"]) == {
        "no_working_level",
        "yongbyon_only",
        "big_bargain",
        "phased_verified",
        "walk_away",
    }
    for name, v in d["variants"].items():
        assert set(v) >= {
            "agreement_rate",
            "mean_utilities",
            "threat_reduction_mean",
            "cheating_detected_rate",
            "completed_rate",
        }
        alone = api.run_talks(LIB / "hanoi-2019.yaml", variant=name, runs=5, seed=7, with_results=False)
        assert alone["agreement_rate"] == v["agreement_rate"]
        assert alone["mean_utilities"] == v["mean_utilities"]
        assert alone["implementation"]["threat_reduction_mean"] == v["threat_reduction_mean"]


def test_backtest_json_contract():
    p = _cli("backtest", LIB, "--runs", "3", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    # Every historical case of the library is back-tested (the library may hold more scenarios).
    assert {r["scenario"] for r in rows} >= {load_talks(LIB / f"{n}.yaml").name for n in ALL}
    for r in rows:
        assert set(r) >= {"scenario", "history", "model", "agrees"}
        assert isinstance(r["agrees"], bool)
        assert sum(r["model"].values()) == pytest.approx(1.0)


def test_plain_protocol_still_runs_when_negotiators_are_given():
    p = _cli("run", LIB / "hanoi-2019.yaml", "-n", "boulware,conceder", "--steps", "10", "--json")
    assert p.returncode == 0, p.stderr
    assert "variants" not in json.loads(p.stdout)


def test_inspection_commands():
    p = _cli("inspection", "game", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["equilibrium"]["p_star"] == pytest.approx(0.25) and d["leadership"][
        "inspector_payoff"
    ] == pytest.approx(-0.025)
    p = _cli("inspection", "dresher", "10", "3", "--json")
    assert json.loads(p.stdout)["closed_form"] == pytest.approx(0.4772727272727273)
    p = _cli("inspection", "game", "--a", "2", "--c", "1")
    assert p.returncode == 2 and "Traceback" not in p.stderr
