"""The command line as users call it: real processes, exit codes, stderr, JSON contracts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
GENIUS = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"


def accord(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_help_has_examples():
    for cmd in ("analyze", "run", "schema"):
        p = accord(cmd, "--help")
        assert p.returncode == 0
        assert "Example" in p.stdout


def test_missing_file_is_one_clear_line():
    p = accord("analyze", "no/such/file.yaml", "--json")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0
    assert "no/such/file.yaml" in p.stderr


def test_bad_negotiator_suggests_names(tmp_path):
    p = accord(
        "run",
        GENIUS / "Laptop",
        "--parties",
        "laptop_buyer_utility,laptop_seller_utility",
        "--negotiators",
        "bolware",
        "--json",
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "boulware" in p.stderr


def test_bad_steps_rejected():
    p = accord("run", GENIUS / "Laptop", "--steps", "-3", "--json")
    assert p.returncode == 2 and "--steps" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.skipif(not HANOI.exists(), reason="scenario library not present")
def test_run_hanoi_json_contract():
    p = accord(
        "run",
        HANOI,
        "--negotiators",
        "boulware,conceder",
        "--steps",
        "50",
        "--seed",
        "3",
        "--runs",
        "4",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["runs"] == 4 and len(d["results"]) == 4
    assert [r["seed"] for r in d["results"]] == [3, 4, 5, 6]
    for r in d["results"]:
        assert set(r) >= {"seed", "agreement", "outcome", "utilities", "rounds", "walked_away_by"}
    assert d["agreement_rate"] == sum(r["agreement"] for r in d["results"]) / 4
    assert set(d["mean_utilities"]) == set(d["parties"])


def test_run_genius_and_trace(tmp_path):
    out = tmp_path / "trace.csv"
    p = accord(
        "run",
        GENIUS / "Laptop",
        "--parties",
        "laptop_buyer_utility,laptop_seller_utility",
        "-n",
        "boulware,conceder",
        "--steps",
        "20",
        "--trace",
        out,
    )
    assert p.returncode == 0, p.stderr
    assert "Agreement" in p.stdout or "No agreement" in p.stdout
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[:5] == ["round", "time", "party", "action", "offer"]
    assert len(lines) > 2


def test_analyze_json_contract_on_anl_domain():
    p = accord("analyze", GENIUS / "ANL2023-domain00", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["outcomes"] == 6480 and d["parties"] == ["profileA", "profileB"]
    ref = json.loads((GENIUS / "ANL2023-domain00" / "specials.json").read_text())
    assert len(d["pareto"]) == len(ref["pareto_front"])
    nash = d["nash"]["utilities"]
    assert (nash["profileA"], nash["profileB"]) == pytest.approx(tuple(ref["nash"]["utility"]), abs=1e-6)
    for key in ("kalai_smorodinsky", "max_welfare"):
        assert set(d[key]) == {"outcome", "utilities"}
    assert isinstance(d["zopa_size"], int)


def test_schema_is_json_schema():
    p = accord("schema")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert "properties" in s and "parties" in s["properties"] and "issues" in s["properties"]
