"""Exact Pareto frontiers of utility arrays.

An outcome is *dominated* when another outcome gives every party at least as much utility and some
party strictly more. The frontier is the set of non-dominated outcomes; outcomes whose utility vectors
are identical to a non-dominated vector are all kept. Everything here compares the float64 utilities
exactly (no tolerance), so the result is the frontier of the numbers actually computed.

- Two parties: the sort-and-scan algorithm (sort by u1 descending, ties by u2 descending, keep the
  points whose u2 beats the running maximum; Kung, Luccio & Preparata 1975, "On finding the maxima of a
  set of vectors", J. ACM 22(4):469-476), preceded by an exact bucket pre-filter so that only a small
  set of survivors is ever sorted.
- Three or more parties: a block-wise sort-filter-skyline (Chomicki, Godfrey, Gryz & Liang 2003,
  "Skyline with presorting", ICDE): presort so that a point can only be dominated by points before it,
  then test blocks of points against the frontier found so far with vectorised comparisons.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pareto_indices", "dominated_rows", "pareto_rows"]

#: Below this many candidates the two-party pre-filter is not worth its setup.
_PREFILTER_MIN = 4096
#: Piece size of the pre-filter's passes (fits in cache).
_PIECE = 1 << 16
#: Row-block sizes of the many-party skyline (bounded temporaries: block x chunk booleans).
_BLOCK = 1024
_CHUNK = 1024


def pareto_indices(U: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the non-dominated columns of ``U`` (shape ``(n_parties, N)``).

    Only outcomes with ``mask[j]`` true are considered when ``mask`` (bool, shape ``(N,)``) is given
    (e.g. to exclude outcomes that violate hard constraints). The result is int64, sorted by the first
    party's utility descending, ties by index ascending. Utilities must be finite.
    """
    U = np.asarray(U, dtype=np.float64)
    if U.ndim != 2 or U.shape[0] < 1:
        raise ValueError(f"U must have shape (n_parties, N), got {U.shape}")
    n, N = U.shape
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (N,):
            raise ValueError(f"mask must have shape ({N},), got {mask.shape}")
        cand = np.flatnonzero(mask)
        if cand.size == 0:
            return np.empty(0, dtype=np.int64)
        V = U[:, cand]
    else:
        cand = None
        V = U
    if V.shape[1] == 0:
        return np.empty(0, dtype=np.int64)
    if not np.isfinite(V).all():
        raise ValueError("utilities must be finite")
    if n == 1:
        local = np.flatnonzero(V[0] == V[0].max())
    elif n == 2:
        local = _frontier_2d(V[0], V[1])
    else:
        local = _frontier_nd(V)
    idx = local if cand is None else cand[local]
    return idx.astype(np.int64, copy=False)


