"""The README's examples run as written: its YAML scenario loads, its Python blocks execute.

The README is the first thing a user copies from; these tests keep it true.
"""

from __future__ import annotations

import os
import re
import runpy
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
        ns = runpy.run_path(str(script))
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
