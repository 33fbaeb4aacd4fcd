"""Many runs of staged talks at once, in lockstep, as arrays over runs.

:func:`accord.protocols.tracks.run_talks` plays one run's stages turn by turn in Python, with negotiator
objects. A Monte Carlo study of a scenario like Hanoi runs it thousands of times, each run with its own
drawn numbers (weights, scores, beliefs, likelihoods, rounds, stakes, inspection rates), so nothing can be
shared between runs but the *structure*: the outcome space, the stages, their agendas and roles, the
strategies, the expressions. This module runs every run of one structure together: the rules of
:mod:`accord.protocols.stage_rules` (the stage's values, what it carries, when it ends the talks, written
once with a run axis for both engines) get R rows, and the protocol kernel plays each stage for all runs
at once, with the staged strategies of :mod:`accord.strategies.belief_based` (envoy, leader, walk_away)
as array policies (:mod:`accord.protocols.lockstep_turns`).

The strategies' decisions are the one part written twice (objects and arrays), kept for speed, like
:mod:`accord.protocols.batch` for the time-dependent strategies: every decision follows the strategies' code rule by rule (targets in Python
floats, the tolerance of :class:`~accord.strategies.base.TargetIndex`, ties by utility then index, the
trade-off's city-block similarity added issue by issue), and the results are identical to
:func:`~accord.protocols.talks.run_batch` run by run (tests/talks/test_lockstep.py compares every field).
Scenarios whose stages use any other strategy are left to the run-by-run engine (:func:`supported`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.implementation.compliance import RANDOM, parse_compliance
from accord.model.beliefs import bayes, world_index, world_weights
from accord.model.seeding import facts_rng
from accord.model.talks import TalksScenario
from accord.protocols.lockstep_turns import (
    _END_NAMES,
    _STAGED,
    _WALK,
    _Cols,
    _Kind,
    _negotiate,
    _Party,
    _StageRun,
    order_keys,
)
from accord.protocols.stage_rules import carry, ends_talks, final_positions, stage_values
from accord.protocols.tracks import (
    DEFAULT_STRATEGY,
    StageOutcome,
    TalksResult,
    make_negotiator,
    world_sum,
    world_sum_pointwise,
)
from accord.strategies.belief_based import Envoy, Leader, WalkAway, city_block

__all__ = ["supported", "structure_key", "run_lockstep"]


@functools.lru_cache(maxsize=256)
def _kind_of(spec: str) -> _Kind | None:
    try:
        neg = make_negotiator(spec)
    except Exception:  # noqa: BLE001 - an unknown spec is reported by the run-by-run engine
        return None
    t = type(neg)
    if t is WalkAway:
        return _Kind(_WALK)
    if t is Envoy or t is Leader:
        return _Kind(_STAGED, float(neg.e), bool(neg.tradeoff), bool(neg.walks))  # type: ignore[attr-defined]
    return None


def _spec(stage: Any, name: str) -> str:
    return stage.strategies.get(name) or DEFAULT_STRATEGY[stage.roles.get(name, "leader")]


def supported(ts: TalksScenario) -> bool:
    """True if every stage's negotiators are strategies the lockstep engine plays (envoy, leader, walk_away)."""
    if not ts.stages:
        return False
    names = ts.party_names
    if any(_kind_of(_spec(st, n)) is None for st in ts.stages for n in names):
        return False
    impl = ts.implementation
    # random compliance draws per run in run_batch; it is kept there
    return impl is None or all(parse_compliance(c)[0] != RANDOM for c in impl.compliance.values())


def _text(x: Any) -> str | None:
    return None if x is None else x.text


