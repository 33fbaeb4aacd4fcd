"""The standard analysis of many runs at once: frontier, Nash, KS, max welfare and distances per run.

A Monte Carlo of one scenario draws its uncertain numbers per run, so every run has its own utilities
``U[k, i, ω]`` (and reservations, and possibly constraints). :func:`analyze_many` computes for every run
``k`` exactly what :func:`accord.analysis.solutions.analyze` computes for a compiled scenario with those
arrays, and :func:`point_distances_many` what :func:`accord.analysis.solutions.distances` gives for a point
reached in each run; the work is done on arrays stacked over runs, with no Python loop over runs.

Exactness: the results are bit-identical to the per-run functions (same frontier, same solution indices,
same floats). Every float is computed by the same IEEE operations in the same order as there (differences
``u_i - r_i``, products and sums left to right over parties, the KS ratio, squared differences summed over
parties left to right, square roots); everything else is comparisons, maxima and minima, which are exact.
Two identities are used: ``min_k sqrt(x_k) == sqrt`` of one of the ``x_k`` (taken per point, then the
minimum), and "lowest outcome index among the maximisers" does not depend on the order points are visited.

The frontier of every run (feasible outcomes only, reservations ignored, duplicates of non-dominated
vectors kept, as in :func:`accord.analysis.pareto.pareto_indices`) is found in two steps.

1. An exact grid pre-filter, run on blocks of runs at once (:func:`_survivors`): the first ``P - 1``
   utilities are bucketed per run with monotone maps, each cell keeps the largest last utility, and a
   point is dropped when a cell above its own in every bucketed coordinate holds a last utility at least
   as large (that cell's point dominates it). For two parties this is the bucket filter that
   ``pareto_indices`` runs before its sort. A survivor's dominators are survivors too (a dropped point
   is dominated by a point that then dominates the survivor as well), so the frontier of the survivors
   is the frontier.
2. The exact frontier of the survivors. Two parties: sort-and-scan (Kung, Luccio & Preparata 1975,
   "On finding the maxima of a set of vectors", J. ACM 22(4):469-476) over the survivors of all runs
   together, sorted by (run, ``u_0`` descending). More parties: all pairs within each run, runs of
   similar size padded together into (runs, M, M) boolean blocks; its cost grows with the square of the
   survivors per run (a few tens to a few hundred on the library's scenarios).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.analysis.pareto import pareto_rows
from accord.analysis.solutions import ScenarioAnalysis

__all__ = ["BatchAnalysis", "analyze_many", "frontier_many", "point_distances_many"]

#: Outcomes (runs x outcomes) per block of the pre-filters: bounds the temporaries.
_BLOCK = 1 << 15
#: Largest number of (point, point) pairs tested at once by the many-party exact stage.
_PAIRS = 1 << 20
_NO = np.iinfo(np.int64).max


@dataclass(frozen=True, eq=False)
class BatchAnalysis:
    """Result of :func:`analyze_many` for ``R`` runs of ``P`` parties over ``n`` outcomes.

    The frontiers of all runs are stored one after another: run ``k`` owns the positions
    ``frontier_start[k]:frontier_start[k + 1]`` of ``frontier_index`` (outcome indices, sorted by the first
    party's utility descending, ties by index, as ``ScenarioAnalysis.pareto``) and of ``frontier_utilities``
    (shape (P, S)). ``nash``, ``kalai_smorodinsky`` and ``max_welfare`` hold outcome indices, -1 where
    undefined; ``zopa_best`` (R, P) is NaN where the ZOPA is empty, and so are the rows of
    ``nash_utilities``, ``kalai_smorodinsky_utilities`` and ``max_welfare_utilities`` (R, P) where the
    point is undefined. ``n_feasible`` and ``zopa_size`` are None unless asked for.
    """

    n_outcomes: int
    reservations: np.ndarray
    frontier_start: np.ndarray
    frontier_run: np.ndarray
    frontier_index: np.ndarray
    frontier_utilities: np.ndarray
    nash: np.ndarray
    kalai_smorodinsky: np.ndarray
    max_welfare: np.ndarray
    zopa_best: np.ndarray
    nash_utilities: np.ndarray
    kalai_smorodinsky_utilities: np.ndarray
    max_welfare_utilities: np.ndarray
    n_feasible: np.ndarray | None = None
    zopa_size: np.ndarray | None = None

    @property
    def n_runs(self) -> int:
        return int(self.reservations.shape[0])

    def frontier_of(self, k: int) -> np.ndarray:
        """Outcome indices of run ``k``'s frontier (as ``ScenarioAnalysis.pareto``)."""
        return self.frontier_index[self.frontier_start[k] : self.frontier_start[k + 1]]

    def run(self, k: int, parties: tuple[str, ...] = ()) -> ScenarioAnalysis:
        """Run ``k`` as a :class:`ScenarioAnalysis`, equal field by field to ``analyze`` of that run."""
        s, e = int(self.frontier_start[k]), int(self.frontier_start[k + 1])

        def idx(a: np.ndarray) -> int | None:
            return None if a[k] < 0 else int(a[k])

        return ScenarioAnalysis(
            parties=tuple(parties),
            n_outcomes=self.n_outcomes,
            n_feasible=None if self.n_feasible is None else int(self.n_feasible[k]),
            reservations=self.reservations[k].copy(),
            pareto=self.frontier_index[s:e].copy(),
            pareto_utilities=self.frontier_utilities[:, s:e].copy(),
            nash=idx(self.nash),
            kalai_smorodinsky=idx(self.kalai_smorodinsky),
            max_welfare=idx(self.max_welfare),
            zopa_size=None if self.zopa_size is None else int(self.zopa_size[k]),
            zopa_best=None if self.nash[k] < 0 else self.zopa_best[k].copy(),
        )


# ------------------------------------------------------------------------------------------ inputs


def _inputs(
    utilities: np.ndarray, acceptable: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(U, feasible, columns): the utilities, per-run feasibility (R, n) or None, and the columns to search.

    When every run has the same feasible outcomes (``acceptable`` of shape (P, n), or equal rows),
    ``columns`` lists them (None: all) and ``feasible`` is None; otherwise ``feasible`` is (R, n).
    """
    U = np.asarray(utilities, dtype=np.float64)
    if U.ndim != 3 or U.shape[1] < 1:
        raise ValueError(f"utilities must have shape (runs, parties, outcomes), got {U.shape}")
    R, P, n = U.shape
    if acceptable is None:
        return U, None, None
    A = np.asarray(acceptable, dtype=bool)
    if A.shape == (P, n):
        feas = A.all(axis=0)
    elif A.shape == (R, P, n):
        f = A.all(axis=1)
        if R == 0:
            return U, None, None
        if (f != f[0]).any():
            return U, f, None
        feas = f[0]
    else:
        raise ValueError(f"acceptable must have shape {(P, n)} or {(R, P, n)}, got {A.shape}")
    return U, None, None if feas.all() else np.flatnonzero(feas)


def _block(
    U: np.ndarray, s: int, e: int, cols: np.ndarray | None, feas: np.ndarray | None
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Runs s..e-1: one C-ordered (e - s, m) array per party over the columns searched, and feasibility.

    Raises ValueError if a feasible utility is not finite (as ``pareto_indices`` does)."""
    P = U.shape[1]
    if cols is None:
        Vs = [np.ascontiguousarray(U[s:e, i, :]) for i in range(P)]
    else:
        Vs = [np.take(U[s:e, i, :], cols, axis=1) for i in range(P)]
    f = None if feas is None else feas[s:e]
    for V in Vs:
        W = V if f is None else np.where(f, V, 0.0)
        if W.size and not (np.isfinite(W.max()) and np.isfinite(W.min())):
            bad = ~np.isfinite(W).all(axis=1)
            raise ValueError(f"utilities must be finite (run {s + int(np.flatnonzero(bad)[0])})")
    return Vs, f


def _dense_rank(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Rank of each value among the distinct values of ``x`` (equal values, -0.0 and 0.0 included, share
    a rank) and the number of distinct values."""
    order = np.argsort(x)
    s = x[order]
    new = np.ones(s.size, dtype=np.int64)
    new[1:] = s[1:] != s[:-1]
    rank = np.empty(s.size, dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank, int(rank.max()) + 1 if s.size else 0


def _order_by_run_then_u0(g: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Stable order by run ascending, then ``a`` descending (ties keep their order)."""
    ra, na = _dense_rank(a)
    return np.argsort(g * na + (na - 1 - ra), kind="stable")


# ------------------------------------------------------------------------------------- pre-filters


def _survivors(Vs: list[np.ndarray], feas: np.ndarray | None) -> np.ndarray:
    """Mask (r, m) of the points that may be on the frontier of their row (an exact grid filter).

    The first ``D = P - 1`` utilities are each bucketed per row with a monotone map (a point in a higher
    bucket of a coordinate has a strictly larger value there); each cell of the grid keeps the largest
    last utility of its points. A point is dominated, and dropped, when some cell above its own in every
    one of the D coordinates holds a last utility at least as large as its own. Rows where a map is
    degenerate (no spread, overflow) put every point in bucket 0 of that coordinate (no filtering by it);
    with so many parties that the grid would be large, nothing is dropped. For two parties this is the bucket pre-filter of :func:`accord.analysis.pareto.pareto_indices`.
    """
    r, m = Vs[0].shape
    D = len(Vs) - 1
    bins = int(min(max(round((m / 4) ** (1 / D)), 2), 1 << 16))
    side = bins + 2  # buckets 0..bins, plus one empty bucket above them all
    if side**D > max(4 * m, 1 << 12):  # too many parties for a grid: keep every feasible point
        return np.ones((r, m), dtype=bool) if feas is None else feas.copy()
    last = Vs[-1] if feas is None else np.where(feas, Vs[-1], -np.inf)
    # the flat cell of every point (row offset included), built in a float array: with one coordinate,
    # bucket position plus row offset then truncation (each step monotone, rounding included, and
    # x < bins + 1 by far more than the rounding unit, so a point never reaches the next row's cells);
    # with more, each coordinate's bucket is floored first, so the sums are exact integers
    cell: np.ndarray = (np.arange(r) * float(side**D))[:, None]
    for d in range(D):
        a = Vs[d]
        if feas is None:
            lo, hi = a.min(axis=1), a.max(axis=1)
        else:
            lo = np.where(feas, a, np.inf).min(axis=1)
            hi = np.where(feas, a, -np.inf).max(axis=1)
        span = hi - lo
        with np.errstate(all="ignore"):
            scale = bins / span
        ok = (span > 0) & np.isfinite(span) & np.isfinite(scale) & (scale > 0)
        lo = np.where(ok, lo, 0.0)
        scale = np.where(ok, scale, 0.0)
        x = np.subtract(a if feas is None else np.where(feas, a, lo[:, None]), lo[:, None])
        x *= scale[:, None]
        if D > 1:
            np.floor(x, out=x)
            x *= float(side ** (D - 1 - d))
        x += cell
        cell = x
    k = cell.astype(np.intp)
    top = np.full(r * side**D, -np.inf)
    np.maximum.at(top, k.ravel(), last.ravel())
    top = top.reshape((r,) + (side,) * D)
    # at[c]: max of top over the cells >= c in every coordinate; above[c] = at[c + 1 in every one]
    for d in range(1, D + 1):
        top = np.flip(np.maximum.accumulate(np.flip(top, axis=d), axis=d), axis=d)
    above = np.full_like(top, -np.inf)
    above[(slice(None),) + (slice(0, -1),) * D] = top[(slice(None),) + (slice(1, None),) * D]
    above = np.take(above.reshape(-1), k)
    return last > above


# ---------------------------------------------------------------------------------- exact frontier


def _scan_2(g: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-party frontier of the survivors of all runs: (order, on-frontier mask in that order).

    ``order`` sorts by run, ``a`` descending, position (stable). Points of equal run and ``a`` form a
    group; a point is on the frontier when its ``b`` is its group's largest and that beats the largest
    ``b`` of every earlier group of its run. The running maximum over groups restarts at each run because
    it runs over ``run * (#distinct b) + rank of b``, which is larger for any later run.
    """
    S = g.size
    order = _order_by_run_then_u0(g, a)
    if S == 0:
        return order, np.zeros(0, dtype=bool)
    rb, nb = _dense_rank(b)
    sg, sa, sb = g[order], a[order], rb[order]
    new = np.ones(S, dtype=bool)
    new[1:] = (sg[1:] != sg[:-1]) | (sa[1:] != sa[:-1])
    starts = np.flatnonzero(new)
    top = np.maximum.reduceat(sb, starts)
    key = sg[starts] * nb + top
    before = np.empty_like(key)
    before[0] = -1
    np.maximum.accumulate(key[:-1], out=before[1:])
    group = np.cumsum(new) - 1
    return order, (key > before)[group] & (sb == top[group])


def _pairwise_n(g: np.ndarray, W: np.ndarray, R: int) -> np.ndarray:
    """Mask of the points (columns of ``W``, runs ``g`` ascending) not dominated by a point of their run.

    Runs are taken in order of their number of points and padded to the largest of a chunk (padding is
    -inf and dominates nothing); each chunk tests all pairs of its runs at once, (runs, M, M) booleans.
    """
    S = g.size
    out = np.ones(S, dtype=bool)
    if S == 0:
        return out
    P = W.shape[0]
    counts = np.bincount(g, minlength=R)
    seg = np.zeros(R + 1, dtype=np.int64)
    np.cumsum(counts, out=seg[1:])
    slot = np.arange(S) - seg[g]
    runs = np.argsort(counts, kind="stable")
    runs = runs[counts[runs] > 0]
    row_of = np.full(R, -1, dtype=np.int64)
    a = 0
    while a < runs.size:
        if int(counts[runs[a]]) ** 2 > 4 * _PAIRS:  # a run this large: the block skyline, run by run
            k = runs[a]
            out[seg[k] : seg[k + 1]] = pareto_rows(np.ascontiguousarray(W[:, seg[k] : seg[k + 1]].T))
            a += 1
            continue
        b = a + 1
        while b < runs.size and (b + 1 - a) * int(counts[runs[b]]) ** 2 <= _PAIRS:
            b += 1
        M = int(counts[runs[b - 1]])
        chunk = runs[a:b]
        row_of[chunk] = np.arange(chunk.size)
        pts = np.flatnonzero(row_of[g] >= 0)
        rows, cols = row_of[g[pts]], slot[pts]
        Wp = np.full((P, chunk.size, M), -np.inf)
        Wp[:, rows, cols] = W[:, pts]
        ge = Wp[0][:, :, None] <= Wp[0][:, None, :]  # [run, p, q]: q at least p
        gt = Wp[0][:, :, None] < Wp[0][:, None, :]
        for i in range(1, P):
            ge &= Wp[i][:, :, None] <= Wp[i][:, None, :]
            gt |= Wp[i][:, :, None] < Wp[i][:, None, :]
        ge &= gt
        out[pts] = ~ge.any(axis=2)[rows, cols]
        row_of[chunk] = -1
        a = b
    return out


def frontier_many(
    utilities: np.ndarray, acceptable: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Pareto frontier of every run: ``(start, index, utilities)``.

    ``utilities`` (R, P, n); ``acceptable`` (R, P, n) or (P, n) (an outcome counts when every party
    accepts it) or None. Run ``k``'s frontier is ``index[start[k]:start[k + 1]]`` (outcome indices sorted
    by the first party's utility descending, ties by index: ``pareto_indices`` of the run) with utilities
    ``utilities[:, start[k]:start[k + 1]]`` (shape (P, S) overall).
    """
    U, feas, cols = _inputs(utilities, acceptable)
    return _frontier(U, feas, cols)[:3]


def _frontier(
    U: np.ndarray,
    feas: np.ndarray | None,
    cols: np.ndarray | None,
    r: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(start, index, utilities) of every run's frontier, and with ``r`` (R, P) the feasible and ZOPA
    counts per run (else None). Works in blocks of runs, so the temporaries stay small."""
    R, P, n = U.shape
    m = n if cols is None else cols.size
    gs, ps, ws = [], [], []
    n_feasible = np.zeros(R, dtype=np.int64) if r is not None else None
    zopa_size = np.zeros(R, dtype=np.int64) if r is not None else None
    step = max(1, _BLOCK // max(1, m))
    for s in range(0, R if m else 0, step):
        e = min(R, s + step)
        Vs, f = _block(U, s, e, cols, feas)
        keep = _survivors(Vs, f)
        g, pos = np.divmod(np.flatnonzero(keep), m)
        gs.append(g + s)
        ps.append(pos)
        ws.append(np.stack([V[g, pos] for V in Vs]))
        if r is not None:
            ok = Vs[0] >= r[s:e, 0, None]
            for i in range(1, P):
                ok &= Vs[i] >= r[s:e, i, None]
            if f is not None:
                ok &= f
            n_feasible[s:e] = m if f is None else np.count_nonzero(f, axis=1)
            zopa_size[s:e] = np.count_nonzero(ok, axis=1)
    g = np.concatenate(gs) if gs else np.zeros(0, dtype=np.int64)
    pos = np.concatenate(ps) if ps else np.zeros(0, dtype=np.int64)
    W = np.concatenate(ws, axis=1) if ws else np.zeros((P, 0))
    if P == 2:
        order, on = _scan_2(g, W[0], W[1])
        sel = order[on]
    else:
        sel = np.flatnonzero(_pairwise_n(g, W, R))
        sel = sel[_order_by_run_then_u0(g[sel], W[0, sel])]
    fg, fpos = g[sel], pos[sel]
    index = (fpos if cols is None else cols[fpos]).astype(np.int64)
    start = np.zeros(R + 1, dtype=np.int64)
    np.cumsum(np.bincount(fg, minlength=R), out=start[1:])
    return start, index, np.ascontiguousarray(W[:, sel]), n_feasible, zopa_size


# -------------------------------------------------------------------------------------- solutions


def _segment(ufunc: np.ufunc, values: np.ndarray, start: np.ndarray, fill: object) -> np.ndarray:
    """``ufunc`` reduced over each run's segment ``values[start[k]:start[k + 1]]``; ``fill`` where empty."""
    R = start.size - 1
    out = np.full(R, fill, dtype=values.dtype)
    full = start[1:] > start[:-1]
    if full.any():
        out[full] = ufunc.reduceat(values, start[:-1][full])
    return out


def _first_max(values: np.ndarray, index: np.ndarray, run: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per run: the lowest outcome index among its points where ``values`` is maximal (-1: no point)."""
    top = _segment(np.maximum, values, start, -np.inf)
    hit = values == top[run]
    best = _segment(np.minimum, np.where(hit, index, _NO), start, _NO)
    empty = start[1:] == start[:-1]
    if (best[~empty] == _NO).any():  # a NaN maximum: analyze() fails there too
        k = int(np.flatnonzero((best == _NO) & ~empty)[0])
        raise ValueError(f"no maximum: the values of run {k} are NaN")
    best[empty] = -1
    return best


def analyze_many(
    utilities: np.ndarray,
    acceptable: np.ndarray | None,
    reservations: np.ndarray,
    counts: bool = True,
) -> BatchAnalysis:
    """:func:`accord.analysis.solutions.analyze` of every run at once (see the module doc).

    ``utilities`` float64 (R, P, n) as ``CompiledScenario.utilities`` per run; ``acceptable`` bool
    (R, P, n) or (P, n) shared by all runs, as ``CompiledScenario.acceptable`` (None: no constraints);
    ``reservations`` (R, P). ``counts`` also computes ``n_feasible`` and ``zopa_size`` (a pass over all
    outcomes; the solutions do not need them).
    """
    U, feas, cols = _inputs(utilities, acceptable)
    R, P, n = U.shape
    r = np.asarray(reservations, dtype=np.float64)
    if r.shape != (R, P):
        raise ValueError(f"reservations must have shape {(R, P)}, got {r.shape}")
    start, index, F, n_feasible, zopa_size = _frontier(U, feas, cols, r if counts else None)
    run = np.repeat(np.arange(R), np.diff(start))

    welfare = F[0].copy()
    for i in range(1, P):
        welfare += F[i]
    mw = _first_max(welfare, index, run, start)

    inz = F[0] >= r[run, 0]
    for i in range(1, P):
        inz &= F[i] >= r[run, i]
    zi, zrun, Z = index[inz], run[inz], F[:, inz]
    zstart = np.zeros(R + 1, dtype=np.int64)
    np.cumsum(np.bincount(zrun, minlength=R), out=zstart[1:])
    best = np.stack([_segment(np.maximum, Z[i], zstart, np.nan) for i in range(P)], axis=1)
    rz = r[zrun]
    prod = Z[0] - rz[:, 0]
    for i in range(1, P):
        prod = prod * (Z[i] - rz[:, i])
    nash = _first_max(prod, zi, zrun, zstart)
    ks = np.ones(zi.size)
    with np.errstate(all="ignore"):
        for i in range(P):
            den = (best[:, i] - r[:, i])[zrun]
            use = den > 0
            ks = np.where(use, np.minimum(ks, (Z[i] - rz[:, i]) / den), ks)
    kalai = _first_max(ks, zi, zrun, zstart)

    rows = np.arange(R)

    def at(idx: np.ndarray) -> np.ndarray:
        out = np.full((R, P), np.nan)
        ok = idx >= 0
        out[ok] = U[rows[ok], :, idx[ok]]
        return out

    return BatchAnalysis(
        n_outcomes=n,
        reservations=r.copy(),
        frontier_start=start,
        frontier_run=run,
        frontier_index=index,
        frontier_utilities=F,
        nash=nash,
        kalai_smorodinsky=kalai,
        max_welfare=mw,
        zopa_best=best,
        nash_utilities=at(nash),
        kalai_smorodinsky_utilities=at(kalai),
        max_welfare_utilities=at(mw),
        n_feasible=n_feasible,
        zopa_size=zopa_size,
    )


# -------------------------------------------------------------------------------------- distances


def point_distances_many(analysis: BatchAnalysis, points: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`accord.analysis.solutions.distances` of one point per run, for every run at once.

    ``points`` (R, P) is the point of each run. Returns float arrays (R,) under ``pareto``, ``nash``,
    ``kalai_smorodinsky`` and ``max_welfare``: NaN where the per-run function gives None (no frontier,
    empty ZOPA) and where it gives NaN. Every other value is bit-identical to the per-run one.
    """
    u = np.asarray(points, dtype=np.float64)
    R, P = analysis.reservations.shape
    if u.shape != (R, P):
        raise ValueError(f"points must have shape {(R, P)}, got {u.shape}")
    start, run, F = analysis.frontier_start, analysis.frontier_run, analysis.frontier_utilities
    out: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        sq = (F[0] - u[run, 0]) ** 2
        for i in range(1, P):
            sq += (F[i] - u[run, i]) ** 2
        out["pareto"] = _segment(np.minimum, np.sqrt(sq), start, np.nan)
        for name in ("nash", "kalai_smorodinsky", "max_welfare"):
            pt = getattr(analysis, f"{name}_utilities")  # NaN rows where undefined
            acc = (pt[:, 0] - u[:, 0]) ** 2
            for i in range(1, P):
                acc += (pt[:, i] - u[:, i]) ** 2
            out[name] = np.sqrt(acc)
    return out
