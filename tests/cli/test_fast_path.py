"""`accord analyze PATH [--parties ...] --json` without Typer: the same bytes, the same failures.

accord.cli.main answers that command line itself (start-up is most of its time). Each case below runs the
real console entry point (the `accord` script) and the Typer application directly, as separate processes,
and compares stdout, stderr and the exit code byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import fast_analyze_args, split_list

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
GENIUS = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared")) / "data" / "genius"
FOLDERS = sorted(p for p in GENIUS.iterdir() if p.is_dir()) if GENIUS.is_dir() else []

TYPER = "import sys; from accord.cli.app import main; sys.argv[0] = 'accord'; main()"


SCRIPT = Path(sys.executable).parent / "accord"  # the console script users run
ENTRY = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "accord"]


def fast(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*ENTRY, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300)


def typer(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", TYPER, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def same(*args: object) -> subprocess.CompletedProcess:
    assert fast_analyze_args([str(a) for a in args]) is not None, (
        "this command line should take the fast path"
    )
    a, b = fast(*args), typer(*args)
    assert a.stdout == b.stdout
    assert a.stderr == b.stderr
    assert a.returncode == b.returncode
    return a


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_genius_folders_print_what_typer_prints(folder):
    p = same("analyze", folder, "--json")
    assert p.returncode in (0, 2)
    if p.returncode == 0:
        assert p.stdout.startswith("{") and '"pareto"' in p.stdout


@pytest.mark.skipif(not HANOI.exists(), reason="scenario library not present")
@pytest.mark.parametrize(
    "extra",
    [
        ["--json"],
        ["--json", "--parties", "dprk,usa"],
        ["-p", "usa,dprk", "--json"],
        ["--parties=usa,dprk", "--json"],
        ["--json", "--json"],
    ],
)
def test_hanoi_prints_what_typer_prints(extra):
    p = same("analyze", HANOI, *extra)
    assert p.returncode == 0 and '"nash"' in p.stdout


def test_bad_input_same_message_and_exit_2(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "domain.xml").write_text("<negotiation_template><utility_space><objective>")
    (broken / "a.xml").write_text("<utility_space/>")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("name: x\nissues: [oops\n")
    cases = [
        ("analyze", tmp_path / "no-such-file.yaml", "--json"),
        ("analyze", broken, "--json"),
        ("analyze", bad_yaml, "--json"),
    ]
    if HANOI.exists():
        cases.append(("analyze", HANOI, "--parties", "usa,nobody", "--json"))
    for case in cases:
        p = same(*case)
        assert p.returncode == 2
        assert p.stdout == ""
        assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
        assert "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["analyze", "--json"],
        ["analyze", "x.yaml"],  # readable output: Typer and Rich
        ["analyze", "x.yaml", "--json", "--help"],
        ["analyze", "--help"],
        ["analyze", "x.yaml", "y.yaml", "--json"],
        ["analyze", "x.yaml", "--json", "--parties"],
        ["analyze", "x.yaml", "--json", "--bogus"],
        ["analyze", "x.yaml", "--parties", "--json"],
        ["run", "x.yaml", "--json"],
        ["--help"],
        [],
    ],
)
def test_everything_else_goes_to_typer(args):
    assert fast_analyze_args(args) is None


def test_usage_errors_still_exit_2():
    for args in (
        ["analyze", "--json"],
        ["analyze", "x", "--json", "--bogus"],
        ["analyze", "x", "--json", "--parties"],
    ):
        p = fast(*args)
        assert p.returncode == 2 and "Traceback" not in p.stderr


def test_help_unchanged():
    a = fast("analyze", "--help")
    b = typer("analyze", "--help")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and "Example" in a.stdout


@pytest.mark.skipif(not FOLDERS, reason="GENIUS reference data not present")
def test_fast_path_imports_neither_typer_nor_pydantic_for_genius():
    code = (
        "import sys; from accord.cli import main; "
        f"main(['analyze', {str(FOLDERS[0])!r}, '--json']); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'pydantic', 'rich'}); "
        "print('HEAVY', heavy, 'importlib.metadata' in sys.modules, file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "HEAVY [] False" in p.stderr


def test_split_list_keeps_commas_in_parentheses():
    assert split_list("a, b(x=1,y=2) ,c") == ["a", "b(x=1,y=2)", "c"]
    assert split_list("") is None and split_list(None) is None