def structure_key(ts: TalksScenario) -> tuple:
    """What runs must share to run in lockstep: everything but the numbers."""
    stages = tuple(
        (
            st.name,
            tuple(sorted(st.roles.items())),
            tuple(_spec(st, n) for n in ts.party_names),
            st.agenda,
            st.settle,
            st.narrow,
            _text(st.table),
            st.opener,
            st.valuation,
            tuple(
                sorted(
                    (k, tuple(c.text for c in m.constraints), m.min_utility is None)
                    for k, m in st.mandates.items()
                )
            ),
            tuple(sorted((k, _text(s.public_demand), bool(s.audience_cost)) for k, s in st.stakes.items())),
        )
        for st in ts.stages
    )
    pv = ts.private
    facts = tuple((f.name, f.true_value is None, tuple(sorted(f.beliefs))) for f in pv.facts)
    signals = tuple((s.kind, s.observer, s.sender, s.fact, _text(s.condition)) for s in pv.signals)
    demands = tuple((d.party, d.fact, _text(d.require)) for d in pv.demands)
    sp = ts.scenario.space
    space = tuple((iss.name, iss.kind, iss.ordered, tuple(map(str, iss.values))) for iss in sp.issues)
    return (space, ts.party_names, stages, facts, signals, demands, ts.implementation is None)


# ------------------------------------------------------------------------------------------- the runs


#: Largest space whose outcome-to-outcome distance table is kept (n^2 floats); larger spaces compute rows.
_TABLE_MAX = 3000
_TABLES: dict[tuple[int, ...], np.ndarray] = {}


class _Runs:
    """Per-run numbers of R runs of one structure, and the structure's shared arrays."""

    def __init__(self, tss: Sequence[TalksScenario], worlds: tuple[np.ndarray, np.ndarray, np.ndarray]):
        ts0 = tss[0]
        self.tss = tss
        self.ts0 = ts0
        self.R = len(tss)
        self.names = ts0.party_names
        self.P = len(self.names)
        sp = ts0.scenario.space
        self.space = sp
        n = sp.size
        self.n = n
        self.digit_list = sp.digits(np.arange(n, dtype=np.int64))
        self.digits = np.stack(self.digit_list, axis=1)
        self.spans = np.maximum(sp.cards - 1, 1).astype(np.float64)
        self.table_key = tuple(int(c) for c in sp.cards)
        self.U, self.A, self.res = worlds  # (R, P, W, n), (R, P, W, n) bool, (R, P)
        self.W = self.U.shape[2]
        self._masks: dict[str, np.ndarray] = {}
        pv = ts0.private
        self.F = len(pv.facts)
        # offer signals: (observer, sender, fact, condition mask, p_true (R,), p_false (R,))
        self.signals = []
        self.seeds: list[int] = []  # each run's seed (set by run_lockstep): its stages' breakdown draws
        for k, sg in enumerate(pv.signals):
            if sg.kind == "offer" and sg.condition is not None:
                pt = np.array([t.private.signals[k].p_true for t in tss], dtype=np.float64)
                pf = np.array([t.private.signals[k].p_false for t in tss], dtype=np.float64)
                self.signals.append(
                    (
                        self.names.index(sg.observer),
                        self.names.index(sg.sender),
                        pv.fact_index(sg.fact),
                        self.mask(sg.condition),
                        pt,
                        pf,
                    )
                )
        self.demands = [
            (
                self.names.index(d.party),
                pv.fact_index(d.fact),
                np.array([t.private.demands[k].above for t in tss], dtype=np.float64),
                self.mask(d.require),
            )
            for k, d in enumerate(pv.demands)
        ]

    def nearness(self, cols: np.ndarray | None) -> Any:
        """A function of offers giving, for each offer, the outcomes ``cols`` (all if None) ordered by how
        close they are to it: the bitwise complement of the order keys of their trade-off distance
        (:func:`city_block`, the same floats as the strategies compute one offer at a time)."""
        if self.n > _TABLE_MAX:

            def rows(offers: np.ndarray) -> np.ndarray:
                d = self.digits if cols is None else self.digits[cols]
                return ~order_keys(city_block(d[None, :, :], self.digits[offers][:, None, :], self.spans))

            return rows
        tab = _TABLES.get(self.table_key)
        if tab is None:
            tab = ~order_keys(city_block(self.digits[None, :, :], self.digits[:, None, :], self.spans))
            if len(_TABLES) > 4:
                _TABLES.clear()
            _TABLES[self.table_key] = tab
        if cols is not None:
            tab = tab[:, cols]
        return tab.__getitem__

    def mask(self, expr: Any) -> np.ndarray:
        key = expr.text
        if key not in self._masks:
            self._masks[key] = np.broadcast_to(expr.evaluate_digits(self.digit_list, {}), (self.n,))
        return self._masks[key]

    def likelihoods(self, i: int, j: int, here: np.ndarray) -> _Likelihood | None:
        """What party i learns from party j's positions on the outcomes ``here`` (per run), or None if no
        signal of j to i exists (CompiledTalks.likelihoods run by run, evaluated lazily at outcomes)."""
        sigs = [s for s in self.signals if s[0] == i and s[1] == j]
        if not sigs:
            return None
        R = here.shape[0]
        has = np.zeros(R, dtype=bool)
        used = []
        for _, _, f, m, pt, pf in sigs:
            inf = (here & m).any(axis=1) & (here & ~m).any(axis=1)
            if inf.any():
                has |= inf
                used.append((f, m, inf, pt, pf))
        return _Likelihood(has, used, self.F)


