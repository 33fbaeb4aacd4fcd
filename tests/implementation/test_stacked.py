"""Stacked implementations: rows of many runs in one call give, bit for bit, what each run gives alone.

The reference is the single-run evaluator (``simulate``/``expected`` with ``cis[r]`` on run r's rows alone,
which is checked elsewhere against closed forms and sampling). Run numbers are drawn two ways: through the
Monte Carlo machinery (Hanoi's uncertain numbers drawn per seed, documents rebuilt), and by redrawing every
number the engine reads on the structures of the scenario library (rates and probabilities hit 0 and 1 often,
so runs of one call branch differently in the exact evaluator).
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from accord.experiments.params import find_uncertain, sample
from accord.implementation import engine
from accord.implementation.compliance import CONDITIONAL, OPPORTUNIST, RANDOM
from accord.implementation.engine import OUTCOME_ARRAYS, draw_count, expected, simulate
from accord.implementation.schedule import (
    CompiledImplementation,
    StackedImplementation,
    stack_implementations,
)
from accord.io.talks import load_talks, talks_from_document
from accord.io.yaml_scenario import read_document
from accord.model.beliefs import Signal, world_weights
from accord.protocols.talks import compiled

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scenarios"
HANOI = LIB / "hanoi-2019.yaml"
#: Library scenarios with an implementation block (a file, a variant whose schedule differs).
STRUCTURES = [
    ("agreed-framework-1994.yaml", None),
    ("hanoi-2019.yaml", None),
    ("hanoi-2019.yaml", "big_bargain"),
    ("jcpoa-2015.yaml", None),
    ("leap-day-2012.yaml", None),
    ("singapore-2018.yaml", None),
    ("six-party-2007.yaml", None),
]
FIELDS = (*OUTCOME_ARRAYS, "beliefs")


def _impl(name: str, variant: str | None) -> CompiledImplementation:
    ci = compiled(load_talks(LIB / name, variant)).impl
    assert ci is not None
    return ci


def _unit(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Probabilities in [0, 1], exactly 0 or 1 a quarter of the time each."""
    u = rng.random(shape)
    pick = rng.random(shape)
    return np.where(pick < 0.25, 0.0, np.where(pick < 0.5, 1.0, u))


def _redrawn(ci: CompiledImplementation, rng: np.random.Generator) -> CompiledImplementation:
    """``ci`` with every number the engine reads drawn afresh; the structure is kept."""
    U = ci.worlds.utilities + rng.normal(0.0, 0.2, ci.worlds.utilities.shape)
    priv = ci.private
    if priv is not None:
        priv = replace(
            priv,
            signals=tuple(
                replace(sg, p_true=float(rng.random()), p_false=float(rng.random()))
                if sg.kind == "inspection"
                else sg
                for sg in priv.signals
            ),
        )
    return replace(
        ci,
        worlds=replace(ci.worlds, utilities=U),
        insp_rate=_unit(rng, ci.insp_rate.shape),
        act_detect=_unit(rng, ci.act_detect.shape),
        inspection_cost=float(rng.uniform(0.0, 0.05)),
        nuisance_cost=float(rng.uniform(0.0, 0.05)),
        compliance_p=rng.random(ci.compliance_p.shape),
        comp_share=rng.uniform(0.0, 0.6, ci.comp_share.shape),
        private=priv,
    )


def _with_structure(ci: CompiledImplementation, codes: list[int] | None) -> CompiledImplementation:
    """``ci`` with other compliance codes, and an inspection signal about every fact observed by party 0
    (the US in most scenarios) where the scenario declares facts but no inspection signal."""
    if codes is not None:
        ci = replace(ci, compliance=np.array(codes, dtype=np.int64))
    if ci.private is not None and ci.private.facts and not ci.inspection_signals():
        inspected = ci.party_names[ci.threat_party if ci.threat_party >= 0 else 1]
        extra = tuple(
            Signal(f.name, ci.party_names[0], inspected, "inspection", 0.4, 0.05) for f in ci.private.facts
        )
        ci = replace(ci, private=replace(ci.private, signals=ci.private.signals + extra))
    return ci


def _family(ci: CompiledImplementation, runs: int, seed: int) -> list[CompiledImplementation]:
    rng = np.random.default_rng(seed)
    return [ci] + [_redrawn(ci, rng) for _ in range(runs - 1)]


