"""Many alternating-offers negotiations at once, as arrays.

:func:`run_alternating` plays one negotiation turn by turn in Python. For strategies whose decisions
depend only on the time and on their own utilities (the time-dependent family of
:mod:`accord.strategies.time_based`: Boulware, linear, conceder, hardliner, and ``time_based(e, k)``),
every offer a party would make in every round can be computed before the negotiation starts, and so can
its acceptance threshold. This module does that for a whole batch of negotiations with numpy:

1. utilities stacked as ``U[b, party, outcome]`` (one scenario per negotiation ``b``; linear-additive
   scenarios of one shape are evaluated together, with the same additions in the same order as
   :meth:`~accord.model.preferences.Preferences.evaluate_all`, so the floats are identical);
2. each party's outcomes sorted by utility, best first, ties by index (one integer sort per row of keys
   that pack the utility's order-preserving bits and the outcome index; see :func:`offers`);
3. each party's target in every round, ``p(t) = Pmin + (Pmax - Pmin)(1 - f(t))``, with ``f(t)``
   computed by :func:`~accord.strategies.time_based.concession` in Python floats once per strategy and
   round (numpy's ``power`` does not always round like Python's ``**``) and the rest as numpy arrays;
4. the offer in every round (the outcome with the smallest utility at or above the target, less
   :attr:`TargetIndex.TOLERANCE`; lowest index among ties; the best outcome if none reaches it), by
   binary search in the sorted rows, as :meth:`TargetIndex.at_or_above` answers it;
5. the negotiation itself: for two parties in closed form (the first acceptance in the sequence of turns,
   found with ``argmax``), for n parties turn by turn, vectorised over the batch.

The results are identical to :func:`run_alternating` with the same negotiators: agreement, outcome,
rounds, utilities, discounted utilities, end and time (``tests/protocols/test_batch.py`` checks this on
generated scenarios). Each :class:`Result` carries a lazy trace: reading it replays that one negotiation
with :func:`run_alternating` (same negotiators, same seed, so the same trace).

Spaces above :data:`MAX_OUTCOMES` are left to :func:`run_alternating`, whose lazily sorted bands beat a
full sort there, as are negotiations with any other strategy.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from accord.model.preferences import additive_sum
from accord.model.scenario import CompiledScenario, Scenario
from accord.model.seeding import breakdown_rng
from accord.model.space import _plain
from accord.protocols import kernel
from accord.protocols.alternating import Result, Trace, normalised_time, run_alternating, run_many
from accord.strategies.base import Negotiator, TargetIndex
from accord.strategies.time_based import TimeBased, concession

#: Largest outcome space the batch engine takes; larger ones run with :func:`run_alternating`.
MAX_OUTCOMES = 20_000
#: Rows x outcomes per chunk; the utilities and sort keys of a chunk (16 bytes each) stay allocated per thread.
CHUNK_ELEMENTS = 2_000_000


def schedule_of(neg: Negotiator) -> tuple[float, float] | None:
    """``(e, k)`` of a time-dependent negotiator the engine can batch, else None.

    Only :class:`TimeBased` itself qualifies: a subclass may override ``propose`` or ``respond``.
    """
    if type(neg) is TimeBased:
        return (neg.e, neg.k)
    return None


def batchable(negotiators: Sequence[Negotiator]) -> bool:
    """True if every negotiator's decisions can be computed by the batch engine."""
    return all(schedule_of(n) is not None for n in negotiators)


class LazyTrace(Trace):
    """A :class:`Trace` built on first use by replaying the negotiation with :func:`run_alternating`."""

    def __init__(self, replay: Callable[[], Trace]) -> None:  # noqa: D107 - no dataclass fields yet
        object.__setattr__(self, "_replay", replay)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_replay":
            raise AttributeError(name)
        full = self._replay()
        self.__dict__.update(full.__dict__)
        return getattr(full, name)

    def __repr__(self) -> str:
        return "LazyTrace(...)" if "action" not in self.__dict__ else super().__repr__()


# --------------------------------------------------------------------------------------- array engine


_GAINS: dict[tuple[tuple[tuple[float, float], ...], int], np.ndarray] = {}


