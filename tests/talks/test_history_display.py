"""A case's history reads as text in the web app (not a Python dict)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_history_is_text_in_the_web_app():
    from fastapi.testclient import TestClient

    from accord.web import Settings, create_app

    c = TestClient(create_app(Settings(library=(ROOT / "scenarios",))))
    for url in ("/", "/scenarios/jcpoa-2015"):
        shown = re.findall(r'<p class="history">(.*?)</p>', c.get(url).text, flags=re.S)
        assert shown
        for h in shown:
            assert "{" not in h and "{&#39;" not in h, h  # no Python dict repr
    page = c.get("/scenarios/jcpoa-2015").text
    assert "enrichment_cap = 3_67_percent" in page and "implementation collapsed" in page