def _rows(ci: CompiledImplementation, per_run: int, R: int, rng: np.random.Generator):
    """Rows of every run: agreements across the space (the status quo, where nothing happens, included),
    every world, random decision weights and beliefs; runs interleaved at random."""
    n, W, P, F = ci.scenario.space.size, ci.worlds.n_worlds, ci.n_parties, len(ci.fact_names)
    sq = int(ci.encode(ci.sq[None, :])[0])
    ag, wd = [], []
    for _ in range(R):
        if n * W <= per_run:
            a, w = np.tile(np.arange(n), W), np.repeat(np.arange(W), n)
        else:
            a, w = rng.integers(0, n, per_run), rng.integers(0, W, per_run)
            a[:W], w[:W] = sq, np.arange(W)
        ag.append(a)
        wd.append(w)
    run = np.concatenate([np.full(a.size, r) for r, a in enumerate(ag)])
    order = rng.permutation(run.size)
    ag_all, wd_all, run = np.concatenate(ag)[order], np.concatenate(wd)[order], run[order]
    beliefs = rng.random((run.size, P, F))
    beliefs[rng.random(run.size) < 0.2] = 0.5
    return ag_all, wd_all, run, beliefs


def _assert_rows_equal(stacked, alone, rows: np.ndarray, what: str) -> None:
    for f in FIELDS:
        a, b = getattr(stacked, f), getattr(alone, f)
        if a is None or b is None:
            assert a is None and b is None, f
            continue
        assert np.array_equal(a[rows], b, equal_nan=True), f"{what}: field {f} differs"


def _check_expected(cis: list[CompiledImplementation], ag, wd, run, beliefs) -> None:
    st = stack_implementations(cis)
    wts = world_weights(beliefs)
    out = expected(st, ag, wd, wts, runs=run)
    for r, ci in enumerate(cis):
        rows = np.flatnonzero(run == r)
        alone = expected(ci, ag[rows], wd[rows], wts[rows])
        _assert_rows_equal(out, alone, rows, f"expected, run {r}")


def _check_simulate(cis: list[CompiledImplementation], ag, wd, run, beliefs, seed: int) -> None:
    st = stack_implementations(cis)
    draws = np.random.default_rng(seed).random((ag.size, draw_count(st)))
    wts = world_weights(beliefs)
    out = simulate(st, ag, wd, wts, beliefs=beliefs, draws=draws, runs=run)
    for r, ci in enumerate(cis):
        rows = np.flatnonzero(run == r)
        alone = simulate(ci, ag[rows], wd[rows], wts[rows], beliefs=beliefs[rows], draws=draws[rows])
        _assert_rows_equal(out, alone, rows, f"simulate, run {r}")


# ------------------------------------------------------------------------------- Monte Carlo draws


@pytest.fixture(scope="module")
def hanoi_runs() -> list[CompiledImplementation]:
    """Hanoi's implementation for six seeds of ``accord montecarlo``'s draws (documents rebuilt per run)."""
    doc = read_document(HANOI)
    unc = find_uncertain(doc, str(HANOI))
    out = []
    for seed in range(6):
        d, _ = sample(doc, unc, seed)
        ci = compiled(talks_from_document(d, str(HANOI))).impl
        assert ci is not None
        out.append(ci)
    return out


def test_hanoi_draws_differ_in_the_numbers_the_engine_reads(hanoi_runs):
    a, b = hanoi_runs[0], hanoi_runs[1]
    assert not np.array_equal(a.worlds.utilities, b.worlds.utilities)
    assert not np.array_equal(a.insp_rate, b.insp_rate)
    assert not np.array_equal(a.act_detect, b.act_detect)
    st = stack_implementations(hanoi_runs)
    assert st.params.utilities.shape == (6, *a.worlds.utilities.shape)
    assert st.params.insp_rate.shape == (6, *a.insp_rate.shape)
    assert np.array_equal(st.params.act_detect[1], b.act_detect)


def test_hanoi_expected_over_every_outcome_and_world(hanoi_runs):
    ci = hanoi_runs[0]
    ag, wd, run, beliefs = _rows(ci, 10**6, len(hanoi_runs), np.random.default_rng(1))
    _check_expected(hanoi_runs, ag, wd, run, beliefs)


def test_hanoi_simulation_with_draws(hanoi_runs):
    ci = hanoi_runs[0]
    ag, wd, run, beliefs = _rows(ci, 800, len(hanoi_runs), np.random.default_rng(2))
    _check_simulate(hanoi_runs, ag, wd, run, beliefs, seed=3)


