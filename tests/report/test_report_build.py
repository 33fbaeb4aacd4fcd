"""Reports: a self-contained page with every figure, readable in print; Kaplan-Meier against a textbook table.

References: the 6-MP arm of the Freireich et al. (1963) leukaemia trial as tabulated by Kleinbaum & Klein
(2012, *Survival Analysis*, 3rd ed., ch. 2), whose Kaplan-Meier estimates are 0.857, 0.807, 0.753,
0.690, 0.627, 0.538, 0.448.
"""

import json
import re

import numpy as np
import pyarrow as pa
import pytest

from accord.experiments import execute, plan_montecarlo, plan_sweep, plan_tournament
from accord.experiments.executors import InProcess
from accord.report import build_report
from accord.report import figures as F
from accord.report.survival import kaplan_meier

from .conftest import GENIUS


def test_kaplan_meier_matches_the_textbook():
    times = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    event = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    t, s, lo, hi = kaplan_meier(np.array(times), np.array(event, dtype=bool))
    got = {int(a): round(float(b), 3) for a, b in zip(t, s, strict=True) if a in (6, 7, 10, 13, 16, 22, 23)}
    assert got == {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    assert t[0] == 0 and s[0] == 1 and t[-1] == 35
    assert np.all(lo <= s + 1e-12) and np.all(s <= hi + 1e-12) and lo.min() >= 0 and hi.max() <= 1


def _labelled(fig):
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert axes
    assert any(ax.get_xlabel() for ax in axes) and all(ax.get_ylabel() for ax in axes)
    return axes


def test_every_figure_has_labelled_axes_and_a_legend():
    rng = np.random.default_rng(0)
    U = rng.random((2, 50))
    figs = [
        F.utility_space(
            U,
            ["a", "b"],
            np.array([1, 2]),
            {"nash": U[:, 1], "kalai_smorodinsky": None},
            np.array([0.2, 0.3]),
            U[:, :3].T,
            np.array([1, 2, 3]),
        ),
        F.dance(np.array([0, 0, 1]), np.array([0, 1, 0]), U[:, :3].T, ["a", "b"]),
        F.concession(
            [[(np.array([0, 1.0]), np.array([1, 0.5]))], [(np.array([0, 1.0]), np.array([0.9, 0.6]))]],
            ["a", "b"],
        ),
        F.utility_distribution([U[0], U[1]], ["a", "b"], U[0] > 0.5),
        F.sweep_curve(
            [0.1, 0.2],
            np.array([0.5, 0.7]),
            np.array([0.3, 0.5]),
            np.array([0.7, 0.8]),
            "parties.a.reservation",
        ),
        F.tornado_chart(
            [{"parameter": "x", "low": 0.2, "high": 0.8, "low_value": 1.0, "high_value": 2.0}],
            0.5,
            "agreement probability",
            True,
        ),
        F.sobol_chart(["x", "y"], [0.3, 0.1], [0.05, 0.05], [0.5, 0.2], [0.05, 0.05], "agreement"),
        F.survival_curve(np.array([0, 1, 2]), np.array([1, 0.8, 0.5]), None, None, "deals", "step"),
    ]
    for fig in figs:
        axes = _labelled(fig)
        assert fig.legends or any(ax.get_legend() is not None for ax in axes)
    assert _labelled(F.outcome_frequencies(["deal x", "no deal"], [3, 1], 4))
    assert _labelled(F.leaderboard_chart([{"negotiator": "a", "mean_utility": 0.5, "agreement_rate": 0.5}]))
    assert _labelled(F.pair_matrix(["a", "b"], np.array([[0.1, 0.2], [0.3, np.nan]])))


def _self_contained(index):
    html = index.read_text()
    assert "<script" not in html
    srcs = re.findall(r'src="([^"]+)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    links = re.findall(r'href="([^"#]+)"', html)
    assert all(not re.match(r"https?://", h) and (index.parent / h).exists() for h in links)
    return html


def test_montecarlo_report_with_sensitivity(toy, tmp_path):
    run = tmp_path / "mc"
    execute(plan_montecarlo(toy, 40, seed=2, sensitivity=8, oat_runs=2), run, InProcess())
    index = build_report(run)
    html = _self_contained(index)
    for title in (
        "Overview",
        "Uncertain inputs",
        "Utility space",
        "A sample negotiation",
        "Outcome distributions",
        "What drives the result",
        "Reproduce",
    ):
        assert title in html
    for name in (
        "utility_space_0",
        "dance",
        "concession",
        "utility_distribution",
        "outcome_frequencies",
    ):
        assert (index.parent / f"{name}.svg").exists() and (index.parent / f"{name}.png").exists()
    assert "parties.buyer.weights.price" in html and "uniform[0.4, 0.8]" in html
    # every studied output has its charts, or is named as not moved by any input (a flat chart says nothing)
    sens = json.loads((run / "summary.json").read_text())["sensitivity"]
    flat = re.search(r"Not moved by any uncertain input[^<]*", html)
    for col, label in (("agreement", "agreement probability"), ("utility_0", "buyer: utility")):
        swings = any(b["swing"] > 0 for b in sens["tornado"][col]["bars"])
        varied = not sens["sobol"][col]["constant"]
        name = col.replace(".", "_")
        assert (index.parent / f"tornado_{name}.png").exists() == swings
        assert (index.parent / f"sobol_{name}.png").exists() == varied
        assert (swings or varied) or (flat is not None and label in flat.group(0))


def test_sweep_and_tournament_reports(toy, tmp_path):
    execute(
        plan_sweep(toy, ["parties.buyer.reservation=0:0.9:4", "protocol.deadline=3,8"], runs=3),
        tmp_path / "s",
    )
    html = _self_contained(build_report(tmp_path / "s", tmp_path / "s-report"))
    assert "Agreement against the swept parameter" in html and (tmp_path / "s-report" / "sweep.svg").exists()
    laptop = f"{GENIUS / 'Laptop'}@laptop_buyer_utility,laptop_seller_utility"
    execute(plan_tournament([laptop, toy], ["boulware", "conceder", "linear"], repetitions=2), tmp_path / "t")
    index = build_report(tmp_path / "t")
    html = _self_contained(index)
    assert "Leaderboard" in html or "leaderboard" in html
    assert (index.parent / "pairs.svg").exists() and (index.parent / "utility_space_1.svg").exists()
    assert "Per domain" in html


def test_unfinished_run_is_reported_with_a_warning(toy, tmp_path):
    from accord.experiments.runner import execute as run_execute

    class Stop(InProcess):
        def map(self, fn, tasks):
            for i, t in enumerate(tasks):
                if i == 2:
                    raise KeyboardInterrupt
                yield i, fn(t)

    with pytest.raises(KeyboardInterrupt):
        run_execute(plan_montecarlo(toy, 50, chunk_size=10), tmp_path / "u", Stop())
    html = build_report(tmp_path / "u").read_text()
    assert "unfinished" in html and "20 of 50" in html


def test_survival_section_appears_with_implementation_columns(tmp_path):
    from accord.report.pieces import _Out
    from accord.report.sections import survival_section

    t = pa.table(
        {
            "agreement": [True, True, True, False],
            "impl.steps_completed": [1.0, 3.0, 3.0, None],
            "impl.completed": [False, True, False, None],
            "impl.threat_reduction": [0.0, 0.7, 0.4, None],
            "impl.cheated.dprk": [True, False, True, None],
        }
    )
    html = survival_section(_Out(tmp_path), t)
    assert "Implementation" in html and (tmp_path / "survival.svg").exists()
    assert "dprk cheated" in html and "66.7%" in html
    assert survival_section(_Out(tmp_path), t.drop(["impl.steps_completed"])) == ""


def test_outcome_frequencies_count_whole_deals(tmp_path, monkeypatch):
    """Two deals that differ only in their last issue are two results, however long their labels."""
    import json as _json

    from accord.report import build as B

    long_a = {f"issue_{i:02d}_with_a_long_name": "same_value" for i in range(8)}
    long_b = dict(long_a, issue_07_with_a_long_name="other_value")
    outcomes = [_json.dumps(long_a)] * 3 + [_json.dumps(long_b)] * 2 + [None]
    table = pa.table(
        {
            "outcome": outcomes,
            "end": ["agreement"] * 5 + ["walk_away"],
            "walked_away_by": [None] * 5 + ["b"],
            "agreement": [True] * 5 + [False],
            "utility_0": [0.5] * 6,
            "utility_1": [0.4] * 6,
        }
    )
    seen = {}
    draw = F.outcome_frequencies

    def capture(labels, counts, total):
        seen.update(labels=list(labels), counts=list(counts), total=total)
        return draw(labels, counts, total)

    monkeypatch.setattr(F, "outcome_frequencies", capture)
    B._distributions(B._Out(tmp_path), table, ["a", "b"])
    assert seen["counts"] == [3, 2, 1] and seen["total"] == 6
    assert seen["labels"][2] == "no deal: walk away by b"
    assert seen["labels"][0].endswith("=same_value") and seen["labels"][1].endswith("=other_value")


def test_assumptions_section_states_sources_judgements_and_the_model_against_history(tmp_path):
    """The report carries the scenario's sources and its marked judgements, and says when the model's
    most likely result differs from the recorded outcome (here: history says no agreement, and two
    conceders with low walk-away values always agree)."""
    scen = tmp_path / "hist.yaml"
    scen.write_text(
        "name: Case with a history\n"
        "description: Two parties that in fact did not agree.\n"
        "sources:\n  S1: An archive, 1 January 2000\n"
        "issues:\n  x: [a, b, c]\n"
        "parties:\n"
        "  p:\n    weights: {x: 1}\n    scores: {x: {a: 1, b: 0.5, c: 0}}\n"
        "    reservation: {uniform: [0.05, 0.15]}  # judgement: nobody recorded it\n"
        "    strategy: conceder\n"
        "  q:\n    weights: {x: 1}\n    scores: {x: {a: 0, b: 0.5, c: 1}}\n"
        "    reservation: 0.1  # S1\n    strategy: conceder\n"
        "protocol: {deadline: 10}\n"
        "history:\n  outcome: no_agreement\n  note: talks broke off [S1]\n",
        encoding="utf-8",
    )
    run = tmp_path / "run"
    execute(plan_montecarlo(scen, 20, seed=0), run, InProcess())
    rate = json.loads((run / "summary.json").read_text())["summary"]["agreement_rate"]
    assert rate == 1.0  # both concede to 0.5 > walk-away: an agreement in every run
    html = _self_contained(build_report(run))
    sec = html[html.index('id="assumptions"') :]
    assert "An archive, 1 January 2000" in sec and "talks broke off" in sec
    assert "the model gets this case wrong" in sec
    assert "judgement: nobody recorded it" in sec and "Judgements (1)" in sec
    # a changed file is not quoted: its lines might no longer be the run's
    scen.write_text(scen.read_text() + "# judgement: added later\n", encoding="utf-8")
    html = _self_contained(build_report(run, tmp_path / "again"))
    assert "Judgements" not in html and "An archive" in html