def _prefilter(a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """Positions that may be non-dominated, or None when the filter cannot help.

    Bucket ``a`` into bins with a monotone map, so a point in a higher bin has strictly larger ``a``.
    A point whose ``b`` is at most the largest ``b`` of any higher bin is dominated (strictly larger
    ``a``, at least as large ``b``) and is dropped. Exact: no non-dominated point is ever dropped.
    """
    N = a.size
    lo = a.min()
    span = a.max() - lo
    if not span > 0:
        return None
    bins = int(min(max(N // 8, 64), 1 << 18))
    scale = bins / span
    if not np.isfinite(scale):
        return None
    # Two passes over cache-sized pieces with reused buffers: no large temporaries, few page faults.
    step = min(N, _PIECE)
    x = np.empty(step)
    k = np.empty(step, dtype=np.intp)

    def bin_of(s: int) -> np.ndarray:
        m = min(step, N - s)
        np.subtract(a[s : s + m], lo, out=x[:m])
        x[:m] *= scale
        np.copyto(k[:m], x[:m], casting="unsafe")  # truncation: 0..bins, monotone in a
        return k[:m]

    top = np.full(bins + 2, -np.inf)
    for s in range(0, N, step):
        kk = bin_of(s)
        np.maximum.at(top, kk, b[s : s + kk.size])
    # above[j] = max b over bins strictly higher than j.
    above = np.maximum.accumulate(top[::-1])[::-1][1:]
    keep = []
    for s in range(0, N, step):
        kk = bin_of(s)
        np.take(above, kk, out=x[: kk.size])
        keep.append(np.flatnonzero(b[s : s + kk.size] > x[: kk.size]) + s)
    return np.concatenate(keep)


def _frontier_2d(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """Positions of the two-party frontier, sorted by u1 descending then position ascending."""
    pos: np.ndarray | None = None
    if u1.size >= _PREFILTER_MIN:
        keep = _prefilter(u1, u2)
        if keep is not None:
            pos, u1, u2 = keep, u1[keep], u2[keep]
        if u1.size >= _PREFILTER_MIN:  # still many (e.g. clustered u1): filter on the other axis too
            keep = _prefilter(u2, u1)
            if keep is not None:
                pos = keep if pos is None else pos[keep]
                u1, u2 = u1[keep], u2[keep]
    if pos is None:
        pos = np.arange(u1.size)
    # positions are ascending, and lexsort is stable: ties of (u1, u2) stay in position order.
    order = np.lexsort((-u2, -u1))
    s1, s2 = u1[order], u2[order]
    best_before = np.empty_like(s2)
    best_before[0] = -np.inf
    np.maximum.accumulate(s2[:-1], out=best_before[1:])
    first = s2 > best_before  # the first point of each non-dominated utility vector
    # add back exact duplicates of kept vectors (they follow their first copy in sorted order)
    new_group = np.ones(s1.size, dtype=bool)
    new_group[1:] = (s1[1:] != s1[:-1]) | (s2[1:] != s2[:-1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(s1.size), 0))
    return pos[order[first[group_start]]]


def _dominated_block(
    A: np.ndarray, F: np.ndarray, margin: np.ndarray | None, same: bool, buf: np.ndarray
) -> np.ndarray:
    """For each column of ``A`` (shape (n, a)): is it dominated by some column of ``F`` (shape (n, f))?

    ``margin`` None: the columns of ``A`` and ``F`` are pairwise distinct vectors (or ``same`` is true,
    ``F`` is ``A`` and a column is not compared with itself), so ">= in every row" is dominance.
    ``margin`` given: dominance needs ">= in every row" and "ahead by more than ``margin[k]`` in some
    row k" (zero margins: ordinary dominance, duplicates allowed). ``buf`` is scratch space of at
    least (3, _BLOCK, _CHUNK) booleans. Work is done in tiles, and a column of ``A`` leaves the test as
    soon as a dominating column is found.
    """
    n, a = A.shape
    out = np.zeros(a, dtype=bool)
    if a == 0 or F.shape[1] == 0:
        return out
    for s in range(0, a, _BLOCK):
        live = np.arange(s, min(s + _BLOCK, a))
        for t in range(0, F.shape[1], _CHUNK):
            G = F[:, t : t + _CHUNK]
            P = A[:, live]
            ge = buf[0, : live.size, : G.shape[1]]
            tmp = buf[1, : live.size, : G.shape[1]]
            np.greater_equal(G[0][None, :], P[0][:, None], out=ge)
            for k in range(1, n):
                np.greater_equal(G[k][None, :], P[k][:, None], out=tmp)
                np.logical_and(ge, tmp, out=ge)
                if k % 3 == 2 and not ge.any():
                    break
            if margin is not None:
                gt = buf[2, : live.size, : G.shape[1]]
                gt[...] = False
                for k in range(n):
                    np.greater(G[k][None, :] - P[k][:, None], margin[k], out=tmp)
                    np.logical_or(gt, tmp, out=gt)
                np.logical_and(ge, gt, out=ge)
            elif same:  # never compare a column with itself
                r = np.flatnonzero((live >= t) & (live < t + G.shape[1]))
                ge[r, live[r] - t] = False
            hit = ge.any(axis=1)
            if hit.any():
                out[live[hit]] = True
                live = live[~hit]
                if live.size == 0:
                    break
    return out


def dominated_rows(A: np.ndarray, F: np.ndarray, margin: np.ndarray | None = None) -> np.ndarray:
    """For each row of ``A`` (shape (a, n)): is it dominated by some row of ``F`` (shape (f, n))?

    Dominated: ``F[q] >= A[p]`` in every column and ``F[q] - A[p] > margin`` in some column (``margin``
    per column; None or zeros give ordinary dominance).
    """
    n = A.shape[1]
    m = np.zeros(n) if margin is None else np.asarray(margin, dtype=np.float64)
    buf = np.empty((3, _BLOCK, _CHUNK), dtype=bool)
    return _dominated_block(np.ascontiguousarray(A.T), np.ascontiguousarray(F.T), m, False, buf)


def _sfs_order(P: np.ndarray) -> np.ndarray:
    """Order rows by sum descending, then by each column descending: dominators come first.

    If q dominates p then fl(sum q) >= fl(sum p) (float addition is monotone) and, on equal sums, q
    is lexicographically larger; so q precedes p.
    """
    total = P[:, 0].copy()
    for k in range(1, P.shape[1]):
        total += P[:, k]
    keys = tuple(-P[:, k] for k in range(P.shape[1] - 1, -1, -1)) + (-total,)
    return np.lexsort(keys)


def pareto_rows(P: np.ndarray, margin: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of the rows of ``P`` (shape (N, n)) not dominated by any other row.

    With ``margin`` (per column, >= 0) a row counts as dominated only if some row is >= in every
    column and exceeds it by more than the margin in some column: the kept set is then a superset of
    the exact frontier. Presorted skyline (sort-filter-skyline): in :func:`_sfs_order` a row can only be
    dominated by rows before it, so each block is tested against the frontier found so far and itself.
    """
    N, n = P.shape
    keep = np.zeros(N, dtype=bool)
    if N == 0:
        return keep
    order = _sfs_order(P)
    S = P[order]
    if margin is None:
        # identical rows are adjacent in this order: run the skyline on one copy of each
        new = np.ones(N, dtype=bool)
        new[1:] = (S[1:] != S[:-1]).any(axis=1)
        group = np.cumsum(new) - 1
        D = np.ascontiguousarray(S[new].T)
        m = None
    else:
        D = np.ascontiguousarray(S.T)
        m = np.asarray(margin, dtype=np.float64)
    nd = D.shape[1]
    frontier = np.empty((n, nd))
    size = 0
    on = np.zeros(nd, dtype=bool)
    buf = np.empty((3, _BLOCK, _CHUNK), dtype=bool)
    for s in range(0, nd, _BLOCK):
        pos = np.arange(s, min(s + _BLOCK, nd))
        B = D[:, pos]
        alive = ~_dominated_block(B, frontier[:, :size], m, False, buf)
        B, pos = B[:, alive], pos[alive]
        # all pairs within the block: only earlier columns can dominate anyway
        alive = ~_dominated_block(B, B, m, True, buf)
        B, pos = B[:, alive], pos[alive]
        frontier[:, size : size + pos.size] = B
        size += pos.size
        on[pos] = True
    if margin is None:
        keep[order[on[group]]] = True
    else:
        keep[order[on]] = True
    return keep


def _frontier_nd(V: np.ndarray) -> np.ndarray:
    """Positions of the frontier of ``V`` (shape (n, N)), sorted by V[0] descending then position."""
    P = np.ascontiguousarray(V.T)
    pos = np.flatnonzero(pareto_rows(P))
    order = np.lexsort((pos, -V[0, pos]))
    return pos[order]
