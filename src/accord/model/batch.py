"""Compile the scenarios of many runs at once: one array per batch instead of one per run.

Monte Carlo runs of one scenario differ in numbers (weights, score entries, term values, walk-away
values), not in structure: the outcome space, the terms' conditions and the hard constraints are the same
in every run. :func:`compile_worlds_many` and :func:`compile_many` gather the numbers of R runs into
arrays with a leading run axis and repeat :meth:`~accord.model.preferences.Preferences.evaluate_all`'s
float operations in the same order (w_i · s_i per issue, the outer sums issue by issue, then each term in
turn), so every run's utilities are bit for bit those of :func:`accord.model.beliefs.compile_worlds` and
:meth:`~accord.model.scenario.Scenario.compile`. Conditions and constraints are evaluated once per world
for the whole batch.

Runs are grouped by structure (the space, the terms' and constraints' texts, the flags a party's own
preferences carry when there are no facts); each group is computed as one array. A batch whose runs all
share one structure (the Monte Carlo case) is one group; a term whose value is not a float (an int written
by hand) is evaluated run by run by ``evaluate_all`` itself, so its integer arithmetic is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from accord.model.beliefs import MAX_FACTS, PrivateInfo, world_flags
from accord.model.preferences import Preferences, additive_sum
from accord.model.scenario import Scenario
from accord.model.space import DEFAULT_ENUMERATION_LIMIT, OutcomeSpace

__all__ = ["compile_many", "compile_worlds_many"]

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def compile_many(scenarios: Sequence[Scenario], limit: int = DEFAULT_ENUMERATION_LIMIT) -> Arrays:
    """``(U, A, res)`` of R scenarios over one outcome space: ``U[r]``, ``A[r]``, ``res[r]`` are
    ``scenarios[r].compile()``'s ``utilities`` (P, n), ``acceptable`` (P, n) and ``reservations`` (P,).

    ``U`` and ``A`` are read-only; where the constraints are the same in every run (always, for runs of
    one scenario), ``A`` is a broadcast view of one (P, n) array (stride 0 on the run axis).
    """
    first = _first(scenarios)
    first.space.check_enumerable("compiling the scenario", limit, first.path)
    U, A, res = _compile(scenarios, None, limit)
    return U[:, :, 0], A[:, :, 0], res


def compile_worlds_many(
    scenarios: Sequence[Scenario],
    private: PrivateInfo | Sequence[PrivateInfo],
    limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Arrays:
    """``(U, A, res)`` of R scenarios in every world of their private facts: ``U[r]`` (P, W, n), ``A[r]``
    (P, W, n) and ``res[r]`` (P,) are :func:`~accord.model.beliefs.compile_worlds`'s ``utilities``,
    ``acceptable`` and ``reservations`` for ``scenarios[r]`` and ``private`` (one for all runs, or one per
    run: only the names of the facts matter, and they must be the same in every run).

    ``U`` and ``A`` are read-only; where the constraints are the same in every run, ``A`` is a broadcast
    view of one (P, W, n) array (stride 0 on the run axis).
    """
    first = _first(scenarios)
    if isinstance(private, PrivateInfo):
        names = private.names
    else:
        if len(private) != len(scenarios):
            raise ValueError(f"one PrivateInfo per scenario: {len(private)} for {len(scenarios)}")
        names = private[0].names if len(private) else ()
        if any(p.names != names for p in private):
            raise ValueError("the runs' private facts differ (different worlds cannot be stacked)")
    k = len(names)
    if k > MAX_FACTS:
        raise ValueError(f"at most {MAX_FACTS} private facts (2^k worlds are compiled), got {k}")
    first.space.check_enumerable("evaluating every outcome", limit)
    if not k:
        return _compile(scenarios, None, limit)
    return _compile(scenarios, [world_flags(names, w) for w in range(1 << k)], limit)


def _first(scenarios: Sequence[Scenario]) -> Scenario:
    if not len(scenarios):
        raise ValueError("at least one scenario")
    first = scenarios[0]
    P, n = len(first.parties), first.space.size
    for sc in scenarios:
        if len(sc.parties) != P or sc.space.size != n:
            raise ValueError(
                "scenarios with the same number of parties and outcomes "
                f"({P} and {n}; got {len(sc.parties)} and {sc.space.size})"
            )
    return first


def _compile(scenarios: Sequence[Scenario], envs: list[dict[str, bool]] | None, limit: int) -> Arrays:
    """U (R, P, W, n), A (R, P, W, n), res (R, P); ``envs`` None: one world, each party's own flags."""
    R = len(scenarios)
    first = scenarios[0]
    P, n = len(first.parties), first.space.size
    W = 1 if envs is None else len(envs)
    U = np.empty((R, P, W, n), dtype=np.float64)
    res = np.array([[p.preferences.reservation for p in sc.parties] for sc in scenarios], dtype=np.float64)
    digits_of: dict[int, list[np.ndarray]] = {}
    spaces: list[OutcomeSpace] = []
    shared_A: list[np.ndarray | None] = []
    full_A: dict[int, list[tuple[list[int], np.ndarray]]] = {}
    for i in range(P):
        prefs = [sc.parties[i].preferences for sc in scenarios]
        groups: dict[tuple, list[int]] = {}
        seen: dict[tuple, tuple] = {}
        for r, pr in enumerate(prefs):
            groups.setdefault(_structure(pr, seen, spaces, envs is None), []).append(r)
        acc_by_group = []
        for key, rows in groups.items():
            rep = prefs[rows[0]]
            space = spaces[key[0]]
            digits = digits_of.get(key[0])
            if digits is None:
                digits = digits_of[key[0]] = space.digits(np.arange(n, dtype=np.int64))
            worlds = [rep.flags] if envs is None else envs
            whole = len(rows) == R
            dst = U[:, i] if whole else np.empty((len(rows), W, n), dtype=np.float64)
            if key[-1]:
                _utilities([prefs[r] for r in rows], digits, worlds, dst)
            else:  # a term value that is not a float: evaluate_all itself, run by run
                for g, r in enumerate(rows):
                    for w, env in enumerate(worlds):
                        pr = prefs[r] if envs is None else replace(prefs[r], flags=env)
                        dst[g, w] = pr.evaluate_all(limit)
            if not whole:
                U[rows, i] = dst
            acc_by_group.append((rows, _acceptable(rep, digits, worlds, n)))
        if len(acc_by_group) == 1:
            shared_A.append(acc_by_group[0][1])
        else:
            shared_A.append(None)
            full_A[i] = acc_by_group
    U.setflags(write=False)
    if not full_A:
        A = np.broadcast_to(np.stack(shared_A)[None], (R, P, W, n))  # type: ignore[arg-type]
    else:
        A = np.empty((R, P, W, n), dtype=bool)
        for i in range(P):
            one = shared_A[i]
            if one is not None:
                A[:, i] = one
            else:
                for rows, acc in full_A[i]:
                    A[rows, i] = acc
        A.setflags(write=False)
    return U, A, res


