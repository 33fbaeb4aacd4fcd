"""The README's examples run as written: its YAML scenario loads, its Python blocks execute.

The README is the first thing a user copies from; these tests keep it true.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.io.yaml_scenario import loads_yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_yaml_scenario_loads_and_its_term_applies():
    (doc,) = _blocks("yaml")
    sc = loads_yaml(doc, "README.md")
    assert sc.party_names == ("usa", "dprk") or list(sc.party_names) == ["usa", "dprk"]
    comp = sc.compile()
    assert comp.utilities.shape == (2, 9)
    # Independent check of the US utility of (relief=partial, inspections=none):
    # 0.4 * 0.6 + 0.6 * 0.0 - 0.3 (the term) = -0.06.
    idx = sc.space.index({"relief": "partial", "inspections": "none"})
    assert comp.utilities[0, idx] == pytest.approx(0.4 * 0.6 + 0.6 * 0.0 - 0.3, abs=1e-12)
    # And without relief the term does not apply: 0.4 * 1.0 + 0.6 * 0.0 = 0.4.
    idx = sc.space.index({"relief": "none", "inspections": "none"})
    assert comp.utilities[0, idx] == pytest.approx(0.4, abs=1e-12)
    a = api.analyze(sc)
    assert a["outcomes"] == 9 and a["nash"] is not None


@pytest.mark.parametrize("i", range(len(_blocks("python"))))
def test_readme_python_blocks_run(i, tmp_path, capsys):
    code = _blocks("python")[i]
    if "dask_jobqueue" in code:
        pytest.skip("SLURM example: needs a SLURM cluster (documentation only)")
    script = tmp_path / f"block{i}.py"
    script.write_text(code, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        ns = runpy.run_path(str(script), run_name="__main__")
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert out.strip(), "every README example prints its result"
    if "Halfway" in ns:
        # The example strategy keeps its promise: it never accepts less than its target.
        res = ns["result"]
        sc = api.load(ROOT / "scenarios/hanoi-2019.yaml")
        if res.agreement:
            comp = api.compile_scenario(sc)
            u = comp.utilities[0, res.outcome_index]
            target = (comp.utilities[0].max() + sc.parties[0].preferences.reservation) / 2
            assert u >= target - 1e-12
        assert np.isfinite(list(res.utilities.values())).all()


# ------------------------------------------------------------------ the strategy example on the command line


def _halfway_block() -> str:
    (code,) = [b for b in _blocks("python") if "class Halfway" in b]
    return code


def _command(pattern: str) -> list[str]:
    """The README's command line matching ``pattern`` (in a shell block or in backquotes), as argv."""
    m = re.search(rf"^(accord run [^\n`]*{pattern}[^\n`]*)", README, flags=re.M) or re.search(
        rf"`(accord run [^`]*{pattern}[^`]*)`", README
    )
    assert m, pattern
    return shlex.split(m.group(1).split("#")[0])


def _user_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A user's folder: halfway.py saved from the README, the scenario library beside it, and a
    launcher that starts accord as the console script does (the current folder not on sys.path)."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "halfway.py").write_text(_halfway_block(), encoding="utf-8")
    (work / "scenarios").symlink_to(ROOT / "scenarios")
    launcher = tmp_path / "bin" / "accord"
    launcher.parent.mkdir()
    launcher.write_text("import sys\nfrom accord.cli import main\nsys.exit(main())\n")
    return work, launcher


def _accord(launcher: Path, argv: list[str], cwd: Path, path: list[Path] = ()) -> subprocess.CompletedProcess:
    assert argv[0] == "accord"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), *map(str, path)]))
    return subprocess.run(
        [sys.executable, str(launcher), *argv[1:]],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _in_process(work: Path) -> dict:
    """What ``python halfway.py`` gives (the README's own run of the example, here in this process)."""
    cwd = os.getcwd()
    os.chdir(work)
    try:
        res = runpy.run_path(str(work / "halfway.py"), run_name="__main__")["result"]
    finally:
        os.chdir(cwd)
    return {"outcome": res.outcome, "utilities": res.utilities, "rounds": res.rounds}


def _json_result(p: subprocess.CompletedProcess) -> dict:
    assert p.returncode == 0, p.stderr
    (r,) = json.loads(p.stdout)["results"]
    return {"outcome": r["outcome"], "utilities": r["utilities"], "rounds": r["rounds"]}


def test_readme_strategy_runs_from_the_command_line_by_module_and_class(tmp_path):
    work, launcher = _user_folder(tmp_path)
    argv = _command("halfway:Halfway")
    p = _accord(launcher, argv, work)
    assert p.returncode == 0, p.stderr
    assert "Agreement" in p.stdout or "No agreement" in p.stdout
    assert _json_result(_accord(launcher, [*argv, "--json"], work)) == _in_process(work)


def test_readme_strategy_runs_by_name_once_installed_as_an_entry_point(tmp_path):
    work, launcher = _user_folder(tmp_path)
    (toml,) = re.findall(r"```toml\n(.*?)```", README, flags=re.S)
    eps = tomllib.loads(toml)["project"]["entry-points"]["accord.strategies"]
    site = tmp_path / "site"
    (site / "halfway-0.1.dist-info").mkdir(parents=True)
    (site / "halfway-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: halfway\nVersion: 0.1\n"
    )
    lines = "".join(f"{k} = {v}\n" for k, v in eps.items())
    (site / "halfway-0.1.dist-info" / "entry_points.txt").write_text(f"[accord.strategies]\n{lines}")
    (site / "halfway.py").write_text(_halfway_block(), encoding="utf-8")  # installed beside its metadata
    argv = _command(r"halfway,conceder")
    assert "halfway:Halfway" not in argv
    got = _json_result(_accord(launcher, [*argv, "--seed", "0", "--json"], work, [site]))
    assert got == _in_process(work)
    listed = _accord(launcher, ["accord", "strategies", "--json"], work, [site])
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["halfway"]["family"] == "example" and "boulware" in rows