@pytest.mark.parametrize(
    ("name", "variant", "per_run"), [("hanoi-2019.yaml", None, 4), ("six-party-2007.yaml", None, 300)]
)
def test_a_large_stacked_call_is_evaluated_in_parts_of_whole_runs(monkeypatch, name, variant, per_run):
    """Parts of whole runs (of unequal size, interleaved) give what each run gives alone. With a few rows per
    run, a run cut in two would branch differently (whether the threat party's inspection matters is decided
    over the run's rows in a node)."""
    cis = _family(_impl(name, variant), 24, seed=15)
    rng = np.random.default_rng(14)
    ag, wd, run, beliefs = _rows(cis[0], per_run, len(cis), rng)
    drop = rng.random(run.size) < np.where(run % 2 == 0, 0.5, 0.0)  # even runs keep about half their rows
    drop[np.unique(run, return_index=True)[1]] = False
    ag, wd, run, beliefs = ag[~drop], wd[~drop], run[~drop], beliefs[~drop]
    monkeypatch.setattr(engine, "EXPECTED_PART_ROWS", 2 * per_run + 1)
    parts = engine._parts(run, len(cis))
    assert len(parts) > 2 and sorted(np.concatenate(parts).tolist()) == list(range(run.size))
    seen = [set(run[rows].tolist()) for rows in parts]
    assert sum(len(x) for x in seen) == len(set().union(*seen)) == len(cis)  # no run in two parts
    _check_expected(cis, ag, wd, run, beliefs)


def test_hanoi_inspections_update_beliefs_with_each_runs_likelihoods(hanoi_runs):
    """The same rows under two runs that differ only in the inspection signal's likelihoods: beliefs move
    differently, and each run's rows are what that run alone gives."""
    ci = hanoi_runs[0]
    strong = replace(
        ci.private,
        signals=tuple(replace(s, p_true=0.9) if s.kind == "inspection" else s for s in ci.private.signals),
    )
    assert strong != ci.private
    cis = [ci, replace(ci, private=strong)]
    ag, wd, run, beliefs = _rows(ci, 600, 2, np.random.default_rng(4))
    _check_simulate(cis, ag, wd, run, beliefs, seed=5)
    st = stack_implementations(cis)
    draws = np.random.default_rng(5).random((ag.size, draw_count(ci)))
    wts = world_weights(beliefs)
    zero, one = np.zeros(ag.size, dtype=np.int64), np.ones(ag.size, dtype=np.int64)
    b0 = simulate(st, ag, wd, wts, beliefs=beliefs, draws=draws, runs=zero).beliefs
    b1 = simulate(st, ag, wd, wts, beliefs=beliefs, draws=draws, runs=one).beliefs
    moved = (b0 != beliefs).any(axis=(1, 2))
    assert moved.any() and (b0[moved] != b1[moved]).any(axis=(1, 2)).all()
    assert np.array_equal(b0[~moved], b1[~moved])


# -------------------------------------------------------------------------- the scenario library


def _compliance(codes: str, P: int) -> list[int] | None:
    """Compliance codes of the P parties for a test case (None: as the scenario declares them)."""
    return {
        "as_declared": None,
        "opportunists": [OPPORTUNIST] * P,
        "random": [RANDOM] * P,
        "conditional": [OPPORTUNIST] + [CONDITIONAL] * (P - 1),
    }[codes]


@pytest.mark.parametrize(("name", "variant"), STRUCTURES)
@pytest.mark.parametrize("codes", ["as_declared", "opportunists", "conditional"])
def test_library_expected_rows_equal_their_runs_alone(name, variant, codes):
    ci = _impl(name, variant)
    ci = _with_structure(ci, _compliance(codes, ci.n_parties))
    cis = _family(ci, 5, seed=zlib.crc32(f"{name} {variant} {codes}".encode()))
    ag, wd, run, beliefs = _rows(ci, 700, len(cis), np.random.default_rng(6))
    _check_expected(cis, ag, wd, run, beliefs)


@pytest.mark.parametrize(("name", "variant"), STRUCTURES)
@pytest.mark.parametrize("codes", ["as_declared", "random", "conditional"])
def test_library_simulation_rows_equal_their_runs_alone(name, variant, codes):
    ci = _impl(name, variant)
    ci = _with_structure(ci, _compliance(codes, ci.n_parties))
    cis = _family(ci, 5, seed=7)
    ag, wd, run, beliefs = _rows(ci, 500, len(cis), np.random.default_rng(8))
    _check_simulate(cis, ag, wd, run, beliefs, seed=9)


