"""A user's strategies from outside the tree: ``module:Class`` and the ``accord.strategies`` entry points.

Real processes in a user's folder (the CLI as people call it), and the loader's errors one by one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord import api
from accord.errors import InputError
from accord.strategies import base
from accord.strategies.base import load_class
from accord.strategies.catalog import make

ROOT = Path(__file__).resolve().parents[2]
GENIUS = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius" / "Laptop"
PARTIES = "laptop_buyer_utility,laptop_seller_utility"

AGENTS = '''
import numpy as np

from accord.strategies.base import ACCEPT, REJECT, Negotiator, StrategyInfo
from accord.strategies.single_text import Voter


class Greedy(Negotiator):
    """Offer my best outcome; accept offers worth at least ``level`` of my best."""

    def __init__(self, level=0.9):
        self.level = level

    def propose(self, state):
        return int(np.argmax(self.ctx.utility))

    def respond(self, state, offer):
        u = self.ctx.utility
        return ACCEPT if u[offer] >= self.level * u.max() else REJECT


class Stubborn(Voter):
    """Single text: veto every change."""

    info = StrategyInfo("stubborn", "single-text", "a test", "Vetoes every change", protocol="single_text")

    def votes(self, step, time, current, proposed):
        return np.zeros(current.shape, dtype=bool)


not_a_class = 3
'''


def _accord(args, cwd: Path, path=()) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), *map(str, path)]))
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "myagents.py").write_text(AGENTS)
    return tmp_path


def _one_line_error(p: subprocess.CompletedProcess, *needles: str) -> None:
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip().count("\n") == 0, p.stderr
    for n in needles:
        assert n in p.stderr, p.stderr


def test_module_class_with_parameters_runs_from_the_cli_as_in_python(folder, monkeypatch):
    p = _accord(["run", GENIUS, "-p", PARTIES, "-n", "myagents:Greedy(level=0.8),conceder", "--json"], folder)
    assert p.returncode == 0, p.stderr
    (got,) = json.loads(p.stdout)["results"]
    monkeypatch.syspath_prepend(str(folder))
    agent = make("myagents:Greedy", level=0.8)
    want = api.run(GENIUS, [agent, api.negotiator_for("conceder")], parties=PARTIES.split(","), seed=0)
    assert got["outcome"] == want.outcome and got["utilities"] == want.utilities
    assert got["rounds"] == want.rounds


def test_an_out_of_tree_single_text_voter(folder):
    doc = (
        "name: st\nissues: {a: [x, y, z], b: [p, q]}\n"
        "parties:\n"
        "  one: {weights: {a: 1}, scores: {a: {x: 0, y: 0.5, z: 1}}}\n"
        "  two: {weights: {b: 1}, scores: {b: {p: 0, q: 1}}}\n"
        "protocol: {type: single_text, deadline: 20, start: {a: x, b: p}}\n"
    )
    (folder / "st.yaml").write_text(doc)
    p = _accord(["run", "st.yaml", "-n", "myagents:Stubborn,hill_climber", "--json"], folder)
    assert p.returncode == 0, p.stderr
    (r,) = json.loads(p.stdout)["results"]
    assert r["outcome"] == {"a": "x", "b": "p"}  # every change vetoed: the first text stays


@pytest.mark.parametrize(
    ("spec", "needles"),
    [
        ("nosuchmodule:Greedy", ["negotiators", "an importable module", "No module named 'nosuchmodule'"]),
        ("myagents:Gredy", ["a name Gredy in module myagents", "did you mean Greedy"]),
        ("myagents:not_a_class", ["a class, but myagents:not_a_class is a int"]),
        ("myagents:", ["a strategy name or module:Class, such as"]),
        ("myagents:Greedy(levle=1)", ["negotiators.myagents:Greedy", "levle"]),
    ],
)
def test_bad_names_and_modules_are_one_clear_line(folder, spec, needles):
    p = _accord(["run", GENIUS, "-p", PARTIES, "-n", f"{spec},conceder", "--json"], folder)
    _one_line_error(p, *needles)


def test_a_module_that_fails_to_import_is_one_clear_line(folder):
    (folder / "broken.py").write_text("import nosuchdependency\n")
    (folder / "syntax.py").write_text("def f(:\n")
    p = _accord(["run", GENIUS, "-p", PARTIES, "-n", "broken:X", "--json"], folder)
    _one_line_error(p, "No module named 'nosuchdependency'")
    p = _accord(["run", GENIUS, "-p", PARTIES, "-n", "syntax:X", "--json"], folder)
    _one_line_error(p, "a module that imports (SyntaxError")


def _site(tmp_path: Path, entries: str) -> Path:
    site = tmp_path / "site"
    info = site / "myagents-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: myagents\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[accord.strategies]\n{entries}")
    (site / "myagents.py").write_text(AGENTS)
    return site


def test_entry_points_are_listed_and_run_by_name(tmp_path):
    site = _site(tmp_path, "greedy = myagents:Greedy\nstubborn = myagents:Stubborn\n")
    p = _accord(["strategies", "--json"], tmp_path, [site])
    assert p.returncode == 0, p.stderr
    rows = {r["name"]: r for r in json.loads(p.stdout)}
    assert rows["greedy"]["family"] == "out-of-tree" and rows["greedy"]["source"] == "myagents:Greedy"
    assert rows["greedy"]["description"].startswith("Offer my best outcome")
    assert "stubborn" not in rows  # a single-text strategy: listed under its protocol
    p = _accord(["strategies", "--protocol", "single_text", "--json"], tmp_path, [site])
    assert {"stubborn", "hill_climber", "annealer"} <= {r["name"] for r in json.loads(p.stdout)}
    by_name = _accord(
        ["run", GENIUS, "-p", PARTIES, "-n", "greedy(0.8),conceder", "--json"], tmp_path, [site]
    )
    by_path = _accord(
        ["run", GENIUS, "-p", PARTIES, "-n", "myagents:Greedy(0.8),conceder", "--json"], tmp_path, [site]
    )
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout)["results"] == json.loads(by_path.stdout)["results"]


@pytest.mark.parametrize(
    ("entries", "needles"),
    [
        ("ghost = nosuchmodule:Ghost\n", ["entry point accord.strategies:ghost", "No module named"]),
        (
            "ghost = myagents:Ghost\n",
            ["entry point accord.strategies:ghost", "a name Ghost in module myagents"],
        ),
        (
            "boulware = myagents:Greedy\n",
            ["a strategy name not taken (it names accord.strategies.time_based"],
        ),
    ],
)
def test_bad_entry_points_are_one_clear_line(tmp_path, entries, needles):
    site = _site(tmp_path, entries)
    _one_line_error(_accord(["strategies", "--json"], tmp_path, [site]), *needles)
    _one_line_error(_accord(["run", GENIUS, "-p", PARTIES, "-n", "ghost"], tmp_path, [site]), *needles)
    # A run of built-in strategies never loads the installed ones, so a broken package does not stop it.
    for spec in ("conceder", "aspiration(e=2)"):
        p = _accord(["run", GENIUS, "-p", PARTIES, "-n", spec, "--json"], tmp_path, [site])
        assert p.returncode == 0, p.stderr


def test_load_class_errors_in_process(tmp_path, monkeypatch):
    (tmp_path / "myagents.py").write_text(AGENTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_class("myagents:Greedy").__name__ == "Greedy"
    with pytest.raises(InputError, match="module:Class"):
        load_class("justaname")
    with pytest.raises(InputError, match="did you mean Greedy"):
        make("myagents:Greed")


def test_register_refuses_a_second_class_under_a_taken_name():
    class Other(base.Negotiator):
        info = base.StrategyInfo("boulware", "x", "y", "z")

    with pytest.raises(ValueError, match="registered twice"):
        base.register("boulware")(Other)
