"""The JSON API against independent references: the CLI's own output, the engine called directly."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from accord import api

from .conftest import ROOT, SCENARIOS, linear_yaml

LIBRARY_IDS = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def test_scenarios_lists_every_library_file_by_id_and_name(client, extra_library):
    got = client.get("/api/scenarios").json()
    assert all(set(r) == {"id", "name"} for r in got)
    expected = {p.stem: api.load(p).name for p in [*SCENARIOS.glob("*.yaml"), *extra_library.glob("*.yaml")]}
    assert {r["id"]: r["name"] for r in got} == expected


@pytest.mark.parametrize("sid", LIBRARY_IDS)
def test_analysis_is_the_cli_json(client, sid):
    p = subprocess.run(
        [sys.executable, "-m", "accord", "analyze", str(SCENARIOS / f"{sid}.yaml"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    r = client.get(f"/api/scenarios/{sid}/analysis")
    assert r.status_code == 200
    assert r.json() == json.loads(p.stdout)


def test_home_page_lists_the_library_by_name(client):
    html = client.get("/").text
    for r in client.get("/api/scenarios").json():
        assert f'href="/scenarios/{r["id"]}"' in html
        assert r["name"].replace("'", "&#39;").replace('"', "&#34;") in html


def test_scenario_page_shows_analysis_and_forecast(client):
    html = client.get("/scenarios/hanoi-2019").text
    a = api.analyze(SCENARIOS / "hanoi-2019.yaml")
    assert f"<b>{a['zopa_size']:,}</b> outcomes" in html
    assert f"{a['nash']['utilities']['usa']:.3f}" in html
    from accord.forecast.api import forecast

    f = forecast(SCENARIOS / "nk-sanctions-2019.csv")
    assert 'id="forecast"' in html
    for m, r in f["models"].items():
        assert f"<td>{m}</td><td>{r['forecast']:.1f}</td>" in html


def test_utility_endpoint_matches_the_compiled_arrays(client):
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    comp = api.compile_scenario(sc)
    rng = np.random.default_rng(3)
    for idx in rng.integers(0, sc.space.size, 20):
        out = sc.space.outcome(int(idx))
        r = client.post("/api/scenarios/hanoi-2019/utility", json={"outcome": out}).json()
        assert r["index"] == idx
        for i, n in enumerate(sc.party_names):
            assert r["utilities"][n] == comp.utilities[i, idx]
            assert r["acceptable"][n] == bool(comp.acceptable[i, idx])


def test_utility_endpoint_names_the_bad_field(client):
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    out = sc.space.outcome(0)
    out["yongbyon"] = "bulldozed"
    r = client.post("/api/scenarios/hanoi-2019/utility", json={"outcome": out})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "outcome.yongbyon"


def test_run_with_strategies_is_api_run(client):
    body = {"negotiators": ["boulware", "conceder"], "steps": 20, "seed": 4}
    r = client.post("/api/scenarios/hanoi-2019/run", json=body).json()
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    ref = api.run(sc, ["boulware", "conceder"], steps=20, seed=4)
    assert r["mode"] == "strategies"
    assert r["summary"] == json.loads(json.dumps(ref.summary(), default=str))
    assert r["trace"] == json.loads(json.dumps(api.trace_rows(sc, ref), default=str))
    assert r["distances"] == api.outcome_distances(sc, ref.outcome_index)


def test_run_of_talks_variant_is_the_talks_engine(client):
    from accord.protocols.talks import summarize

    r = client.post("/api/scenarios/hanoi-2019/run", json={"variant": "phased_verified", "seed": 2}).json()
    ref = summarize(api.talks_batch(SCENARIOS / "hanoi-2019.yaml", variant="phased_verified", runs=1, seed=2))
    assert r["mode"] == "talks"
    assert r["summary"] == json.loads(json.dumps(ref, default=str))


def test_bad_strategy_is_a_422_naming_the_field(client):
    r = client.post("/api/scenarios/hanoi-2019/run", json={"negotiators": ["bouleware"], "steps": 5})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "negotiators" and "boulware" in err["expected"]


def test_unknown_ids_are_404(client):
    assert client.get("/api/scenarios/nope/analysis").status_code == 404
    assert client.get("/api/games/nope").status_code == 404
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.get("/scenarios/../../etc/passwd", headers={"accept": "text/html"}).status_code == 404


def test_chart_of_a_large_space_is_downsampled(client, extra_library):
    r = client.get("/api/scenarios/linear-10k/chart").json()
    sc = api.load(extra_library / "linear-10k.yaml")
    comp = api.compile_scenario(sc)
    assert r["mode"] == "density" and "points" not in r
    assert sum(c for _, _, c in r["cells"]) == sc.space.size
    assert len(r["cells"]) <= r["bins"] ** 2
    a = api.analyze(sc)
    assert r["frontier_size"] == len(a["pareto"])
    # every frontier point drawn is an outcome's exact utility pair
    pairs = set(zip(comp.utilities[0].round(5), comp.utilities[1].round(5), strict=True))
    assert all((x, y) in pairs for x, y in r["frontier"])
    small = client.get("/api/scenarios/linear-small/chart").json()
    assert small["mode"] == "points" and len(small["points"]) == 16


def test_implement_is_api_implement(client):
    deal = {
        "sanctions_relief": "coal_textile_suspension",
        "yongbyon": "dismantle_all",
        "beyond_yongbyon": "freeze",
        "declaration": "roadmap",
        "test_moratorium": "written",
        "end_of_war_declaration": "yes",
        "liaison_offices": "yes",
    }
    r = client.post("/api/scenarios/hanoi-2019/implement", json={"deal": deal, "runs": 200, "seed": 1}).json()
    ref = api.implement(SCENARIOS / "hanoi-2019.yaml", deal=deal, runs=200, seed=1)
    assert r == json.loads(json.dumps(ref, default=str))


def test_implement_answers_are_kept_per_inputs_and_seed(client, monkeypatch):
    """A class reaching the same deal asks for its implementation once: the answer is kept per deal,
    variant, runs and seed (bounded), and every kept answer is api.implement's for those inputs."""
    deal = api.analyze(SCENARIOS / "hanoi-2019.yaml")["nash"]["outcome"]
    lib = client.app.state.web.library
    monkeypatch.setattr(lib, "MEMO_SIZE", 3)
    url = "/api/scenarios/hanoi-2019/implement"
    for seed, variant in ((1, None), (2, None), (1, "phased_verified"), (1, None), (3, None)):
        r = client.post(url, json={"deal": deal, "runs": 100, "seed": seed, "variant": variant}).json()
        ts = api.load_talks(SCENARIOS / "hanoi-2019.yaml", variant)
        ref = api.implement(ts, deal=deal, runs=100, seed=seed)
        assert r == json.loads(json.dumps(ref, default=str)), (seed, variant)
    assert len(lib._memo) == 3