def test_one_run_stacked_is_the_run_itself():
    ci = _impl("six-party-2007.yaml", None)
    ag, wd, _, beliefs = _rows(ci, 400, 1, np.random.default_rng(10))
    wts = world_weights(beliefs)
    one = stack_implementations([ci])
    _assert_rows_equal(
        expected(one, ag, wd, wts, runs=np.zeros(ag.size, dtype=np.int64)),
        expected(ci, ag, wd, wts),
        np.arange(ag.size),
        "expected",
    )


def _fails(call, monkeypatch, limit: int) -> bool:
    monkeypatch.setattr(engine, "MAX_NODES", limit)
    try:
        call()
    except ValueError as exc:
        assert "branches too much" in str(exc)
        return True
    return False


def _nodes(call, monkeypatch) -> int:
    """The nodes a call visits: the least guard it passes (bisection)."""
    lo, hi = 0, 1
    while _fails(call, monkeypatch, hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _fails(call, monkeypatch, mid) else (lo, mid)
    return hi


def test_node_guard_counts_per_run(monkeypatch):
    """The guard bounds each run's nodes: a stacked call passes with the largest count of a run alone and
    fails one below it, although the stacked tree has more nodes than any run's."""
    ci = _with_structure(_impl("six-party-2007.yaml", None), [OPPORTUNIST, CONDITIONAL, CONDITIONAL])
    cis = _family(ci, 4, seed=11)
    ag, wd, run, beliefs = _rows(ci, 300, len(cis), np.random.default_rng(12))
    wts = world_weights(beliefs)
    alone = []
    for r, c in enumerate(cis):
        rows = np.flatnonzero(run == r)
        alone.append(_nodes(lambda c=c, rows=rows: expected(c, ag[rows], wd[rows], wts[rows]), monkeypatch))
    st = stack_implementations(cis)

    def stacked() -> None:
        expected(st, ag, wd, wts, runs=run)

    most = max(alone)
    assert not _fails(stacked, monkeypatch, most)
    assert _fails(stacked, monkeypatch, most - 1)
    # the runs branch differently, so the stacked tree is larger than any run's: count its nodes (every node
    # but the root is entered after applying the detections of its branch)
    monkeypatch.setattr(engine, "MAX_NODES", 10**6)
    entered = []
    real = engine._apply_detection
    monkeypatch.setattr(engine, "_apply_detection", lambda *a: entered.append(1) or real(*a))
    for r, c in enumerate(cis):
        rows = np.flatnonzero(run == r)
        entered.clear()
        expected(c, ag[rows], wd[rows], wts[rows])
        assert 1 + len(entered) == alone[r]
    entered.clear()
    stacked()
    assert 1 + len(entered) > most


# ------------------------------------------------------------------------------------ bad input


def test_structures_that_differ_are_named():
    ci = _impl("hanoi-2019.yaml", None)
    with pytest.raises(ValueError, match="run 1 differs from run 0 in step_names"):
        stack_implementations([ci, _impl("hanoi-2019.yaml", "big_bargain")])
    with pytest.raises(ValueError, match="run 2 differs from run 0 in compliance"):
        stack_implementations([ci, ci, replace(ci, compliance=np.array([OPPORTUNIST, OPPORTUNIST]))])
    with pytest.raises(ValueError, match="on_detection"):
        stack_implementations([ci, replace(ci, on_detection=ci.on_detection[::-1].copy())])
    with pytest.raises(ValueError, match="inspection signals"):
        stack_implementations([ci, replace(ci, private=replace(ci.private, signals=()))])
    with pytest.raises(ValueError, match="at least one"):
        stack_implementations([])


def test_runs_are_checked():
    ci = _impl("leap-day-2012.yaml", None)
    st = stack_implementations(_family(ci, 3, seed=13))
    assert isinstance(st, StackedImplementation) and st.n_runs == 3
    ag = np.zeros(4, dtype=np.int64)
    wd = np.zeros(4, dtype=np.int64)
    wts = np.full((4, ci.n_parties, ci.worlds.n_worlds), 0.5)
    with pytest.raises(ValueError, match="needs runs="):
        expected(st, ag, wd, wts)
    with pytest.raises(ValueError, match=r"lie in \[0, 3\)"):
        expected(st, ag, wd, wts, runs=np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="one integer per row"):
        simulate(st, ag, wd, wts, rng=np.random.default_rng(0), runs=np.array([0, 1]))
    with pytest.raises(AttributeError, match="per-run numbers are in .params"):
        _ = st.insp_rate
    assert st.n_steps == ci.n_steps and draw_count(st) == draw_count(ci)