def _gains(schedules: Sequence[tuple[float, float]], deadline: int) -> np.ndarray:
    """``1 - f(t_r)`` per schedule and round, in Python floats (as TimeBased.target computes it)."""
    key = (tuple(schedules), deadline)
    got = _GAINS.get(key)
    if got is None:
        got = np.empty((len(schedules), deadline), dtype=np.float64)
        times = [normalised_time(r, deadline) for r in range(deadline)]
        for i, (e, k) in enumerate(schedules):
            got[i] = [1.0 - concession(t, e, k) for t in times]
        got.setflags(write=False)
        if len(_GAINS) > 64:
            _GAINS.clear()
        _GAINS[key] = got
    return got


_SIGN = np.int64(0x7FFFFFFFFFFFFFFF)


def _keys(x: np.ndarray) -> np.ndarray:
    """Integers in the order of the floats ``x`` (no NaN, no -0.0: callers pass 0.0 - u or q + 0.0)."""
    bits = x.view(np.int64)
    k = bits >> 63
    k &= _SIGN
    k ^= bits
    return k


def _count_at_most(sneg: np.ndarray, q: np.ndarray, side: str = "right") -> np.ndarray:
    """Per row m and query r: how many of ``sneg[m]`` are <= q[m, r] (< with ``side="left"``)."""
    out = np.empty(q.shape, dtype=np.int64)
    for m in range(sneg.shape[0]):
        out[m] = sneg[m].searchsorted(q[m], side=side)  # type: ignore[call-overload]
    return out


