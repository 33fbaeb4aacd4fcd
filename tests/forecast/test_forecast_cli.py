"""`accord forecast` and accord.forecast.api: the JSON contract, errors, figures, the walk-away link."""

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from accord.cli.forecast import register
from accord.errors import InputError
from accord.forecast import api
from accord.report.forecast import write_report

app = typer.Typer()
register(app)


@app.callback()
def _root() -> None:
    """Test app holding only the forecast command."""


def cli(*args):
    return CliRunner().invoke(app, ["forecast", *map(str, args)])


def test_contract_on_the_ec_table(ec_path):
    r = cli(ec_path, "--model", "all", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["initial_median"] == 7.0 and out["initial_mean"] == 7.389955686853767
    assert list(out["models"]) == ["mean", "median", "bdm", "exchange"]
    for name, m in out["models"].items():
        assert isinstance(m["forecast"], float), name
        for k, rd in enumerate(m["rounds"]):
            assert set(rd) == {"round", "positions", "median", "mean"} and rd["round"] == k
            assert len(rd["positions"]) == 10
    assert out["models"]["mean"]["forecast"] == 7.389955686853767
    assert out["models"]["median"]["forecast"] == 7.0
    bdm = out["models"]["bdm"]
    assert bdm["rounds"][-1]["median"] == bdm["forecast"] and bdm["offers"] and bdm["risk"]


def test_scholz_preset_and_rounds_reproduce_the_oracle_through_the_cli(ec_path, oracle_rows):
    r = cli(ec_path, "--model", "bdm", "--bdm", "scholz-code", "--rounds", "10", "--json")
    rounds = json.loads(r.stdout)["models"]["bdm"]["rounds"]
    assert [(x["median"], x["mean"]) for x in rounds] == [
        (float(a), float(b)) for _, a, b in oracle_rows("bdm_scholz_replication_rounds.csv")
    ]


def test_bdm_set_overrides_and_readable_output(ec_path):
    r = cli(ec_path, "--model", "bdm,mean", "--bdm-set", "stop=fixed", "--bdm-set", "max_rounds=3")
    assert r.exit_code == 0, r.output
    assert "Forecasts" in r.stdout and "bdm" in r.stdout and "7.39" in r.stdout
    assert "Netherlands" in r.stdout


def test_nk_table_runs_with_monte_carlo_sensitivity_and_same_seed(nk_path):
    a = cli(nk_path, "--runs", "8", "--seed", "3", "--sensitivity", "mean", "--json")
    b = cli(nk_path, "--runs", "8", "--seed", "3", "--sensitivity", "mean", "--json")
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    out = json.loads(a.stdout)
    assert out["issue"] == "un_sanctions_relief" and out["scale"]["max"] == 100
    mc = out["monte_carlo"]["issues"]["un_sanctions_relief"]
    assert set(mc) == {"mean", "median", "bdm", "exchange"} and mc["mean"]["runs"] == 8
    assert out["sensitivity"][0]["effects"]
    readable = cli(nk_path, "--runs", "4")
    assert readable.exit_code == 0 and "MC mean" in readable.stdout and "no easing" in readable.stdout


def test_multi_issue_table_and_issue_selection(write):
    p = write(
        "actor,issue,position,salience,capability\na,p,0,0.9,1\na,q,0,0.3,1\nb,p,100,0.4,2\nb,q,100,0.6,2\n"
    )
    out = json.loads(cli(p, "--json").stdout)
    assert set(out["issues"]) == {"p", "q"}
    assert out["issues"]["p"]["models"]["exchange"]["exchanges"]
    one = json.loads(cli(p, "--issue", "q", "--model", "mean", "--json").stdout)
    assert one["issue"] == "q" and one["models"]["mean"]["forecast"] == 80.0


def test_plots_png_and_svg(ec_path, nk_path, tmp_path):
    r = cli(ec_path, "--plot", tmp_path / "ec.png", "--json")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ec.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = cli(nk_path, "--runs", "5", "--model", "mean,bdm", "--plot", tmp_path / "nk.svg")
    assert r.exit_code == 0, r.output
    assert "<svg" in (tmp_path / "nk.svg").read_text()
    assert "<svg" in (tmp_path / "nk-distribution.svg").read_text()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--model", "oracle"), "model"),
        (("--bdm", "bdm2011"), "--bdm"),
        (("--bdm-set", "q=0.5"), "--bdm-set"),
        (("--bdm-set", "stop=sometimes"), "stop"),
        (("--bdm-set", "max_rounds"), "option=value"),
        (("--rounds", "0"), "--rounds"),
        (("--issue", "nope"), "issue"),
        (("--plot", "x.gif"), "--plot"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(ec_path, args, needle):
    r = cli(ec_path, *args)
    assert r.exit_code == 2
    assert r.stderr.strip().count("\n") == 0 and needle in r.stderr and "Traceback" not in r.stderr


def test_bad_table_is_one_line_naming_file_row_column_in_a_real_process(write):
    p = write("actor,capability,position,salience\nus,1,0,0.9\ncn,1,50,1.3\n", "bad.csv")
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", str(p)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert (
        str(p) in proc.stderr and "row 3, column salience" in proc.stderr and "Traceback" not in proc.stderr
    )


def test_forecast_bound_maps_the_forecast_through_declared_points(ec_path):
    assert api.forecast_bound(ec_path, "median", mapping={4: 0.0, 10: 1.0}) == 0.5  # median 7
    assert api.forecast_bound(ec_path, "median", mapping=[(0, 1.0), (7, 0.2), (10, 0.0)]) == 0.2
    assert (
        api.forecast_bound(ec_path, "median", mapping={8: 0.3, 9: 0.9}) == 0.3
    )  # held below the first point
    mean = api.forecast_bound(ec_path, "mean", mapping={0: 0.0, 10: 1.0})
    assert mean == pytest.approx(0.7389955686853767, rel=1e-15)
    for bad in ({4: 0.0}, {4: 0.0, 10: 1.5}):
        with pytest.raises(InputError, match="forecast.map"):
            api.forecast_bound(ec_path, "median", mapping=bad, file="scenario.yaml")


def test_api_forecast_is_the_cli_contract(ec_path):
    out = api.forecast(ec_path, ["mean", "median"])
    assert (out["initial_median"], out["initial_mean"]) == (7.0, 7.389955686853767)
    assert set(out["models"]) == {"mean", "median"}
    capped = api.forecast(ec_path, ["bdm"], rounds=3)
    assert len(capped["models"]["bdm"]["rounds"]) <= 4


def test_relations_are_each_actors_perception_of_each_pair(ec_path, oracle_rows):
    settings = api.make_settings(1, "scholz-code")
    rel = api.forecast_relations(ec_path, 1, settings=settings)
    assert len(rel) == 10 * 9
    for _, recv, prop, kind, a, b, _ in oracle_rows("bdm_scholz_replication_round1_moves.csv"):
        r = next(x for x in rel if x["actor"] == recv and x["other"] == prop)
        assert (r["eu_challenge"], r["eu_challenged"], r["reading"]) == (float(a), float(b), kind)
        assert r["expects_challenge"] is True
    with pytest.raises(InputError, match="round"):
        api.forecast_relations(ec_path, 2, settings=settings)


def _html_images(text):
    import base64
    import re

    return [base64.b64decode(b) for b in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)]


