"""A run killed at any point of its writes (SIGKILL: no cleanup at all) resumes to exactly the rows of an
uninterrupted run; a second run on the same --out is refused; workers end when their parent is killed.

The kill points are the run directory's file-system events: every fsync, rename, unlink and rmdir the
store makes, each taken before and after it happens. A driver process counts them and kills itself at
event N; the test resumes and compares the tables with a reference run of the same plan.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from .conftest import ROOT

DRIVER = r"""
import os, signal, sys
from pathlib import Path
import accord.experiments.store as store

kill_at, count_file = int(sys.argv[1]), sys.argv[2]
n = 0

def event():
    global n
    if n == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    n += 1

def hooked(fn):
    def call(*a, **k):
        event()
        out = fn(*a, **k)
        event()
        return out
    return call

class _Os:
    def __getattr__(self, name):
        return getattr(os, name)
    replace = staticmethod(hooked(os.replace))
    fsync = staticmethod(hooked(os.fsync))

store.os = _Os()
Path.unlink = hooked(Path.unlink)
Path.rmdir = hooked(Path.rmdir)
from accord.cli.app import main
try:
    main(sys.argv[3:])
finally:
    Path(count_file).write_text(str(n))
"""

ARGS = ["--runs", "40", "--seed", "3", "--sensitivity", "4", "--oat-runs", "1", "--workers", "1", "-q"]
TABLES = ("results", "sobol", "oat")


def _run(args, **kw):
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300, **kw
    )


def _tables(out: Path) -> dict[str, object]:
    return {t: pq.read_table(out / f"{t}.parquet") for t in TABLES if (out / f"{t}.parquet").exists()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    from .conftest import TOY

    base = tmp_path_factory.mktemp("kill")
    toy = base / "toy.yaml"
    toy.write_text(TOY)
    driver = base / "driver.py"
    driver.write_text(DRIVER)
    ref = base / "ref"
    count = base / "count"
    p = _run([driver, -1, count, "montecarlo", toy, *ARGS, "--out", ref])
    assert p.returncode == 0, p.stderr
    return base, toy, driver, _tables(ref), int(count.read_text())


def test_the_reference_run_has_every_table_and_many_kill_points(reference):
    _base, _toy, _driver, ref, events = reference
    assert set(ref) == set(TABLES) and ref["results"].num_rows == 40
    assert events >= 30  # parts of three tables, their merges, the manifests


@pytest.mark.parametrize("point", range(1, 88, 5))
def test_killed_at_any_write_the_resumed_run_has_exactly_the_reference_rows(reference, point):
    base, toy, driver, ref, events = reference
    point = point % events
    out = base / f"killed-{point}"
    count = base / f"count-{point}"
    p = _run([driver, point, count, "montecarlo", toy, *ARGS, "--out", out])
    assert p.returncode == -signal.SIGKILL, (point, p.returncode, p.stderr)
    resumed = _run(["-m", "accord", "montecarlo", toy, *ARGS, "--out", out, "--resume"])
    assert resumed.returncode == 0, (point, resumed.stderr)
    got = _tables(out)
    assert set(got) == set(ref)
    for t in TABLES:
        assert got[t].equals(ref[t]), (point, t)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not (out / "parts").exists() or not any((out / "parts").iterdir())


def _start(toy: Path, out: Path, runs: int, workers: int) -> subprocess.Popen:
    """A Monte Carlo run in the background (to be killed by the test)."""
    args = ["montecarlo", toy, "--runs", runs, "--workers", workers, "-q", "--out", out]
    return subprocess.Popen(
        [sys.executable, "-m", "accord", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_second_run_on_the_same_out_is_refused_while_the_first_runs(reference):
    base, toy, _driver, _ref, _events = reference
    out = base / "busy"
    first = _start(toy, out, runs=3000, workers=1)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not (out / "manifest.json").exists():
            time.sleep(0.05)
        second = _run(["-m", "accord", "montecarlo", toy, "--runs", "3000", "--out", out, "--resume", "-q"])
        assert second.returncode == 2, second.stderr
        assert "no other run is writing" in second.stderr and str(first.pid) in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait()
    # the lock dies with its holder: the run resumes at once
    third = _run(["-m", "accord", "montecarlo", toy, "--runs", "3000", "--out", out, "--resume", "-q"])
    assert third.returncode == 0, third.stderr


def _children(pid: int) -> list[int]:
    import psutil

    return [c.pid for c in psutil.Process(pid).children(recursive=True)]


def test_workers_end_when_their_parent_is_killed(reference):
    import psutil

    base, toy, _driver, _ref, _events = reference
    out = base / "orphans"
    parent = _start(toy, out, runs=20000, workers=2)
    kids: list[int] = []
    deadline = time.time() + 60
    while time.time() < deadline and len(kids) < 3:  # the forkserver and two workers
        kids = _children(parent.pid)
        time.sleep(0.1)
    assert len(kids) >= 3, kids
    os.kill(parent.pid, signal.SIGKILL)
    deadline = time.time() + 10
    alive = kids
    while time.time() < deadline and alive:
        alive = [k for k in kids if psutil.pid_exists(k) and psutil.Process(k).status() != "zombie"]
        time.sleep(0.1)
    parent.wait()
    assert not alive, f"workers outlived their parent: {alive}"
