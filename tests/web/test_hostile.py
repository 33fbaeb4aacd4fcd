"""Hostile and heavy uploads against a real server on 127.0.0.1 (bounded in count and time): alias bombs,
chunked bodies without a length, bad zips, uploads past the limits, methods a route does not have."""

from __future__ import annotations

import io
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import SCENARIOS, LiveServer, alias_bomb, free_port, linear_yaml


@pytest.fixture(scope="module")
def hostile(extra_library):
    from accord.web import Settings, create_app

    settings = Settings(
        library=(SCENARIOS, extra_library),
        parse_timeout=2.0,
        max_uploads=3,
        max_uploads_per_client=2,
        max_upload_bytes=200_000,
    )
    srv = LiveServer(create_app(settings), free_port()).start()
    yield srv
    srv.stop()


def test_alias_bombs_starve_no_other_route(hostile):
    bomb = alias_bomb(9).encode()
    assert len(bomb) < 1300
    with httpx.Client(base_url=hostile.url, timeout=60) as c:
        c.get("/api/scenarios/hanoi-2019").raise_for_status()  # warm the cache

        def upload(_: int) -> httpx.Response:
            with httpx.Client(base_url=hostile.url, timeout=60) as u:
                return u.post("/api/uploads", files={"file": ("bomb.yaml", bomb, "text/plain")})

        t0 = time.time()
        with ThreadPoolExecutor(12) as pool:
            futures = [pool.submit(upload, k) for k in range(12)]
            time.sleep(0.5)
            worst = 0.0
            for _ in range(5):  # other routes answer while the bombs are parsed (and killed)
                t = time.time()
                assert c.get("/api/scenarios/hanoi-2019").status_code == 200
                assert c.get("/api/strategies").status_code == 200
                worst = max(worst, time.time() - t)
                time.sleep(0.3)
            answers = [f.result() for f in futures]
        assert worst < 2.0
        assert time.time() - t0 < 45
    codes = {r.status_code for r in answers}
    assert codes <= {422, 503}, codes
    refused = [r.json()["error"] for r in answers if r.status_code == 422]
    # refused by the loader's bound on expanded aliases (at once), or by the parse time limit (any slow parse)
    assert refused and all(e["file"] == "bomb.yaml" for e in refused)
    assert all("parse_timeout" in e["message"] or "aliases" in e["message"] for e in refused)


def test_a_chunked_body_is_limited_while_streaming(hostile):
    sent = 0

    def body():
        nonlocal sent
        yield b'{"scenario": "hanoi-2019", "party": "usa", "pad": "'
        for _ in range(200):  # up to 20 MB, far beyond the 264 KB cap
            sent += 100_000
            yield b"x" * 100_000
        yield b'"}'

    with httpx.Client(base_url=hostile.url, timeout=60) as c:
        try:
            r = c.post("/api/games", content=body(), headers={"content-type": "application/json"})
        except httpx.HTTPError:  # the server may answer and close before the client has sent it all
            r = None
        if r is not None:
            assert r.status_code == 413 and "larger than" in r.json()["error"]["message"]
        assert c.get("/api/strategies").status_code == 200


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in files.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_bad_zips_are_4xx_naming_the_member(hostile):
    good = _zip({"domain.xml": b"<utility_space>" + b"<issue/>" * 2000 + b"</utility_space>"})
    k = good.index(b"domain.xml") + len(b"domain.xml") + 20  # inside the compressed data
    bad_crc = good[:k] + bytes([good[k] ^ 0xFF]) + good[k + 1 :]
    with httpx.Client(base_url=hostile.url, timeout=60) as c:
        for data in (bad_crc, good[: len(good) // 2], b"PK\x03\x04garbage"):
            r = c.post("/api/uploads", files={"file": ("g.zip", data, "application/zip")})
            assert r.status_code == 422, r.text
            err = r.json()["error"]
            assert err["file"] == "g.zip" and err["expected"]
        r = c.post("/api/uploads", files={"file": ("g.zip", bad_crc, "application/zip")})
        assert r.json()["error"]["field"] == "domain.xml"


def test_uploads_are_evicted_for_real(hostile):
    web = hostile.server.config.app.state.web
    with (
        httpx.Client(base_url=hostile.url, timeout=60) as a,
        httpx.Client(base_url=hostile.url, timeout=60) as b,
    ):
        theirs = b.post("/api/uploads", files={"file": ("b.yaml", linear_yaml(2, 3).encode(), "text/plain")})
        ids = []
        for k in range(8):
            r = a.post(
                "/api/uploads",
                files={"file": (f"a{k}.yaml", linear_yaml(2, 3 + k % 3).encode(), "text/plain")},
            )
            assert r.status_code == 200, r.text
            ids.append(r.json()["id"])
            a.get(f"/api/scenarios/{ids[-1]}/analysis")  # fills the caches
        live = {e.id for e in web.library.uploads()}
        assert live == {ids[-2], ids[-1], theirs.json()["id"]}  # own share 2, the other client's kept
        assert len(list(web.upload_dir.iterdir())) == 3  # the folders of dropped uploads are gone
        cached = {k[0] for k in web.library._cache if str(web.upload_dir) in k[0]}
        assert len(cached) <= 3
        assert a.get(f"/api/scenarios/{ids[0]}").status_code == 404


def test_a_method_a_route_lacks_is_405_with_allow(hostile):
    with httpx.Client(base_url=hostile.url, timeout=30) as c:
        r = c.delete("/api/scenarios/hanoi-2019")
        assert r.status_code == 405 and r.headers["allow"] == "GET"
        r = c.put("/api/games")
        assert r.status_code == 405 and "POST" in r.headers["allow"]
