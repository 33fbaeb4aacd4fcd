"""Tournaments as ANAC ran them: --steps, ANAC scoring checked by hand on a tiny domain, wall-clock timing."""

from __future__ import annotations

import pytest

from accord.errors import InputError
from accord.experiments import execute, plan_tournament, read_results
from accord.experiments.metrics import leaderboard
from accord.io import load
from accord.protocols.alternating import run_alternating
from accord.strategies import make

from .conftest import GENIUS

# One issue: a is A's best, c is B's best, b the middle. Reservation 0.2 / 0.3, discounts 0.9 / 0.8.
TINY = """
name: tiny discounted
issues:
  x: [a, b, c]
parties:
  A:
    weights: {x: 1}
    scores: {x: {a: 1.0, b: 0.5, c: 0.0}}
    reservation: 0.2
    discount: 0.9
  B:
    weights: {x: 1}
    scores: {x: {a: 0.0, b: 0.5, c: 1.0}}
    reservation: 0.3
    discount: 0.8
protocol:
  deadline: 5
"""
RV, D = (0.2, 0.3), (0.9, 0.8)


def hand_scores() -> tuple[dict[str, float], dict[str, float]]:
    """ANAC score and plain utility of every strategy, worked out by hand (A opens, R = 5, t = r / 4).

    - walk_away at either side: the talks end at t = 0 without a deal: each side gets its reservation value.
    - hardliner meets anyone but walk_away: it offers its best and accepts only that; no deal by t = 1.
      (conceder never accepts the other's best, worth 0 < its reservation value, even at its last chance.)
    - conceder vs conceder: targets 0.2 + 0.8 (1 - sqrt t) for A, 0.3 + 0.7 (1 - sqrt t) for B. A offers a,
      a, b, b (rounds 0-3: its target falls to 0.434 at t = 0.5); B offers c until, at t = 0.75, its target
      0.394 is met by b (0.5): B accepts b in round 3. Scores 0.5 * 0.9^0.75 and 0.5 * 0.8^0.75.
    Without a deal the ANAC score is the reservation value discounted to the end: t = 0 or t = 1.
    """
    no_deal_end = (RV[0] * D[0], RV[1] * D[1])
    walked = RV
    deal_t = 0.75
    cc = (0.5 * D[0] ** deal_t, 0.5 * D[1] ** deal_t)
    pairs = {  # (A's strategy, B's strategy) -> (A's score, B's score), (A's utility, B's utility)
        ("hardliner", "hardliner"): (no_deal_end, RV),
        ("hardliner", "conceder"): (no_deal_end, RV),
        ("conceder", "hardliner"): (no_deal_end, RV),
        ("conceder", "conceder"): (cc, (0.5, 0.5)),
    }
    for s in ("hardliner", "conceder", "walk_away"):
        pairs[(s, "walk_away")] = (walked, RV)
        pairs[("walk_away", s)] = (walked, RV)
    score: dict[str, list[float]] = {}
    util: dict[str, list[float]] = {}
    for (a, b), (sc, u) in pairs.items():
        score.setdefault(a, []).append(sc[0])
        score.setdefault(b, []).append(sc[1])
        util.setdefault(a, []).append(u[0])
        util.setdefault(b, []).append(u[1])
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    return {k: mean(v) for k, v in score.items()}, {k: mean(v) for k, v in util.items()}