class _Likelihood:
    """Per run, the likelihoods of a sender's position under each fact true / false, at given outcomes.

    ``lt[f]`` is the product of ``p_true`` (where the signal's condition holds at the outcome) or ``1 -
    p_true`` over the signals about fact f that are informative for the run (the others multiply by 1.0,
    which changes no float); ``has`` marks the runs with any informative signal.
    """

    def __init__(self, has: np.ndarray, used: list, F: int) -> None:
        self.has = has
        self.used = used
        self.F = F

    def at(self, rows: np.ndarray, outcomes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lt, lf), each (len(rows), F), for run ``rows[k]`` at outcome ``outcomes[k]``."""
        lt = np.ones((rows.size, self.F))
        lf = np.ones((rows.size, self.F))
        for f, m, inf, pt, pf in self.used:
            on = m[outcomes]
            use = inf[rows]
            t, q = pt[rows], pf[rows]
            lt[:, f] *= np.where(use, np.where(on, t, 1.0 - t), 1.0)
            lf[:, f] *= np.where(use, np.where(on, q, 1.0 - q), 1.0)
        return lt, lf


class _Response:
    """A party's value of an offer from one sender, with its belief conditioned on the offer (Bayes' rule):
    ``Σ_w P(w | offer) · V[w, offer] + bonus[offer]``, as tracks._stage_arrays computes it for every outcome."""

    def __init__(self, lik: _Likelihood, prior: np.ndarray, V: np.ndarray, bonus: np.ndarray) -> None:
        self.lik = lik
        self.prior = prior  # (R, F)
        self.V = V  # (R, W, c): the stage's columns
        self.bonus = bonus  # (R, 1) or (R, c)

    @property
    def has(self) -> np.ndarray:
        return self.lik.has

    def at(self, rows: np.ndarray, offers: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Values of ``offers`` (outcome indices; ``cols`` their columns in the stage's arrays)."""
        lt, lf = self.lik.at(rows, offers)
        post = bayes(self.prior[rows], lt, lf)  # (m, F)
        pw = world_weights(post)  # (m, W)
        out = world_sum_pointwise(pw, self.V[rows, :, cols].T)
        b = self.bonus
        return out + (b[rows, 0] if b.shape[1] == 1 else b[rows, cols])


# ------------------------------------------------------------------------------------------- valuation


def _valuation(
    runs: _Runs, stage: Any, beliefs: np.ndarray, here: np.ndarray, impl: Any, cols: np.ndarray | None
) -> np.ndarray:
    """(R, P, W, c) values per run on the columns ``cols`` (all if None): nominal, or implemented on the
    outcomes ``here``."""
    if stage.valuation == "nominal" or impl is None:
        return runs.U if cols is None else runs.U[..., cols]
    return impl.values(beliefs, here, cols)


