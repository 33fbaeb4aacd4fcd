"""A case's history reads as text in the web app (not a Python dict), and `accord backtest` prints its score
from its own rows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_history_is_text_in_the_web_app():
    from fastapi.testclient import TestClient

    from accord.web import Settings, create_app

    c = TestClient(create_app(Settings(library=(ROOT / "scenarios",))))
    for url in ("/", "/scenarios/jcpoa-2015"):
        shown = re.findall(r'<p class="history">(.*?)</p>', c.get(url).text, flags=re.S)
        assert shown
        for h in shown:
            assert "{" not in h and "&#39;" not in h, h
    page = c.get("/scenarios/jcpoa-2015").text
    assert "enrichment_cap = 3_67_percent" in page and "implementation collapsed" in page


@pytest.mark.filterwarnings("ignore")
def test_backtest_prints_its_score():
    def run(*a):
        p = subprocess.run(
            [sys.executable, "-m", "accord", "backtest", str(ROOT / "scenarios"), "--runs", "3", *a],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert p.returncode == 0, p.stderr
        return p.stdout

    rows = json.loads(run("--json"))
    hit = sum(r["agrees"] for r in rows)
    imp = [r["implementation_of_historical_deal"] for r in rows if r.get("implementation_of_historical_deal")]
    text = " ".join(run().split())
    want = f"matches history in {hit} of {len(rows)} case(s); implementing the historical deal, in "
    assert want + f"{sum(g['agrees'] for g in imp)} of {len(imp)}" in text