@pytest.fixture
def tiny(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text(TINY)
    return p


POOL = ["hardliner", "conceder", "walk_away"]


def test_anac_scoring_is_the_hand_computed_discounted_mean(tiny, tmp_path):
    plan = plan_tournament([tiny], POOL, repetitions=1)
    assert plan.spec["scoring"] == "anac"  # the domain discounts: ANAC scoring by default
    res = execute(plan, tmp_path / "t")
    score, util = hand_scores()
    board = {r["negotiator"]: r for r in res["leaderboard"]}
    for name in POOL:
        assert board[name]["score"] == pytest.approx(score[name], abs=1e-12)
        assert board[name]["mean_discounted_utility"] == pytest.approx(score[name], abs=1e-12)
        assert board[name]["mean_utility"] == pytest.approx(util[name], abs=1e-12)
    ranked = [r["negotiator"] for r in res["leaderboard"]]
    assert ranked == sorted(POOL, key=lambda n: -score[n]) == ["conceder", "walk_away", "hardliner"]
    # Ranked by plain utility the order differs (hardliner and walk_away tie at 0.25, name order).
    plain = leaderboard(read_results(tmp_path / "t"), scoring="utility")
    assert [r["negotiator"] for r in plain] == ["conceder", "hardliner", "walk_away"]
    assert plain[1]["score"] == pytest.approx(0.25)


def test_scoring_defaults_to_utility_without_discounts_and_can_be_forced(tmp_path, tiny):
    laptop = f"{GENIUS / 'Laptop'}@laptop_buyer_utility10,laptop_seller_utility10"  # d = 1 in both
    assert plan_tournament([laptop], ["boulware"]).spec["scoring"] == "utility"
    assert plan_tournament([tiny], ["boulware"], scoring="utility").spec["scoring"] == "utility"
    assert plan_tournament([laptop], ["boulware"], scoring="anac").spec["scoring"] == "anac"
    with pytest.raises(InputError, match="--scoring"):
        plan_tournament([tiny], ["boulware"], scoring="genius")


def test_steps_set_every_deadline_and_rows_match_a_direct_run(tmp_path):
    folder = f"{GENIUS / 'ItexvsCypress'}@ItexvsCypress_Itex,ItexvsCypress_Cypress"
    res = execute(
        plan_tournament([folder], ["atlas3", "boulware"], repetitions=2, seed=3, steps=7), tmp_path / "s"
    )
    t = read_results(tmp_path / "s").to_pylist()
    assert res["negotiations"] == len(t) == 8
    comp = load(GENIUS / "ItexvsCypress", ["ItexvsCypress_Itex", "ItexvsCypress_Cypress"]).compile()
    for row in t:
        assert row["rounds"] <= 7
        ref = run_alternating(
            comp, [make(row["negotiator_0"]), make(row["negotiator_1"])], deadline=7, seed=row["seed"]
        )
        assert (row["rounds"], row["agreement"], row["utility_0"], row["utility_1"]) == (
            ref.rounds,
            ref.agreement,
            ref.utilities["ItexvsCypress_Itex"],
            ref.utilities["ItexvsCypress_Cypress"],
        )
    with pytest.raises(InputError, match="--steps"):
        plan_tournament([folder], ["boulware"], steps=0)


def test_timing_adds_wall_seconds_per_negotiation_and_to_the_leaderboard(tiny, tmp_path):
    untimed = execute(plan_tournament([tiny], ["boulware", "conceder"]), tmp_path / "u")
    assert "wall_seconds" not in read_results(tmp_path / "u").column_names
    assert "mean_wall_seconds" not in untimed["leaderboard"][0]
    res = execute(plan_tournament([tiny], ["boulware", "conceder"], timing=True), tmp_path / "w")
    table = read_results(tmp_path / "w")
    secs = table.column("wall_seconds").to_pylist()
    assert len(secs) == 4 and all(0.0 < s < 10.0 for s in secs)
    assert all(r["mean_wall_seconds"] > 0 for r in res["leaderboard"])
    # Timing changes nothing else: the other columns equal the untimed run's.
    assert table.drop(["wall_seconds"]).equals(read_results(tmp_path / "u"))


def test_cli_steps_scoring_and_timing(tiny, tmp_path):
    import json
    import subprocess
    import sys

    def accord(*args):
        return subprocess.run(
            [sys.executable, "-m", "accord", *map(str, args)], capture_output=True, text=True, timeout=300
        )

    p = accord(
        "tournament", tiny, "-n", "hardliner,conceder,walk_away", "--steps", 5, "--out", tmp_path / "c",
        "--workers", 1, "--json", "--quiet",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    score, _ = hand_scores()
    assert doc["scoring"] == "anac"
    assert {r["negotiator"]: round(r["score"], 12) for r in doc["leaderboard"]} == {
        k: round(v, 12) for k, v in score.items()
    }
    assert all(r["mean_wall_seconds"] > 0 for r in doc["leaderboard"])  # timing is on by default
    bad = accord("tournament", tiny, "-n", "boulware", "--scoring", "genius", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "--scoring" in bad.stderr and "Traceback" not in bad.stderr
    bad = accord("tournament", tiny, "-n", "boulware", "--steps", 0, "--out", tmp_path / "y")
    assert bad.returncode == 2 and "--steps" in bad.stderr and "Traceback" not in bad.stderr


def test_report_tournament_section_shows_the_scoring_and_the_time(tiny, tmp_path):
    from accord.report import build_report

    execute(plan_tournament([tiny], POOL, timing=True), tmp_path / "r")
    html = build_report(tmp_path / "r").read_text(encoding="utf-8")
    section = html[html.index('id="tournament"') :]
    assert "ANAC scoring: mean discounted utility" in section
    assert "mean_wall_seconds" in section and "mean_discounted_utility" in section
    score, _ = hand_scores()
    assert f"{score['conceder']:.4f}"[:5] in section  # the winner's score is in the table