def _stage_arrays(
    runs: _Runs, s: int, here: np.ndarray, beliefs: np.ndarray, impl: Any, liks: dict, cols: np.ndarray | None
):
    """Utilities (R, P, c), acceptability, floors (R, P) and posterior-valued responses, for every run.

    ``cols`` (None: all) are the outcomes open in some run: nothing outside them can be offered or
    accepted, so the stage's arrays hold only those columns.
    """
    stage = runs.ts0.stages[s]
    tss = runs.tss
    R, P = runs.R, runs.P
    V = _valuation(runs, stage, beliefs, here, impl, cols)
    A = runs.A
    mask = runs.mask
    if cols is not None:
        A, here = A[..., cols], here[:, cols]

        def mask(e: Any) -> np.ndarray:
            return runs.mask(e)[cols]

    wts = world_weights(beliefs)  # (R, P, W)
    base = np.stack([world_sum(wts[:, i], V[:, i]) for i in range(P)], axis=1)  # (R, P, n)
    possible = wts > 0  # (R, P, W)
    robust = np.where(possible[..., None], A, True).all(axis=2)  # (R, P, n)
    demands = [(p, f, above, req if cols is None else req[cols]) for p, f, above, req in runs.demands]
    util, acc, res, bonuses = stage_values(
        [t.stages[s] for t in tss],
        runs.names,
        base,
        here[:, None, :] & robust,
        runs.res,
        beliefs,
        mask,
        demands,
    )
    resp: list[dict[int, _Response]] = []
    for i in range(P):
        r: dict[int, _Response] = {}
        bonus = bonuses[i]
        for j in range(P):
            if j == i:
                continue
            lik = liks.get((i, j))
            if lik is not None and lik.has.any():
                r[j] = _Response(lik, beliefs[:, i], V[:, i], np.broadcast_to(bonus, (R, bonus.shape[1])))
        resp.append(r)
    return util, acc, res, resp


# ------------------------------------------------------------------------------------------------ talks


def _carry(runs: _Runs, s: int, sr: _StageRun, here: np.ndarray, rows: np.ndarray):
    """Settle and narrow the agenda issues of ``rows`` (:func:`accord.protocols.stage_rules.carry`)."""
    return carry(runs.space, runs.digits, runs.ts0.stages[s], here, sr.agreed, sr.last, rows)