def test_montecarlo_job_reports_progress_and_matches_the_runner(client):
    import time

    r = client.post("/api/scenarios/linear-small/montecarlo", json={"runs": 12, "seed": 5})
    assert r.status_code == 202
    jid = r.json()["id"]
    for _ in range(600):
        j = client.get(f"/api/jobs/{jid}").json()
        if j["status"] != "running":
            break
        time.sleep(0.05)
    assert j["status"] == "done", j
    assert j["done"] == j["total"] == 12
    res = j["result"]
    sc_path = client.app.state.web.library.get("linear-small").path
    ref = api.run_many(sc_path, runs=12, seed=5)
    assert res["runs"] == 12
    assert res["agreement_rate"] == ref["agreement_rate"]
    assert res["utilities"]["a"]["mean"] == pytest.approx(ref["mean_utilities"]["a"], abs=1e-12)
    from collections import Counter

    deals = Counter(json.dumps(r["outcome"], sort_keys=True) for r in ref["results"] if r["agreement"])
    top = deals.most_common(1)[0]
    assert json.dumps(res["top_deals"][0]["outcome"], sort_keys=True) == top[0]
    assert res["top_deals"][0]["share"] == top[1] / 12


def test_montecarlo_refuses_too_many_runs(client):
    r = client.post("/api/scenarios/hanoi-2019/montecarlo", json={"runs": 10**5})
    assert r.status_code == 422 and r.json()["error"]["field"] == "runs"


