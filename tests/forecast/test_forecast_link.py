"""Forecasts inside negotiation scenarios (accord.forecast.link through accord.io.prepare).

References are computed here independently: the weighted median by brute force over the positions
(argmin of the c·s-weighted sum of distances), the weighted mean by its closed form, and the mapped value
by hand-written linear interpolation.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.errors import InputError
from accord.forecast.tables import read_table
from accord.io.prepare import prepare_document
from accord.io.yaml_scenario import load_yaml, loads_yaml

ROOT = Path(__file__).resolve().parents[2]
WINSET = ROOT / "scenarios" / "hanoi-2019-un-winset.yaml"


def brute_median(x, w):
    """The position minimising the weighted sum of distances (lowest on ties)."""
    cost = [float(np.sum(w * np.abs(x - c))) for c in x]
    best = min(cost)
    return min(c for c, v in zip(x, cost, strict=True) if v <= best + 1e-12 * abs(best))


def interp(x, pts):
    pts = sorted(pts.items())
    if x <= pts[0][0]:
        return pts[0][1]
    if x >= pts[-1][0]:
        return pts[-1][1]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise AssertionError


def test_winset_scenario_takes_its_numbers_from_the_council_forecast():
    t = read_table(ROOT / "scenarios" / "nk-sanctions-2019.csv")
    m = brute_median(t.position[0], t.capability[0] * t.salience[0])
    sc = load_yaml(WINSET)
    res = {p.name: p.preferences.reservation for p in sc.parties}
    assert res["usa"] == pytest.approx(interp(m, {0: 0.45, 25: 0.27, 75: 0.09, 100: 0.0}), abs=1e-12)
    assert res["dprk"] == pytest.approx(interp(m, {0: 0.45, 25: 0.615, 75: 0.945, 100: 1.0}), abs=1e-12)
    links = api.scenario_forecast_links(WINSET)
    assert [k["field"] for k in links] == [
        "parties.usa.terms[0].value",
        "parties.usa.terms[1].value",
        "parties.usa.reservation",
        "parties.dprk.reservation",
    ]
    assert all(k["forecast"] == m for k in links)
    # the win-set terms: relief beyond 2r is penalised by -1 (soft edge of 5 points)
    assert links[0]["value"] == pytest.approx(interp(m, {7.5: -1.0, 12.5: 0.0}))
    assert links[1]["value"] == pytest.approx(interp(m, {32.5: -1.0, 37.5: 0.0}))
    # the terms enter the compiled utilities: US utility of (un_2016_2017, dismantle_all, dismantle)
    u = sc.compile().utilities
    idx = sc.space.index({"sanctions_relief": "un_2016_2017", "yongbyon": "dismantle_all",
                          "beyond_yongbyon": "dismantle"})  # fmt: skip
    assert u[0, idx] == pytest.approx(0.45 * 0.2 + 0.25 + 0.30 + links[1]["value"])


def scenario(tmp_path, party_a_extra: str, stakeholders: str = "", name: str = "s.yaml") -> Path:
    text = (
        "name: link test\n"
        "issues:\n  relief: {type: integer, lower: 0, upper: 4}\n"
        "parties:\n"
        "  a:\n    weights: {relief: 1}\n    scores: {relief: {linear: {slope: -0.25, offset: 1}}}\n"
        f"{party_a_extra}"
        "  b:\n    weights: {relief: 1}\n    scores: {relief: {linear: {slope: 0.25, offset: 0}}}\n"
        "protocol: {deadline: 3}\n" + stakeholders
    )
    p = tmp_path / name
    p.write_text(text)
    return p


INLINE = (
    "stakeholders:\n  issues: {relief: {scale: [0, 100]}}\n  actors:\n"
    "    - {actor: x, capability: 1, position: 0, salience: {uniform: [0.2, 0.8]}}\n"
    "    - {actor: y, capability: 1, position: 100, salience: 0.5}\n"
    "    - {actor: z, capability: 0.5, position: 60, salience: 0.5}\n"
)


def test_inline_stakeholders_set_a_walk_away_value_and_a_position(tmp_path):
    # a's walk-away: the weighted mean mapped 0..100 -> 0..1; b's position (peak of its score): the median
    p = scenario(
        tmp_path,
        "    reservation: {forecast: {model: mean, map: {0: 0.0, 100: 1.0}}}\n",
        INLINE,
    )
    text = p.read_text().replace(
        "scores: {relief: {linear: {slope: 0.25, offset: 0}}}",
        "scores: {relief: {triangular: {lower: 0, peak: {forecast: {model: median, map: {0: 0, 100: 4}}}, upper: 4}}}",
    )
    p.write_text(text)
    sc = load_yaml(p)
    c, x, s = (
        np.array([1, 1, 0.5]),
        np.array([0.0, 100, 60]),
        np.array([0.5, 0.5, 0.5]),
    )  # nominal salience 0.5
    mean = float(np.sum(c * s * x) / np.sum(c * s))
    assert sc.parties[0].preferences.reservation == pytest.approx(mean / 100, abs=1e-12)
    peak = brute_median(x, c * s) * 4 / 100  # median 60 -> 2.4 on the issue
    u = sc.compile().utilities[1]
    assert int(np.argmax(u)) == round(peak)  # the integer value closest to the peak scores highest
    assert u[2] == pytest.approx(1 - abs(2 - peak) / (4 - peak if peak < 2 else peak), abs=1e-12)


def test_a_drawn_stakeholder_table_gives_the_drawn_forecast(tmp_path):
    # what the experiment runner does: draw the numbers of the document, then prepare and validate it
    import yaml

    doc = yaml.safe_load(
        scenario(tmp_path, "    reservation: {forecast: {model: mean, map: {0: 0.0, 100: 1.0}}}\n", INLINE)
        .read_text()
    )  # fmt: skip
    doc["stakeholders"]["actors"][0]["salience"] = 0.25
    out = prepare_document(doc, str(tmp_path / "s.yaml"))
    assert "stakeholders" not in out
    assert out["parties"]["a"]["reservation"] == pytest.approx((50 + 15) / (0.25 + 0.5 + 0.25) / 100)
    assert doc["parties"]["a"]["reservation"] == {"forecast": {"model": "mean", "map": {0: 0.0, 100: 1.0}}}
    # keys that went through JSON (the runner stores documents as JSON) are text
    doc["parties"]["a"]["reservation"]["forecast"]["map"] = {"0": 0.0, "100": 1.0}
    assert prepare_document(doc, str(tmp_path / "s.yaml"))["parties"]["a"]["reservation"] == pytest.approx(
        0.65
    )


def test_forms_inside_variants_and_lists_are_resolved(tmp_path):
    (tmp_path / "t.csv").write_text("actor,capability,position,salience\nu,1,20,1\nv,1,40,1\n")
    doc = {
        "name": "v",
        "parties": {"a": {"terms": [{"when": "true", "value": {"forecast": {"table": "t.csv", "model": "mean"}}}]}},
        "variants": {"hi": {"parties": {"a": {"reservation": {"forecast": {"table": "t.csv", "model": "median"}}}}}},
    }  # fmt: skip
    out = prepare_document(doc, str(tmp_path / "s.yaml"))
    assert out["parties"]["a"]["terms"][0]["value"] == 30.0
    assert out["variants"]["hi"]["parties"]["a"]["reservation"] == 20.0


def test_table_on_disk_is_read_again_when_it_changes(tmp_path):
    t = tmp_path / "t.csv"
    t.write_text("actor,capability,position,salience\nu,1,20,1\nv,1,40,1\n")
    doc = {"parties": {"a": {"reservation": {"forecast": {"table": "t.csv", "model": "mean"}}}}}
    assert prepare_document(doc, str(tmp_path / "s.yaml"))["parties"]["a"]["reservation"] == 30.0
    t.write_text("actor,capability,position,salience\nu,1,20,1\nv,3,40,1\nw,0,0,0.5\n")
    assert prepare_document(doc, str(tmp_path / "s.yaml"))["parties"]["a"]["reservation"] == 35.0


BAD = [
    ("{forecast: {table: /etc/passwd, model: mean}}", "forecast.table", "no absolute path"),
    ("{forecast: {table: ../t.csv, model: mean}}", "forecast.table", "no absolute path, no '..'"),
    ("{forecast: {table: sub/../../t.csv}}", "forecast.table", "'..'"),
    ("{forecast: {table: 'sub\\\\t.csv'}}", "forecast.table", "'/' as separator"),
    ("{forecast: {table: missing.csv}}", "forecast.table", "an existing actor table"),
    ("{forecast: {table: t.csv, model: oracle}}", "forecast.model", "one of mean, median, bdm, exchange"),
    ("{forecast: {table: t.csv, modle: mean}}", "forecast.modle", "only the keys"),
    ("{forecast: {table: t.csv, map: {0: 1}}}", "forecast.map", "at least two points"),
    ("{forecast: {table: t.csv, map: {0: 1, 1: x}}}", "forecast.map", "at least two points"),
    ("{forecast: {table: t.csv, rounds: 0}}", "forecast.rounds", "rounds >= 1"),
    ("{forecast: {table: t.csv, bdm: bdm2011}}", "forecast.bdm", "paper, scholz-code"),
    ("{forecast: {table: two.csv}}", "forecast.issue", "one of the table's issues p, q"),
    ("{forecast: {table: two.csv, issue: r}}", "forecast.issue", "one of the table's issues p, q"),
    ("{forecast: {model: mean}}", "forecast.table", "stakeholders"),
    ("{forecast: [t.csv]}", "forecast", "a mapping"),
]


@pytest.mark.parametrize(("form", "field", "expected"), BAD)
def test_bad_forms_name_the_file_and_field(tmp_path, form, field, expected):
    (tmp_path / "t.csv").write_text("actor,capability,position,salience\nu,1,20,1\nv,1,40,1\n")
    (tmp_path / "two.csv").write_text("actor,issue,capability,position,salience\nu,p,1,2,1\nu,q,1,3,1\n")
    p = scenario(tmp_path, f"    reservation: {form}\n")
    with pytest.raises(InputError) as exc:
        load_yaml(p)
    e = exc.value
    assert e.file == str(p) and e.field == f"parties.a.reservation.{field}" and expected in e.expected


def test_link_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("actor,capability,position,salience\nu,1,20,1\n")
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "t.csv").symlink_to(outside)
    p = scenario(folder, "    reservation: {forecast: {table: t.csv}}\n")
    with pytest.raises(InputError, match="outside through a link"):
        load_yaml(p)


def test_errors_inside_the_table_name_the_table_row_and_column(tmp_path):
    (tmp_path / "t.csv").write_text("actor,capability,position,salience\nu,1,20,1.5\n")
    p = scenario(tmp_path, "    reservation: {forecast: {table: t.csv}}\n")
    with pytest.raises(InputError, match=r"t\.csv: row 2, column salience"):
        load_yaml(p)
    bad_inline = INLINE.replace("salience: 0.5}", "salience: 2}", 1)
    p = scenario(tmp_path, "    reservation: {forecast: {model: mean}}\n", bad_inline)
    with pytest.raises(InputError, match=r"stakeholders\.actors\[1\]\.salience"):
        load_yaml(p)


def test_a_scenario_given_as_text_cannot_name_a_table():
    text = (
        "name: x\nissues: {i: [a, b]}\nparties:\n  p: {reservation: {forecast: {table: t.csv}}}\n"
        "  q: {}\nprotocol: {deadline: 2}\n"
    )
    with pytest.raises(InputError, match="a scenario read from a file"):
        loads_yaml(text)


def test_cli_exit_2_and_plain_scenarios_do_not_import_forecasting(tmp_path):
    p = scenario(tmp_path, "    reservation: {forecast: {table: ../t.csv}}\n")
    proc = subprocess.run([sys.executable, "-m", "accord", "analyze", str(p)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert str(p) in proc.stderr and "parties.a.reservation.forecast.table" in proc.stderr
    code = (
        "import sys; from accord.io.yaml_scenario import load_yaml; "
        f"load_yaml({str(ROOT / 'scenarios' / 'singapore-2018.yaml')!r}); print('accord.forecast' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