def test_html_report_is_self_contained_with_the_forecasts_side_by_side(nk_path, tmp_path):
    out = tmp_path / "nk.html"
    r = cli(nk_path, "--runs", "6", "--seed", "2", "--model", "mean,median,bdm", "--report", out, "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    text = out.read_text()
    assert res["report"] == str(out) and "sensitivity" not in res  # the report's sensitivity is not asked for
    # every model's forecast and Monte Carlo summary as the CLI prints them (4 significant digits)
    for m, mr in res["models"].items():
        assert f"<td>{mr['forecast']:.4g}</td>" in text, m
        assert f"<td>{res['monte_carlo']['issues']['un_sanctions_relief'][m]['mean']:.4g}</td>" in text
    assert "Forecasts side by side" in text and "Sensitivity of the mean forecast" in text
    assert "Forecast distribution" in text and "United States" in text and "[H18]" in text
    imgs = _html_images(text)
    assert len(imgs) == 3 and all(
        b[:8] == b"\x89PNG\r\n\x1a\n" for b in imgs
    )  # trajectories, distribution, tornado
    assert "http://" not in text.split("<body>")[0] and 'src="http' not in text  # nothing fetched
    assert "accord forecast" in text and "--seed 2" in text


def test_html_report_for_several_issues_and_the_api(write, tmp_path):
    p = write(
        "actor,issue,position,salience,capability\na,p,0,0.9,1\na,q,0,0.3,1\nb,p,100,0.4,2\nb,q,100,0.6,2\n"
    )
    out = tmp_path / "two.html"
    r = cli(p, "--sensitivity", "median", "--report", out)
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.stdout
    text = out.read_text()
    assert "Issue: p" in text and "Issue: q" in text and "Sensitivity of the median forecast" in text
    assert "No Monte Carlo runs" in text
    assert len(_html_images(text)) == 4  # per issue: trajectories and tornado
    again = write_report(tmp_path / "api.html", p)
    assert "Issue: q" in again.read_text()


@pytest.mark.parametrize("name", ["nk.png", "missing/nk.html"])
def test_bad_report_path_is_exit_2_before_any_model_runs(ec_path, tmp_path, name):
    r = cli(ec_path, "--report", tmp_path / name)
    assert r.exit_code == 2 and "--report" in r.stderr and not (tmp_path / name).exists()