def _positions_by_value(neg: np.ndarray, order: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Reference search on explicit sorted values (rows with ties or near-ties): TargetIndex.at_or_above."""
    sneg = np.take_along_axis(neg, order, axis=1)
    j = _count_at_most(sneg, q) - 1
    pos = np.maximum(j, 0)
    val = np.take_along_axis(sneg, pos, axis=1)
    first = _count_at_most(sneg, val, side="left")  # the first of equal utilities: the lowest index
    return np.where(j >= 0, first, 0)


#: Rows of the sort handled at once in :func:`offers`: its temporaries stay small (~100 kB each), so the
#: allocator reuses them instead of mapping fresh pages for every batch (page faults cost more than the
#: arithmetic here).
BLOCK_ELEMENTS = 12_288

_WORKSPACE = threading.local()


def _buffer(name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A per-thread array reused from call to call (at most CHUNK_ELEMENTS values; contents undefined).

    The batch's large arrays (stacked utilities, sort keys) would otherwise be fresh memory every call,
    and touching fresh pages costs more than the arithmetic done on them.
    """
    store = _WORKSPACE.__dict__.setdefault("arrays", {})
    size = int(np.prod(shape))
    buf = store.get(name)
    if buf is None or buf.size < size or buf.dtype != dtype:
        buf = np.empty(size, dtype=dtype)
        if size <= CHUNK_ELEMENTS:
            store[name] = buf
    return buf[:size].reshape(shape)


def offers(
    U: np.ndarray,
    acceptable: np.ndarray | None,
    reservations: np.ndarray,
    schedule: np.ndarray,
    gains: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every party's offer in every round and its own utility of it.

    ``U[b, p, ω]``; ``acceptable[b, p, ω]`` or None; ``reservations[b, p]``; ``schedule[b, p]`` a row of
    ``gains[s, r]`` (``1 - f(t_r)``). Returns ``offer[b, p, r]`` (outcome index) and ``own[b, p, r]``.

    Each party's outcomes are sorted by one integer sort per row: the key of an outcome holds the
    order-preserving bits of its negated utility, less the lowest ``s`` bits, and its index in those
    ``s`` bits, so equal utilities sort by index, as in a stable sort. Rows where two neighbours share the
    high bits (equal utilities, or utilities too close for the dropped bits) are re-sorted with a
    stable argsort and searched on their explicit values; the others are searched on the keys alone,
    with one exact comparison where the query shares the high bits of an outcome.
    """
    B, P, N = U.shape
    R = gains.shape[1]
    M = B * P
    Uf = U.reshape(M, N)
    Af = None if acceptable is None else acceptable.reshape(M, N)
    s = max(1, (N - 1).bit_length())
    low = np.int64((1 << s) - 1)
    index = np.arange(N, dtype=np.int64)
    packed = _buffer("keys", (M, N), np.int64)
    near = np.empty(M, dtype=bool)
    step = max(1, BLOCK_ELEMENTS // N)
    for a in range(0, M, step):  # the full-width work in blocks of rows (small temporaries)
        b = min(M, a + step)
        neg = _negated(Uf[a:b], None if Af is None else Af[a:b])
        bits = neg.view(np.int64)
        k = packed[a:b]
        np.right_shift(bits, 63, out=k)
        k &= _SIGN
        k ^= bits  # order-preserving integer keys of the negated utilities
        k &= ~low
        k |= index
        k.sort(axis=1)
        # Neighbours sharing the high bits: equal utilities, or utilities too close for the dropped bits.
        near[a:b] = ((k[:, 1:] ^ k[:, :-1]).view(np.uint64) <= np.uint64(low)).any(axis=1)
    special = np.flatnonzero(near)
    flat = Uf.reshape(-1)
    base = np.arange(M, dtype=np.int64) * N
    rows = np.arange(M)[:, None]
    ends = packed[:, [0, -1]] & low
    if special.size:
        neg_special = _negated(Uf[special], None if Af is None else Af[special])
        order_special = np.argsort(neg_special, axis=1, kind="stable")
        ends[special] = order_special[:, [0, -1]]
    best = flat[base + ends[:, 0]]
    if Af is None:
        worst = flat[base + ends[:, 1]]
    else:
        worst = np.where(Af, Uf, np.inf).min(axis=1)
    p_min = np.maximum(reservations.reshape(M), worst)
    target = p_min[:, None] + (best - p_min)[:, None] * gains[schedule.reshape(M)]
    q = -(target - TargetIndex.TOLERANCE)
    # Rows without near neighbours: count the keys whose high bits are at most the query's, then drop
    # the last one if it shares the query's high bits but its utility is below the target.
    qk = _keys(q + 0.0) | low  # + 0.0 turns -0.0 into 0.0
    count = np.empty((M, R), dtype=np.int64)
    for m in range(M):
        count[m] = packed[m].searchsorted(qk[m], side="right")
    last = packed[rows, np.maximum(count - 1, 0)]
    over = (count > 0) & ((last >> s) == (qk >> s)) & (-flat[base[:, None] + (last & low)] > q)
    count -= over
    count -= 1
    np.maximum(count, 0, out=count)
    offer = packed[rows, count] & low
    if special.size:
        pos = _positions_by_value(neg_special, order_special, q[special])
        offer[special] = np.take_along_axis(order_special, pos, axis=1)
    own = flat[base[:, None] + offer]
    return offer.reshape(B, P, R), own.reshape(B, P, R)


def _negated(U: np.ndarray, acceptable: np.ndarray | None) -> np.ndarray:
    """-U with +0.0 for a zero utility (equal values, equal keys); +inf where not acceptable."""
    neg = np.subtract(0.0, U)
    if acceptable is not None:
        neg[~acceptable] = np.inf  # excluded outcomes sort last and are never offered
    return neg


class _Scheduled:
    """A time-dependent party as a kernel policy: its offer and its acceptance threshold in every round were
    computed up front (:func:`offers`); it accepts an offer at least as good for it as its own offer of the
    round (and its reservation value), within its hard constraints, and never walks away."""

    def __init__(
        self,
        p: int,
        U: np.ndarray,
        acceptable: np.ndarray | None,
        reservations: np.ndarray,
        offer: np.ndarray,
        own: np.ndarray,
    ) -> None:
        self.U, self.acc = U[:, p], None if acceptable is None else acceptable[:, p]
        self.offer = offer[:, p]
        # u >= reservation and u >= own offer's utility, as one threshold per run and round
        self.threshold = np.maximum(own[:, p], reservations[:, p, None])

    trusted = True  # never walks away; its offers are indices of its run's space (kernel.turns)

    def respond(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        x = board.standing[rows]
        u = self.U[rows, x]
        ok = u >= self.threshold[rows, board.round]
        if self.acc is not None:
            ok &= self.acc[rows, x]
        return ok.view(np.int8)  # ACCEPT (1) or REJECT (0)

    def propose(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        return self.offer[rows, board.round]


def simulate(
    U: np.ndarray,
    acceptable: np.ndarray | None,
    reservations: np.ndarray,
    schedule: np.ndarray,
    gains: np.ndarray,
    opener: np.ndarray,
    breaks_at: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run a batch of negotiations between time-dependent negotiators on the kernel.

    Returns ``agreed[b]`` (the outcome index, -1 for none), ``last[b]`` (the last round played) and
    ``end[b]`` (:data:`accord.protocols.kernel.END_NAMES` codes). Time-dependent negotiators never walk
    away, so a negotiation without agreement ends at the deadline or in a breakdown.
    """
    B, P, N = U.shape
    R = gains.shape[1]
    offer, own = offers(U, acceptable, reservations, schedule, gains)
    board = kernel.Board(P, np.full(B, R, dtype=np.int64), N)
    policies = [_Scheduled(p, U, acceptable, reservations, offer, own) for p in range(P)]
    kernel.play(board, policies, opener, breaks_at=breaks_at)
    return board.agreed, board.rounds - 1, board.end


# ------------------------------------------------------------------------- scenarios in, results out


def _linear(sc: Scenario) -> bool:
    return all(not p.preferences.terms and not p.preferences.constraints for p in sc.parties)


def _stacked_utilities(scenarios: Sequence[Scenario], out: np.ndarray) -> None:
    """``out[b, p, ω]`` = utilities of linear-additive scenarios of one space shape, as ``evaluate_all``.

    Contributions ``w_i * s_i`` per issue, then ``u[i * card + v] = u_prev[i] + c[v]`` issue after issue:
    the same products and additions, in the same order, as the per-scenario path, so the same floats.
    """
    prefs = [p.preferences for sc in scenarios for p in sc.parties]
    rows = len(prefs)
    cards = [int(c) for c in scenarios[0].space.cards]
    W = np.concatenate([pr.weights for pr in prefs]).reshape(rows, len(cards))
    S = np.concatenate([x for pr in prefs for x in pr.scores]).reshape(rows, sum(cards))
    edges = np.cumsum([0, *cards])
    flat = out.reshape(rows, -1)
    additive_sum(W, [S[:, edges[j] : edges[j + 1]] for j in range(len(cards))], out=flat)
    if any(pr.cap is not None for pr in prefs):  # GENIUS's min(sum, 1), as Preferences.evaluate_all
        caps = np.array([np.inf if pr.cap is None else pr.cap for pr in prefs])
        np.minimum(flat, caps[:, None], out=flat)


def run_alternating_batch(
    scenarios: Sequence[Scenario],
    negotiators: Sequence[Sequence[Negotiator]],
    *,
    deadline: int | None = None,
    seeds: Sequence[int | None] | None = None,
    compile_fn: Callable[[Scenario], CompiledScenario] | None = None,
) -> list[Result]:
    """Run negotiation ``i`` on ``scenarios[i]`` between ``negotiators[i]`` with seed ``seeds[i]``.

    Each result equals ``run_alternating(compile_fn(scenarios[i]), negotiators[i], deadline=deadline,
    seed=seeds[i])``. Negotiations the engine cannot batch (another strategy, a space above
    :data:`MAX_OUTCOMES`, utilities that are not finite, a party with no acceptable outcome) run that way.
    The same scenario object with the same strategies is computed once. ``compile_fn`` (default
    :meth:`Scenario.compile`) gives the compiled scenario where one is needed; results built by the engine
    hold a lazy trace (see :class:`LazyTrace`).
    """
    compile_fn = compile_fn or (lambda s: s.compile())
    count = len(scenarios)
    if len(negotiators) != count:
        raise ValueError("need one list of negotiators per scenario")
    seeds = list(seeds) if seeds is not None else [None] * count
    results: list[Result | None] = [None] * count

    later: list[int] = []  # negotiations for the kernel with their negotiator objects (run_many)

    def sequential(i: int) -> None:
        later.append(i)

    # Unique problems: (scenario, deadline, schedules); grouped by shape.
    problems: dict[tuple, list[int]] = {}
    known: dict[int, tuple] = {}  # schedules per list of negotiators (callers often pass one list for all)
    for i, (sc, negs) in enumerate(zip(scenarios, negotiators, strict=True)):
        scheds = known.get(id(negs))
        if scheds is None:
            scheds = known[id(negs)] = tuple(schedule_of(n) for n in negs)
        n = len(sc.parties)
        if len(negs) != n or None in scheds or not sc.space.enumerable(MAX_OUTCOMES):
            sequential(i)
            continue
        R = int(deadline if deadline is not None else sc.protocol.deadline)
        if R < 1:
            sequential(i)  # raises as run_alternating does
            continue
        # A negotiation that can break down depends on its seed: computed once per seed, not per scenario.
        draw = seeds[i] if sc.protocol.breakdown_risk > 0 else 0
        problems.setdefault((id(sc), R, scheds, draw), []).append(i)

    groups: dict[tuple, list[tuple]] = {}
    for key, members in problems.items():
        sc = scenarios[members[0]]
        shape = (tuple(sc.space.cards.tolist()), len(sc.parties), key[1])
        groups.setdefault(shape, []).append(key)

    for (cards, n, R), keys in groups.items():
        size = int(np.prod(cards))
        per_chunk = max(1, CHUNK_ELEMENTS // (size * n))
        for c0 in range(0, len(keys), per_chunk):
            chunk = keys[c0 : c0 + per_chunk]
            _run_chunk(chunk, problems, scenarios, negotiators, seeds, results, R, compile_fn, sequential)
    if later:
        _run_objects(later, scenarios, negotiators, seeds, results, deadline, compile_fn)
    return results  # type: ignore[return-value]


def _run_objects(
    later: list[int],
    scenarios: Sequence[Scenario],
    negotiators: Sequence[Sequence[Negotiator]],
    seeds: list[int | None],
    results: list[Result | None],
    deadline: int | None,
    compile_fn: Callable[[Scenario], CompiledScenario],
) -> None:
    """The negotiations the array engine does not take, on the kernel with their negotiator objects: runs
    with the same number of parties and distinct negotiator objects together (:func:`run_many`), the
    others one at a time (a negotiator object shared by two runs is set up anew for each). Time-dependent
    negotiators shared between runs (their setup resets them: :func:`batchable`) are copied per run, so
    those runs too play together."""
    groups: dict[int, list[int]] = {}
    for i in later:
        groups.setdefault(len(negotiators[i]), []).append(i)
    negotiators = list(negotiators)
    for members in groups.values():
        batch: list[int] = []
        seen: set[int] = set()
        for i in members:
            ids = {id(n) for n in negotiators[i]}
            if (ids & seen or len(ids) < len(negotiators[i])) and batchable(negotiators[i]):
                negotiators[i] = [copy.copy(n) for n in negotiators[i]]
                ids = {id(n) for n in negotiators[i]}
            if ids & seen or len(ids) < len(negotiators[i]):
                results[i] = run_alternating(
                    compile_fn(scenarios[i]), negotiators[i], deadline=deadline, seed=seeds[i]
                )
                continue
            seen |= ids
            batch.append(i)
        # In chunks of at most CHUNK_ELEMENTS outcomes x parties: the runs of a chunk are in memory together.
        start = 0
        while start < len(batch):
            stop, cells = start, 0
            while stop < len(batch) and (stop == start or cells < CHUNK_ELEMENTS):
                sc = scenarios[batch[stop]]
                cells += int(sc.space.size) * len(sc.parties)
                stop += 1
            chunk = batch[start:stop]
            got = run_many(
                [compile_fn(scenarios[i]) for i in chunk],
                [negotiators[i] for i in chunk],
                deadline=deadline,
                seeds=[seeds[i] for i in chunk],
            )
            for i, r in zip(chunk, got, strict=True):
                results[i] = r
            start = stop


def _run_chunk(
    keys: list[tuple],
    problems: dict[tuple, list[int]],
    scenarios: Sequence[Scenario],
    negotiators: Sequence[Sequence[Negotiator]],
    seeds: list[int | None],
    results: list[Result | None],
    R: int,
    compile_fn: Callable[[Scenario], CompiledScenario],
    sequential: Callable[[int], None],
) -> None:
    scs = [scenarios[problems[k][0]] for k in keys]
    B, P = len(scs), len(scs[0].parties)
    compiled: list[CompiledScenario | None] = [None] * B
    lin = [i for i, s in enumerate(scs) if _linear(s)]
    linear = set(lin)
    U = _buffer("utilities", (B, P, scs[0].space.size), np.float64)
    if len(lin) == B:
        _stacked_utilities(scs, U)
    elif lin:
        part = np.empty((len(lin), P, scs[0].space.size), dtype=np.float64)
        _stacked_utilities([scs[i] for i in lin], part)
        U[lin] = part
    constrained = False
    for i, s in enumerate(scs):
        if i not in linear:
            compiled[i] = compile_fn(s)
            U[i] = compiled[i].utilities
            constrained |= compiled[i].has_constraints
    acceptable = None
    if constrained:
        acceptable = np.ones(U.shape, dtype=bool)
        for i, c in enumerate(compiled):
            if c is not None and c.has_constraints:
                acceptable[i] = c.acceptable
    reservations = np.array([[p.preferences.reservation for p in s.parties] for s in scs], dtype=np.float64)
    discounts = np.array([[p.preferences.discount for p in s.parties] for s in scs], dtype=np.float64)
    openers = np.array([s.party_index(s.protocol.opener) if s.protocol.opener else 0 for s in scs])
    # Cases left to the sequential engine: non-finite utilities, a party with nothing acceptable.
    good = (
        np.isfinite(U.max(axis=2)).all(axis=1)  # NaN propagates through max and min
        & np.isfinite(U.min(axis=2)).all(axis=1)
        & np.isfinite(reservations).all(axis=1)
    )
    if acceptable is not None:
        good &= acceptable.any(axis=2).all(axis=1)
    if not good.all():
        for i in np.flatnonzero(~good):
            for m in problems[keys[i]]:
                sequential(m)
        keep = np.flatnonzero(good)
        if keep.size == 0:
            return
        keys = [keys[i] for i in keep]
        scs = [scs[i] for i in keep]
        compiled = [compiled[i] for i in keep]
        U, reservations, discounts, openers = U[keep], reservations[keep], discounts[keep], openers[keep]
        if acceptable is not None:
            acceptable = acceptable[keep]
    sched_list: list[tuple[float, float]] = []
    sched_pos: dict[tuple[float, float], int] = {}
    schedule = np.empty((len(keys), P), dtype=np.int64)
    for i, k in enumerate(keys):
        for p, s in enumerate(k[2]):
            if s not in sched_pos:
                sched_pos[s] = len(sched_list)
                sched_list.append(s)
            schedule[i, p] = sched_pos[s]
    breaks_at = None
    if any(sc.protocol.breakdown_risk > 0 for sc in scs):  # each run's draw, as Session draws it
        breaks_at = np.full(len(keys), R, dtype=np.int64)
        for i, k in enumerate(keys):
            risk = scs[i].protocol.breakdown_risk
            if risk > 0:
                breaks_at[i] = kernel.breakdown_rounds(breakdown_rng(seeds[problems[k][0]]), risk)[0]  # type: ignore[index]
    agreed, last, ends = simulate(
        U, acceptable, reservations, schedule, _gains(sched_list, R), openers, breaks_at
    )
    radix = list(zip(scs[0].space.strides.tolist(), scs[0].space.cards.tolist(), strict=True))
    for i, k in enumerate(keys):
        a, lr = int(agreed[i]), int(last[i])
        sc = scs[i]
        outcome = None
        if a >= 0:  # as OutcomeSpace.outcome(a), with the digits in Python integers
            outcome = {
                iss.name: _plain(iss.values[(a // st) % card])
                for iss, (st, card) in zip(sc.space.issues, radix, strict=True)
            }
        for m in problems[k]:
            results[m] = _result(
                sc,
                compiled[i],
                U[i],
                reservations[i],
                discounts[i],
                a,
                outcome if len(problems[k]) == 1 or outcome is None else dict(outcome),
                lr,
                kernel.END_NAMES[int(ends[i])],
                R,
                negotiators[m],
                seeds[m],
                compile_fn,
            )


def _result(
    sc: Scenario,
    compiled: CompiledScenario | None,
    u_all: np.ndarray,
    rv: np.ndarray,
    disc_factors: np.ndarray,
    agreed: int,
    outcome: dict[str, object] | None,
    last_round: int,
    end: str,
    R: int,
    negs: Sequence[Negotiator],
    seed: int | None,
    compile_fn: Callable[[Scenario], CompiledScenario],
) -> Result:
    """The Result run_alternating would return (same float operations), with a lazy trace."""
    names = sc.party_names
    t_end = normalised_time(last_round, R)
    if agreed >= 0:
        u = u_all[:, agreed]
        utilities = {nm: float(u[j]) for j, nm in enumerate(names)}
        disc = {nm: float(u[j] * disc_factors[j] ** t_end) for j, nm in enumerate(names)}
    else:
        utilities = {nm: float(rv[j]) for j, nm in enumerate(names)}
        disc = {nm: float(rv[j] * disc_factors[j] ** t_end) for j, nm in enumerate(names)}

    def replay() -> Trace:
        return run_alternating(compiled or compile_fn(sc), negs, deadline=R, seed=seed).trace

    return Result(
        agreement=agreed >= 0,
        outcome_index=agreed if agreed >= 0 else None,
        outcome=outcome,
        utilities=utilities,
        discounted_utilities=disc,
        rounds=last_round + 1,
        end=end,
        walked_away_by=None,
        time=t_end,
        trace=LazyTrace(replay),
        seed=seed,
        engine="arrays",
    )