# ------------------------------------------------------------------------------------------- uploads
BAD_YAML = """name: bad
issues:
  x: [a, b]
parties:
  p: {weights: {x: 1}, scores: {x: {a: 0, b: 1}}}
  q: {weights: {x: 1}, scores: {x: {a: 1, b: zero}}}
"""


def test_upload_bad_yaml_names_field_and_line(client):
    r = client.post("/api/uploads", files={"file": ("mine.yaml", BAD_YAML.encode(), "application/x-yaml")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["file"] == "mine.yaml"
    assert err["field"] == "parties.q.scores.x.b" and err["line"] == 6
    from accord.errors import InputError
    from accord.io.yaml_scenario import loads_yaml

    with pytest.raises(InputError) as ref:
        loads_yaml(BAD_YAML, "mine.yaml")
    assert str(ref.value) == err["message"]


def test_upload_page_shows_the_error_next_to_the_field(client):
    r = client.post("/upload", data={"text": BAD_YAML})
    assert r.status_code == 422
    assert 'id="upload-error"' in r.text and "parties.q.scores.x.b" in r.text and 'class="bad-line"' in r.text


def test_a_huge_linear_upload_shows_its_frontier_without_enumerating(client, tmp_path):
    text = linear_yaml(12, 10, "10^12 outcomes")
    r = client.post("/api/uploads", files={"file": ("huge.yaml", text.encode(), "application/x-yaml")})
    assert r.status_code == 200, r.text
    sid = r.json()["id"]
    (tmp_path / "huge.yaml").write_text(text)
    ref = api.analyze(tmp_path / "huge.yaml")  # the engine's own non-enumerating analysis
    a = client.get(f"/api/scenarios/{sid}/analysis?limit=100000").json()
    assert a["outcomes"] == 10**12 and a["zopa_size"] is None
    assert {k: a[k] for k in ("pareto", "nash", "kalai_smorodinsky", "max_welfare")} == {
        k: ref[k] for k in ("pareto", "nash", "kalai_smorodinsky", "max_welfare")
    }
    chart = client.get(f"/api/scenarios/{sid}/chart").json()
    assert chart["mode"] == "frontier" and "cells" not in chart and "points" not in chart
    assert chart["frontier_size"] == len(ref["pareto"])
    page = client.get(f"/scenarios/{sid}")
    assert (
        page.status_code == 200
        and "1,000,000,000,000" in page.text
        and "the exact Pareto frontier and the solutions only" in page.text
    )
    for path, body in (("/api/games", {"scenario": sid, "party": "a"}), (f"/api/scenarios/{sid}/run", {})):
        r = client.post(path, json=body)
        assert r.status_code == 422 and r.json()["error"]["field"] == "issues", r.text


def test_a_huge_upload_that_needs_enumeration_is_refused(client):
    text = linear_yaml(12, 10, "10^12 outcomes with a red line").replace(
        "    reservation: 0.2\n", '    reservation: 0.2\n    constraints: ["i0 != v0"]\n', 1
    )
    r = client.post("/api/uploads", files={"file": ("huge.yaml", text.encode(), "application/x-yaml")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert "1,000,000,000,000" in err["message"] and err["field"] == "issues"


def test_upload_over_the_size_limit_is_refused(client):
    big = b"#" * (client.app.state.web.settings.max_upload_bytes + 10)
    r = client.post("/api/uploads", files={"file": ("big.yaml", big, "application/x-yaml")})
    assert r.status_code in (413, 422)


def test_upload_yaml_then_use_it(client):
    text = linear_yaml(2, 3, "Uploaded")
    r = client.post("/api/uploads", files={"file": ("../../etc/evil name.yaml", text.encode(), "text/plain")})
    assert r.status_code == 200
    sid = r.json()["id"]
    assert sid.startswith("upload-") and r.json()["name"] == "Uploaded"
    e = client.app.state.web.library.get(sid)
    assert e.path.parent.parent == client.app.state.web.upload_dir and e.path.name == "evil_name.yaml"
    assert sid not in {s["id"] for s in client.get("/api/scenarios").json()}  # not listed for others
    assert client.get(f"/api/scenarios/{sid}/analysis").json() == json.loads(json.dumps(api.analyze(e.path)))


def _genius_zip(tmp_path, names=None) -> tuple[bytes, object]:
    from accord.io.genius import write_genius

    sc = api.load(SCENARIOS / "singapore-2018.yaml")
    folder = tmp_path / "singapore"
    files = write_genius(sc, folder)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in files:
            z.write(f, (names or {}).get(f.name, f"domainfolder/{f.name}"))
    return buf.getvalue(), folder


def test_upload_genius_zip(client, tmp_path):
    data, folder = _genius_zip(tmp_path)
    r = client.post("/api/uploads", files={"file": ("singapore.zip", data, "application/zip")})
    assert r.status_code == 200, r.text
    got = client.get(f"/api/scenarios/{r.json()['id']}/analysis").json()
    assert got == json.loads(json.dumps(api.analyze(folder), default=str))


def test_zip_member_paths_are_flattened_and_sanitised(client, tmp_path):
    from accord.io.genius import write_genius

    files = write_genius(api.load(SCENARIOS / "singapore-2018.yaml"), tmp_path / "g")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in files:
            z.write(f, f"../../../tmp/{f.name}")
        z.writestr("../../evil.sh", "rm -rf /")
    r = client.post("/api/uploads", files={"file": ("x.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 200, r.text
    e = client.app.state.web.library.get(r.json()["id"])
    kept = sorted(p.name for p in e.path.iterdir())
    assert kept == sorted(f.name for f in files)  # evil.sh dropped, nothing written outside
    assert e.path.parent.parent == client.app.state.web.upload_dir


def test_zip_bomb_is_refused(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("domain.xml", b"<" + b"a" * 20_000_000)
    data = buf.getvalue()
    assert len(data) < 1_000_000
    r = client.post("/api/uploads", files={"file": ("bomb.zip", data, "application/zip")})
    assert r.status_code == 422 and "unzipped" in r.json()["error"]["message"]


# ------------------------------------------------------------------------------------------- failures
def test_a_failing_simulation_is_a_json_error_and_the_server_stays_up(client, monkeypatch):
    from accord.strategies.base import Negotiator

    class Broken(Negotiator):
        def propose(self, state):
            raise ZeroDivisionError("broken strategy")

        def respond(self, state, offer):
            raise ZeroDivisionError("broken strategy")

    real = api.negotiator_for
    monkeypatch.setattr(api, "negotiator_for", lambda spec: Broken() if spec == "broken" else real(spec))
    r = client.post("/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "broken"})
    assert r.status_code == 500
    assert "broken strategy" in r.json()["error"]["message"]
    r = client.post("/api/scenarios/hanoi-2019/run", json={"negotiators": ["broken"], "steps": 3})
    assert r.status_code == 500 and "ZeroDivisionError" in r.json()["error"]["message"]
    assert client.get("/api/scenarios").status_code == 200


def test_a_strategy_failing_mid_game_ends_that_game_only(client, monkeypatch):
    from accord.strategies.base import Negotiator

    class FailsLater(Negotiator):
        def propose(self, state):
            return 0

        def respond(self, state, offer):
            raise RuntimeError("lost the plot")

    real = api.negotiator_for
    monkeypatch.setattr(api, "negotiator_for", lambda spec: FailsLater() if spec == "later" else real(spec))
    g = client.post("/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "later"}).json()
    other = client.post("/api/games", json={"scenario": "hanoi-2019", "party": "usa"}).json()
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    r = client.post(f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(1)})
    assert r.status_code == 500 and "lost the plot" in r.json()["error"]["message"]
    state = client.get(f"/api/games/{g['id']}").json()
    assert state["status"] == "error" and "lost the plot" in state["error"]
    assert client.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).status_code == 422
    assert (
        client.post(f"/api/games/{other['id']}/move", json={"move": "walk"}).json()["status"] == "walk_away"
    )


def test_run_page_of_talks_shows_the_engine_result(client):
    from accord.protocols.talks import summarize

    html = client.get("/scenarios/hanoi-2019/run?mode=talks&variant=walk_away&seed=3").text
    ref = summarize(api.talks_batch(SCENARIOS / "hanoi-2019.yaml", variant="walk_away", runs=1, seed=3))
    r0 = ref["results"][0]
    head = html.split('id="run-headline">', 1)[1].split("</h2>", 1)[0]
    want = "agreement" if r0["agreement"] else f"no agreement ({r0['end'].replace('_', ' ')}"
    assert head.startswith(f"Result: {want}") and f"after {r0['rounds']} round(s)" in head
    assert html.count("<tr><td>") >= 1 and 'id="trace-table"' in html


def test_outcome_and_party_budgets_follow_the_settings(tmp_path):
    from fastapi.testclient import TestClient

    from accord.web import Settings, create_app

    three = """name: three parties
issues: {x: [a, b, c, d], y: [a, b, c, d]}
protocol: {deadline: 5}
parties:
  p: {weights: {x: 1}, scores: {x: {a: 0, b: 0.3, c: 0.6, d: 1}}}
  q: {weights: {y: 1}, scores: {y: {a: 0, b: 0.3, c: 0.6, d: 1}}}
  r: {weights: {x: 1}, scores: {x: {a: 1, b: 0.6, c: 0.3, d: 0}}}
"""
    red = three.replace("d: 1}}}\n  q", 'd: 1}}, constraints: ["x != a"]}\n  q')
    c = TestClient(create_app(Settings(library=(tmp_path,), max_outcomes=20)))
    r = c.post("/api/uploads", files={"file": ("three.yaml", red.encode(), "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["field"] == "parties"  # 3 x 16 > 2 x 20
    r = c.post("/api/uploads", files={"file": ("three.yaml", three.encode(), "text/plain")})
    assert r.status_code == 200  # linear-additive: kept, analysed without enumeration, not playable
    sid = r.json()["id"]
    assert c.get(f"/api/scenarios/{sid}").json()["compiled"] is False
    assert c.post("/api/games", json={"scenario": sid, "party": "p"}).json()["error"]["field"] == "parties"
    c = TestClient(create_app(Settings(library=(tmp_path,), max_outcomes=15)))
    r = c.post("/api/uploads", files={"file": ("three.yaml", red.encode(), "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["field"] == "issues"  # 16 > 15
    c = TestClient(create_app(Settings(library=(tmp_path,), max_outcomes=24)))
    r = c.post("/api/uploads", files={"file": ("three.yaml", three.encode(), "text/plain")})
    assert r.status_code == 200


def test_static_files_are_served_from_memory_with_etags(client):
    from accord.web.app import HERE

    r = client.get("/static/play.js")
    assert r.status_code == 200 and r.content == (HERE / "static" / "play.js").read_bytes()
    assert r.headers["content-type"].startswith("text/javascript") and "max-age" in r.headers["cache-control"]
    again = client.get("/static/play.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/app.css").content == (HERE / "static" / "app.css").read_bytes()
    head = client.head("/static/app.css")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len((HERE / "static" / "app.css").read_bytes())
    for bad in ("/static/nope.js", "/static/%2e%2e/app.py", "/static/", "/static/sub/play.js"):
        assert client.get(bad).status_code == 404, bad
    post = client.post("/static/play.js")
    assert post.status_code == 405 and "GET" in post.headers["allow"]