def _structure(
    pr: Preferences, seen: dict[tuple, tuple], spaces: list[OutcomeSpace], own_flags: bool
) -> tuple:
    """What must be equal for runs to share one computation: (space, terms, constraints, flags, floats).

    Runs patched from one template share their space, constraint and condition objects: their key is
    looked up by those objects' identities (``seen``, alive for the whole call) before texts are compared.
    """
    terms = pr.terms
    floats = all([type(t.value) is float or isinstance(t.value, np.floating) for t in terms])
    flags = tuple(sorted(pr.flags.items())) if own_flags and pr.flags else ()
    ids = (id(pr.space), id(pr.constraints), *[id(t.condition) for t in terms])
    key = seen.get(ids)
    if key is None:
        space = pr.space
        s = next(
            (j for j, known in enumerate(spaces) if known is space or known.issues == space.issues), None
        )
        if s is None:
            s = len(spaces)
            spaces.append(space)
        texts = tuple(t.condition.text for t in terms)
        key = seen[ids] = (s, texts, tuple(c.text for c in pr.constraints))
    return (*key, flags, floats)


def _utilities(
    prefs: Sequence[Preferences],
    digits: list[np.ndarray],
    worlds: Sequence[Mapping[str, bool]],
    out: np.ndarray,
) -> None:
    """``out[g, w]`` = ``prefs[g]`` (with the flags of world w) ``.evaluate_all()``, for runs of one structure.

    The same float operations as :meth:`Preferences.evaluate_all`, each on a (G, ...) array: c_j = w_j · s_j,
    u = c_0, u = (u ⊕ c_j) flattened (outer sum), then u + v_t · [condition_t] for each term in order. Terms
    before the first that reads a fact are added once for all worlds (the same operations, shared). Runs
    are taken a few at a time so that the intermediate arrays stay in the processor's cache.
    """
    rep = prefs[0]
    G, n = len(prefs), out.shape[-1]
    weights = np.array([p.weights for p in prefs], dtype=np.float64).reshape(G, -1)
    scores: list[np.ndarray] = []
    for j in range(weights.shape[1]):
        s0 = rep.scores[j]
        if all(p.scores[j] is s0 for p in prefs):
            scores.append(s0[None, :])
        else:
            scores.append(np.array([p.scores[j] for p in prefs], dtype=np.float64))
    terms = rep.terms
    values = np.array([[t.value for t in p.terms] for p in prefs], dtype=np.float64).reshape(G, len(terms))
    W = len(worlds)
    first_dep = next((t for t, term in enumerate(terms) if W > 1 and term.condition.flags_used), len(terms))
    # [condition] as 1.0 / 0.0: what numpy casts the booleans to in v * condition
    conds = [
        [
            term.condition.evaluate_digits(digits, env).astype(np.float64)
            for env in (worlds if t >= first_dep else worlds[:1])
        ]
        for t, term in enumerate(terms)
    ]
    caps = [p.cap for p in prefs]
    cap = None if all(c is None for c in caps) else np.array([np.inf if c is None else c for c in caps])
    step = max(1, _CHUNK // max(n, 1))
    for a in range(0, G, step):
        b = min(G, a + step)
        u = additive_sum(weights[a:b], [s if s.shape[0] == 1 else s[a:b] for s in scores])
        v = values[a:b]
        tmp = np.empty_like(u) if terms else u
        for t in range(first_dep):
            np.add(u, np.multiply(v[:, t, None], conds[t][0], out=tmp), out=u)
        if first_dep == len(terms):
            out[a:b] = u[:, None, :]
        else:
            for w in range(W):
                o = out[a:b, w]
                np.add(u, np.multiply(v[:, first_dep, None], conds[first_dep][w], out=tmp), out=o)
                for t in range(first_dep + 1, len(terms)):
                    np.add(o, np.multiply(v[:, t, None], conds[t][w], out=tmp), out=o)
        if cap is not None:  # GENIUS's min(sum, 1), after the terms as in Preferences.evaluate_all
            np.minimum(out[a:b], cap[a:b, None, None], out=out[a:b])


#: Elements of a run chunk's utility array (32768 float64: 256 KiB, within a core's L2 cache).
_CHUNK = 32768


def _acceptable(
    rep: Preferences, digits: list[np.ndarray], worlds: Sequence[Mapping[str, bool]], n: int
) -> np.ndarray:
    """(W, n): where every hard constraint holds in each world (as :meth:`Preferences.acceptable`)."""
    acc = np.ones((len(worlds), n), dtype=bool)
    for w, env in enumerate(worlds):
        for c in rep.constraints:
            acc[w] &= np.broadcast_to(c.evaluate_digits(digits, env), (n,))
    return acc
