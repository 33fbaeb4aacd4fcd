"""A class in a real browser (Debian's chromium, Playwright) against uvicorn on 127.0.0.1: two students
cannot see or move in each other's games, a restart keeps a game, the facilitator sees the class, and the
page of a 10^6-outcome upload stays small (its speed and memory are in benchmarks/web_upload_bench.py)."""

from __future__ import annotations

import pytest

from accord import api

from .conftest import SCENARIOS, LiveServer, free_port, linear_yaml
from .test_browser import browser  # noqa: F401 - the module's chromium fixture

KEY = "facilitator-key-for-tests"


@pytest.fixture(scope="module")
def classroom(extra_library, tmp_path_factory):
    """A server with a data folder and a facilitator key; ``restart()`` starts a new app on the same port
    and folder (what `accord serve` does after a restart)."""
    from accord.web import Settings, create_app

    settings = Settings(
        library=(SCENARIOS, extra_library), data_dir=tmp_path_factory.mktemp("run"), facilitator_key=KEY
    )
    port = free_port()
    box = {"srv": LiveServer(create_app(settings), port).start()}

    def restart() -> None:
        box["srv"].stop()
        box["srv"] = LiveServer(create_app(settings), port).start()

    box["restart"] = restart
    box["url"] = box["srv"].url
    yield box
    box["srv"].stop()


def _ctx(browser, classroom):  # noqa: F811
    return browser.new_context(viewport={"width": 1200, "height": 900}, base_url=classroom["url"])


NASH = api.analyze(SCENARIOS / "hanoi-2019.yaml")["nash"]["outcome"]


def _offer(page, outcome: dict) -> None:
    for issue, value in outcome.items():
        page.select_option(f"#issue-{issue}", str(value))
    page.wait_for_function("!document.getElementById('send').disabled")
    page.click("#send")


def _start(page, group: str = "") -> str:
    page.goto("/scenarios/hanoi-2019/play" + (f"?group={group}" if group else ""))
    page.select_option("#party", "usa")
    page.fill("#opponent", "boulware")
    page.click("#start")
    page.wait_for_selector("#game:not([hidden])")
    return page.url.split("game=")[1]


def test_two_students_cannot_see_or_move_in_each_others_games(browser, classroom):  # noqa: F811
    a, b = _ctx(browser, classroom), _ctx(browser, classroom)
    pa, pb = a.new_page(), b.new_page()
    gid = _start(pa)
    _offer(pa, NASH)
    pa.wait_for_function("document.querySelectorAll('#history tbody tr').length >= 2")
    before = pa.inner_text("#history")
    pb.goto(f"/scenarios/hanoi-2019/play?game={gid}")  # b knows the id, yet cannot see the game
    pb.wait_for_selector("#setup-error:not([hidden])")
    assert "no such item" in pb.inner_text("#setup-error") and pb.is_hidden("#game")
    status = pb.evaluate(
        f"fetch('/api/games/{gid}/move', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},"
        " body: JSON.stringify({move: 'walk'})}).then(r => r.status)"
    )
    assert status == 404
    pa.reload()
    pa.wait_for_selector("#game:not([hidden])")
    assert pa.inner_text("#history") == before and "your move" in pa.inner_text("#game-status")
    a.close()
    b.close()


def test_a_restart_keeps_the_game(browser, classroom):  # noqa: F811
    ctx = _ctx(browser, classroom)
    page = ctx.new_page()
    _start(page)
    _offer(page, NASH)
    page.wait_for_function("document.querySelectorAll('#history tbody tr').length >= 3")
    before = page.inner_text("#history")
    classroom["restart"]()
    page.reload()
    page.wait_for_selector("#game:not([hidden])")
    assert page.inner_text("#history") == before
    page.click("#walk")
    page.wait_for_selector("#end:not([hidden])")
    assert "you walked away" in page.inner_text("#game-status")
    ctx.close()


def test_the_facilitator_sees_the_class(browser, classroom):  # noqa: F811
    students = [_ctx(browser, classroom) for _ in range(2)]
    pages = [s.new_page() for s in students]
    ids = [_start(p, "class-7b") for p in pages]
    pages[0].click("#walk")
    pages[0].wait_for_selector("#end:not([hidden])")
    teacher = _ctx(browser, classroom)
    t = teacher.new_page()
    t.goto("/facilitator")
    t.fill("#facilitator-key", KEY)
    t.click("#facilitator-enter")
    t.select_option("#group-filter", "class-7b")
    t.wait_for_url("**group=class-7b")
    rows = {r.get_attribute("data-game"): r for r in t.locator("#class-games tbody tr").all()}
    assert set(rows) == set(ids)
    assert rows[ids[0]].locator(".status").inner_text() == "walk_away"
    assert rows[ids[1]].locator(".status").inner_text() == "your_turn"
    for c in [*students, teacher]:
        c.close()


def test_the_page_of_a_million_outcome_upload_stays_small(browser, classroom):  # noqa: F811
    ctx = _ctx(browser, classroom)
    page = ctx.new_page()
    page.goto("/upload")
    page.fill("#upload-text", linear_yaml(6, 10, "Linear 10^6"))
    page.click("#upload-button")
    page.wait_for_url("**/scenarios/upload-*", timeout=60_000)
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.url == page.url else None)
    page.reload()
    assert "1,000,000 outcomes shown as a density image" in page.inner_text("#utility-chart")
    assert page.locator("#utility-chart svg .density rect").count() <= 64 * 64
    assert page.locator("#utility-chart svg polyline.frontier").count() == 1
    assert sizes and sizes[0] < 1_000_000
    ctx.close()
