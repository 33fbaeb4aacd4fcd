"""The pages in a real browser: Debian's chromium (headless) driven by Playwright, against a uvicorn server
on 127.0.0.1. Screenshots go to a temporary folder; with ACCORD_REFRESH_SCREENSHOTS=1 the README's images
in docs/img/ are refreshed too.

chromium is a system package (CI installs it with scripts/ensure-chromium.sh); without it these tests fail,
they do not skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from accord import api

from .conftest import ROOT, SCENARIOS

CHROMIUM = "/usr/bin/chromium"
DOCS_IMG = ROOT / "docs" / "img"
#: The screenshots the README and docs/web.md show (refreshed with ACCORD_REFRESH_SCREENSHOTS=1).
DOCS_SHOTS = ("hanoi", "game", "upload-error")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/ensure-chromium.sh` (installs Debian's chromium) "
            "before the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = tmp_path_factory.mktemp("screenshots")
    refresh = os.environ.get("ACCORD_REFRESH_SCREENSHOTS") == "1"

    def save(page, name: str, full: bool = True) -> Path:
        p = d / f"web-{name}.png"
        page.screenshot(path=str(p), full_page=full)
        assert p.stat().st_size > 5000
        if refresh and name in DOCS_SHOTS:
            DOCS_IMG.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, DOCS_IMG / p.name)
        return p

    return save


@pytest.fixture
def page(browser, live_server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_library_then_hanoi(page, shots):
    page.goto("/")
    names = [c.inner_text() for c in page.locator("#library article h2").all()]
    expected = sorted(api.load(p).name for p in SCENARIOS.glob("*.yaml"))
    assert all(n in names for n in expected)
    shots(page, "library")
    hanoi = api.load(SCENARIOS / "hanoi-2019.yaml")
    page.get_by_role("link", name=hanoi.name).click()
    page.wait_for_url("**/scenarios/hanoi-2019")
    assert page.inner_text("#scenario-name") == hanoi.name
    a = api.analyze(hanoi)
    assert page.locator("#utility-chart svg circle.pt").count() == hanoi.space.size
    assert f"{a['zopa_size']:,}" in page.inner_text("#zopa")
    assert f"{a['nash']['utilities']['usa']:.3f}" in page.inner_text("#analysis-table")
    assert page.locator("#forecast").is_visible()
    shots(page, "hanoi", full=False)


def test_run_a_negotiation_and_a_batch(page, shots):
    page.goto("/scenarios/hanoi-2019/run")
    page.check("input[name=mode][value=strategies]")
    page.fill("input[name=neg_usa]", "boulware")
    page.fill("input[name=neg_dprk]", "conceder")
    page.fill("input[name=steps]", "20")
    page.fill("#run-form input[name=seed]", "4")
    page.click("#run-button")
    page.wait_for_selector("#trace-table")
    ref = api.run(SCENARIOS / "hanoi-2019.yaml", ["boulware", "conceder"], steps=20, seed=4)
    assert page.locator("#trace-table tbody tr").count() == len(ref.trace)
    out = page.inner_text("#run-outcome")
    assert all(f"{k} = {v}" in out for k, v in (ref.outcome or {}).items())
    assert page.locator("#dance-chart svg polyline").count() >= 2
    page.fill("#mc-form input[name=runs]", "8")
    page.click("#mc-button")
    page.wait_for_function(
        "document.getElementById('mc-status').textContent.startsWith('done')", timeout=120_000
    )
    assert "Agreement in" in page.inner_text("#mc-result")
    assert "sanctions_relief = " in page.inner_text("#mc-result table")  # the most frequent deals, by issue
    assert page.locator("#mc-progress").get_attribute("max") == "8"
    shots(page, "run")


def _start(page, party: str, opponent: str, rounds: int | None = None):
    page.goto("/scenarios/hanoi-2019/play")
    page.select_option("#party", party)
    page.fill("#opponent", opponent)
    if rounds:
        page.fill("#rounds", str(rounds))
    page.click("#start")
    page.wait_for_selector("#game:not([hidden])")


def test_play_to_an_agreement(page, shots):
    a = api.analyze(SCENARIOS / "hanoi-2019.yaml")
    nash = a["nash"]["outcome"]
    _start(page, "usa", "conceder")
    for issue, value in nash.items():
        page.select_option(f"#issue-{issue}", str(value))
    page.wait_for_function(
        f"document.getElementById('offer-value').textContent === '{a['nash']['utilities']['usa']:.3f}'"
    )
    for _ in range(10):
        if page.locator("#end:not([hidden])").count():
            break
        page.click("#send")
        page.wait_for_function(
            "!document.getElementById('send').disabled || !document.getElementById('end').hidden"
        )
    assert page.inner_text("#game-status") == "Agreement"
    assert "Distance to the Pareto frontier 0.000" in page.inner_text("#end-distances")
    page.wait_for_selector("#implementation table", timeout=60_000)
    impl = api.implement(SCENARIOS / "hanoi-2019.yaml", deal=nash, runs=1000, seed=0)
    assert f"{impl['simulated']['realised_utilities']['usa']:.3f}" in page.inner_text("#implementation")
    shots(page, "game")


def test_play_to_a_walk_away(page):
    _start(page, "usa", "boulware")
    page.click("#walk")
    page.wait_for_selector("#end:not([hidden])")
    assert "you walked away" in page.inner_text("#game-status")
    res = api.analyze(SCENARIOS / "hanoi-2019.yaml")["reservations"]
    assert f"{res['dprk']:.3f}" in page.inner_text("#end-table")
    assert page.is_disabled("#send") and page.is_disabled("#accept")


def test_upload_a_bad_scenario_shows_the_error_at_the_field(page, shots):
    from .test_api import BAD_YAML

    page.goto("/upload")
    page.fill("#upload-text", BAD_YAML)
    page.click("#upload-button")
    page.wait_for_selector("#upload-error")
    assert page.inner_text("#error-field") == "parties.q.scores.x.b"
    assert "line 6" in page.inner_text("#upload-error")
    assert "b: zero" in page.inner_text(".bad-line")
    shots(page, "upload-error")
