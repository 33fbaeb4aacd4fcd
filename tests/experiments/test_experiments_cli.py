"""The experiment commands as users call them: real processes, JSON contracts, exit codes, a killed run resumed."""

import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq

from .conftest import GENIUS, ROOT

LAPTOP = f"{GENIUS / 'Laptop'}@laptop_buyer_utility,laptop_seller_utility"


def accord(*args, cwd=ROOT, env=None):
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env=env,
    )


def test_help_has_examples():
    for cmd in ("montecarlo", "sweep", "tournament", "report"):
        p = accord(cmd, "--help")
        assert p.returncode == 0 and "Example" in p.stdout


def test_montecarlo_json_contract(toy, tmp_path):
    p = accord(
        "montecarlo", toy, "--runs", 40, "--seed", 4, "--out", tmp_path / "mc", "--workers", 1, "--json"
    )
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)  # stdout holds the JSON alone; the progress bar is on stderr
    assert doc["runs"] == 40 and doc["out"] == str(tmp_path / "mc")
    t = pq.read_table(tmp_path / "mc" / "results.parquet")
    assert t.num_rows == 40 and t.column("seed").to_pylist() == list(range(4, 44))
    assert doc["agreement_rate"] == sum(t.column("agreement").to_pylist()) / 40
    m = json.loads((tmp_path / "mc" / "manifest.json").read_text())
    assert m["command"][:2] == ["accord", "montecarlo"] and "--seed" in m["command"]


def test_tournament_json_contract(tmp_path):
    p = accord(
        "tournament",
        LAPTOP,
        "--negotiators",
        "boulware,conceder",
        "--repetitions",
        2,
        "--out",
        tmp_path / "t",
        "--workers",
        1,
        "--json",
        "--quiet",
    )
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["negotiations"] == 8
    assert {r["negotiator"] for r in doc["leaderboard"]} == {"boulware", "conceder"}
    for r in doc["leaderboard"]:
        assert {"negotiator", "mean_utility", "agreement_rate"} <= set(r)


def _one_line_error(p, *words):
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and p.stderr.strip().count("\n") == 0
    for w in words:
        assert w in p.stderr


def test_bad_input_is_one_line_and_exit_2(toy, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(toy.read_text().replace("{uniform: [0.2, 0.6]}", "{uniform: [0.6, 0.2]}"))
    _one_line_error(
        accord("montecarlo", bad, "--runs", 5, "--out", tmp_path / "b"),
        "parties.buyer.reservation",
        "low < high",
    )
    _one_line_error(
        accord("sweep", toy, "--param", "parties.seler.reservation=0:1:3", "--out", tmp_path / "s"),
        "parties.seler.reservation",
        "seller",
    )
    _one_line_error(
        accord("montecarlo", toy, "--runs", 5, "--out", tmp_path / "d", "--scheduler", "tcp://127.0.0.1:9"),
        "--scheduler",
        "reachable",
    )
    (tmp_path / "f").write_text("x")
    _one_line_error(
        accord("montecarlo", toy, "--runs", 5, "--out", tmp_path / "f" / "sub", "-w", 1), "writable"
    )
    _one_line_error(
        accord("tournament", LAPTOP, "--negotiators", "bolware", "--out", tmp_path / "t"), "boulware"
    )


def test_a_killed_run_resumes_to_exactly_the_rows_of_an_uninterrupted_one(toy, tmp_path):
    out = tmp_path / "killed"
    args = [
        sys.executable,
        "-m",
        "accord",
        "montecarlo",
        str(toy),
        "--runs",
        "1200",
        "--seed",
        "9",
        "--workers",
        "1",
        "-q",
    ]
    proc = subprocess.Popen(
        [*args, "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    parts = out / "parts"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if parts.is_dir() and len(list(parts.glob("results-*.parquet"))) >= 3:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # a lost machine: no cleanup at all
    proc.wait()
    assert not (out / "results.parquet").exists(), "the run finished before it could be killed"
    kept = len(list(parts.glob("results-*.parquet")))
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    p = subprocess.run(
        [*args, "--out", str(out), "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and len(m["resumed"]) == 1 and kept >= 3
    ref = tmp_path / "ref"
    p = subprocess.run([*args, "--out", str(ref)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert pq.read_table(out / "results.parquet").equals(pq.read_table(ref / "results.parquet"))


def test_sweep_and_report_commands(toy, tmp_path):
    p = accord(
        "sweep",
        toy,
        "--param",
        "parties.seller.reservation=0:0.6:3",
        "--runs",
        4,
        "--out",
        tmp_path / "s",
        "-w",
        1,
        "--json",
        "-q",
    )
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["runs"] == 12 and [pt["values"]["parties.seller.reservation"] for pt in doc["points"]] == [
        0.0,
        0.3,
        0.6,
    ]
    p = accord("report", tmp_path / "s", "--json")
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert rep["report"].endswith("index.html") and "sweep.svg" in rep["figures"]
    _one_line_error(accord("report", tmp_path / "nothing"), "manifest.json")