def run_lockstep(
    tss: Sequence[TalksScenario],
    seeds: Sequence[int],
    worlds: tuple[np.ndarray, np.ndarray, np.ndarray],
    impl: Any = None,
) -> tuple[list[TalksResult], np.ndarray]:
    """The talks of R runs of one structure (run r: scenario ``tss[r]``, seed ``seeds[r]``).

    ``worlds`` = (U (R, P, W, n), A (R, P, W, n), reservations (R, P)) as :func:`compile_worlds` gives them
    run by run; ``impl`` values implemented deals (see :class:`accord.protocols.talks`). Returns the
    :class:`TalksResult` of every run (stage traces are not kept) and the final beliefs (R, P, F).
    """
    runs = _Runs(tss, worlds)
    runs.seeds = list(seeds)
    R, P, n = runs.R, runs.P, runs.n
    ts0 = runs.ts0
    pv = ts0.private
    truths = []
    for t, s in zip(tss, seeds, strict=True):
        if pv.drawn:
            truths.append(t.private.draw_truth(facts_rng(s)))
        else:
            truths.append(t.private.draw_truth(None))
    world = np.array([world_index(tr) for tr in truths], dtype=np.int64)
    beliefs = np.stack([t.private.priors(runs.names, tr) for t, tr in zip(tss, truths, strict=True)])
    open_ = np.ones((R, n), dtype=bool)
    going = np.ones(R, dtype=bool)  # talks still on
    stages: list[list[StageOutcome]] = [[] for _ in range(R)]
    t_end_name: list[str | None] = [None] * R
    t_walker = np.full(R, -1, dtype=np.int64)
    t_agreed = np.full(R, -1, dtype=np.int64)
    t_rounds = np.zeros(R, dtype=np.int64)
    S = len(ts0.stages)
    for s, stage in enumerate(ts0.stages):
        final = s == S - 1
        here = open_ & runs.mask(stage.table)[None, :] if stage.table is not None else open_.copy()
        here &= going[:, None]
        some = here.any(axis=1)
        for r in np.flatnonzero(going & ~some).tolist():
            stages[r].append(StageOutcome(stage.name, "no_options", 0, None, None, {}, 0, beliefs[r].copy()))
            t_end_name[r] = "no_options"
        if final:
            going &= some
        act = going & some
        if not act.any():
            continue
        liks = {(i, j): runs.likelihoods(i, j, here) for i in range(P) for j in range(P) if i != j}
        open_cols = np.flatnonzero(here.any(axis=0))
        idx = None if open_cols.size > n // 2 else open_cols
        util, acc, res, resp = _stage_arrays(runs, s, here, beliefs, impl, liks, idx)
        cols = _Cols(runs, idx)
        parties = [
            _Party(_kind_of(_spec(stage, nm)), util[:, i], acc[:, i], res[:, i], resp[i], cols)  # type: ignore[arg-type]
            for i, nm in enumerate(runs.names)
        ]
        sr = _negotiate(runs, s, parties, act)
        t_rounds += np.where(act, sr.rounds, 0)
        before = beliefs.copy()
        rows = np.flatnonzero(act)
        for i in range(P):
            for j in range(P):
                if i == j:
                    continue
                lik = liks[(i, j)]
                if lik is None:
                    continue
                pos = final_positions(sr.agreed, sr.last, j)
                upd = act & lik.has & (pos >= 0)
                if not upd.any():
                    continue
                ur = np.flatnonzero(upd)
                lt, lf = lik.at(ur, pos[ur])
                beliefs[ur, i] = bayes(before[ur, i], lt, lf)
        names = runs.names
        bl = beliefs.copy()  # each stage outcome keeps a view of its run's row
        ends = [_END_NAMES[e] for e in sr.end.tolist()]
        agreed_l = [a if a >= 0 else None for a in sr.agreed.tolist()]
        walker_l = [names[w] if w >= 0 else None for w in sr.walker.tolist()]
        rounds_l = sr.rounds.tolist()
        if final:
            counts = here.sum(axis=1).tolist()
            for r in rows.tolist():
                e = ends[r]
                stages[r].append(
                    StageOutcome(stage.name, e, rounds_l[r], agreed_l[r], walker_l[r], {}, counts[r], bl[r])
                )
                t_end_name[r] = e
            t_walker[rows] = sr.walker[rows]
            t_agreed[rows] = sr.agreed[rows]
            break
        new, settled = _carry(runs, s, sr, here, rows)
        counts = new.sum(axis=1).tolist()
        for r in rows.tolist():
            stages[r].append(
                StageOutcome(
                    stage.name, ends[r], rounds_l[r], agreed_l[r], walker_l[r], settled[r], counts[r], bl[r]
                )
            )
        open_ = np.where(act[:, None], new, open_)
        walked, broke = ends_talks(stage, names, sr.end, sr.walker)
        lw = act & walked
        for r in np.flatnonzero(lw).tolist():
            t_end_name[r] = "walk_away"
            t_walker[r] = sr.walker[r]
        broke &= act  # the talks themselves break down
        for r in np.flatnonzero(broke).tolist():
            t_end_name[r] = "breakdown"
        going &= ~(lw | broke)
    out = []
    names = runs.names
    for ag, e, w, st, b, wd, rd in zip(
        t_agreed.tolist(),
        t_end_name,
        t_walker.tolist(),
        stages,
        beliefs,
        world.tolist(),
        t_rounds.tolist(),
        strict=True,
    ):
        ok = ag >= 0
        out.append(
            TalksResult(
                ok,
                ag if ok else None,
                "agreement" if ok else (e or "deadline"),
                names[w] if w >= 0 else None,
                st,
                b,
                wd,
                rd,
            )
        )
    return out, beliefs
