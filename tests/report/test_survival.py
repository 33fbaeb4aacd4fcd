"""The report's survival of implemented deals: a completed deal is censored at its last step, a broken one
fails in the step it broke; checked against Kaplan-Meier computed by hand and against the engine."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from accord.experiments.executors import InProcess
from accord.experiments.plans import plan_montecarlo
from accord.experiments.runner import execute
from accord.experiments.store import RunStore
from accord.report.sections import implementation_durations
from accord.report.survival import kaplan_meier

from .conftest import HANOI


def _table(steps, completed):
    n = len(steps)
    return pa.table({"agreement": [True] * n, "impl.steps_completed": steps, "impl.completed": completed})


def test_four_step_deal_with_nine_in_ten_completed():
    # by hand: 10 at risk; one breaks in step 2 -> S(2) = 9/10; nine censored at step 4 -> S(4) = 0.9
    t = _table([2.0] + [4.0] * 9, [False] + [True] * 9)
    d, e = implementation_durations(t)
    times, s, _, _ = kaplan_meier(d, e)
    assert times.tolist() == [0.0, 2.0, 4.0] and np.allclose(s, [1.0, 0.9, 0.9])


def test_breakdowns_in_the_last_step_tie_with_the_completed():
    # by hand: 200 at risk at step 5 (the 198 censored there are still at risk): S(5) = 1 - 2/200
    t = _table([5.0] * 200, [False, False] + [True] * 198)
    times, s, _, _ = kaplan_meier(*implementation_durations(t))
    assert times.tolist() == [0.0, 5.0] and s[-1] == pytest.approx(0.99)


def test_censoring_before_a_later_breakdown():
    # by hand: steps (1 broke, 2 censored, 3 broke, 3 censored, 3 censored): S(1) = 4/5; at step 3 three at
    # risk, one breaks: S(3) = 4/5 * 2/3
    t = _table([1.0, 2.0, 3.0, 3.0, 3.0], [False, True, False, True, True])
    times, s, _, _ = kaplan_meier(*implementation_durations(t))
    assert times.tolist() == [0.0, 1.0, 3.0] and np.allclose(s, [1.0, 0.8, 0.8 * 2 / 3])


def test_hanoi_survival_per_variant_ends_at_the_completed_share(tmp_path):
    """Every deal of a variant has the same schedule, so S(last step) is its completed share, never 0."""
    run = tmp_path / "mc"
    execute(plan_montecarlo(HANOI, 40, seed=5, variants=["base", "phased_verified"]), run, InProcess())
    res = RunStore(run).read()
    names = np.asarray(res.column("variant").to_pylist())
    broke = 0
    for v in ("base", "phased_verified"):
        sub = res.filter(pa.array(names == v))
        d, e = implementation_durations(sub)
        assert d.size and d.max() == 5  # five steps in both schedules
        times, s, _, _ = kaplan_meier(d, e)
        broke += int(e.sum())
        assert times[-1] == 5 and s[-1] == pytest.approx(1 - e.mean()) and s[-1] > 0
        for k in range(1, 6):  # no censoring before the end: S(k) is the share not broken by step k
            at = s[np.searchsorted(times, k, side="right") - 1]
            assert at == pytest.approx(1 - np.mean(e & (d <= k)))
    assert broke  # some deal broke down (in step 5: the case the old curve sent to 0 at step 6)
