"""Metrics of negotiations as the field reports them, per run and aggregated (leaderboards).

Per run (one row of the results table), following the GENIUS tournament log and the ANL summaries
(Lin et al. 2014, "Genius: an integrated environment for supporting the design of generic automated
negotiators", Computational Intelligence 30(1); formats.md §3.3-3.4): agreement, the end (agreement,
walk-away, deadline), rounds, each party's utility (the reservation value without a deal), its discounted
utility and advantage (utility minus reservation), social welfare (the sum), the Nash product
``Π (u_i - r_i)``, and the Euclidean distances in utility space from the point reached to the Pareto
frontier and to the Nash, Kalai-Smorodinsky and max-welfare points. The frontier, the solution points and
the distances come from :mod:`accord.analysis.solutions` (nothing is recomputed here).

Aggregates: agreement rate, means, and a leaderboard per strategy (every negotiation a strategy took
part in, from the side it played) and per strategy and domain.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from accord.analysis.solutions import ScenarioAnalysis
    from accord.model.scenario import CompiledScenario
    from accord.protocols.alternating import Result

__all__ = ["run_metrics", "talks_metrics", "summary", "leaderboard", "DISTANCE_COLUMNS", "party_count"]

DISTANCE_COLUMNS = {
    "pareto": "dist_pareto",
    "nash": "dist_nash",
    "kalai_smorodinsky": "dist_ks",
    "max_welfare": "dist_max_welfare",
}


def _f(x: object) -> float | None:
    if x is None:
        return None
    v = float(x)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def run_metrics(compiled: CompiledScenario, analysis: ScenarioAnalysis, result: Result) -> dict[str, Any]:
    """The metric columns of one negotiation (positional per party: ``utility_0``, ``utility_1``, ...)."""
    names = compiled.scenario.party_names
    u = np.array([result.utilities[n] for n in names], dtype=np.float64)
    r = np.asarray(compiled.reservations, dtype=np.float64)
    row: dict[str, Any] = {
        "agreement": bool(result.agreement),
        "end": result.end,
        "walked_away_by": result.walked_away_by,
        "rounds": int(result.rounds),
        "time": float(result.time),
        "outcome_index": None if result.outcome_index is None else int(result.outcome_index),
        "outcome": None if result.outcome is None else json.dumps(result.outcome, default=str),
    }
    for i, n in enumerate(names):
        row[f"party_{i}"] = n
        row[f"utility_{i}"] = float(u[i])
        row[f"discounted_utility_{i}"] = float(result.discounted_utilities[n])
        row[f"reservation_{i}"] = float(r[i])
        row[f"advantage_{i}"] = float(u[i] - r[i])
    row.update(_point_metrics(compiled, analysis, u, r, bool(result.agreement)))
    return row


def _point_metrics(
    compiled: Any, analysis: Any, u: np.ndarray, r: np.ndarray, agreed: bool
) -> dict[str, Any]:
    from accord.analysis.solutions import distances, nash_products, welfare

    row: dict[str, Any] = {
        "welfare": float(welfare(u[:, None])[0]),
        "nash_product": float(nash_products(u[:, None], r)[0]),
    }
    d = distances(u[:, None], 0, analysis)
    for key, col in DISTANCE_COLUMNS.items():
        row[col] = _f(d.get(key))
    row["pareto_optimal"] = bool(agreed and d.get("pareto") == 0.0)
    return row


def point_metrics_many(
    utilities: np.ndarray,
    acceptable: np.ndarray | None,
    reservations: np.ndarray,
    points: np.ndarray,
    agreed: np.ndarray,
) -> list[dict[str, Any]]:
    """The point columns of ``_point_metrics`` for R runs at once, each run with its own scenario arrays.

    ``utilities`` (R, P, n) and ``acceptable`` (R, P, n) or (P, n) are each run's
    ``CompiledScenario.utilities`` and ``.acceptable``, ``reservations`` (R, P) its reservations (used
    for the analysis and the Nash product), ``points`` (R, P) the utilities reached, ``agreed`` (R,).
    Row k equals ``_point_metrics(c_k, analyze(c_k), points[k], reservations[k], agreed[k])`` exactly
    (same keys, bit-identical floats); the analysis is :func:`accord.analysis.batch.analyze_many`.
    """
    from accord.analysis.batch import analyze_many, point_distances_many

    u = np.asarray(points, dtype=np.float64)
    r = np.asarray(reservations, dtype=np.float64)
    ok = np.asarray(agreed, dtype=bool)
    R, P = u.shape
    if r.shape != (R, P) or ok.shape != (R,):
        raise ValueError(f"reservations must be {(R, P)} and agreed {(R,)}, got {r.shape} and {ok.shape}")
    analysis = analyze_many(utilities, acceptable, r, counts=False)
    d = point_distances_many(analysis, u)
    welfare = u[:, 0].copy()
    product = u[:, 0] - r[:, 0]
    for i in range(1, P):
        welfare += u[:, i]
        product = product * (u[:, i] - r[:, i])
    optimal = (ok & (d["pareto"] == 0.0)).tolist()
    cols = [(col, d[key].tolist()) for key, col in DISTANCE_COLUMNS.items()]
    rows = []
    for k, (w, p) in enumerate(zip(welfare.tolist(), product.tolist(), strict=True)):
        row: dict[str, Any] = {"welfare": w, "nash_product": p}
        for col, vals in cols:
            v = vals[k]
            row[col] = v if math.isfinite(v) else None
        row["pareto_optimal"] = optimal[k]
        rows.append(row)
    return rows


def outcome_cell(
    space: Any, idx: int, cache: dict[int, tuple[dict[str, object], str]] | None = None
) -> tuple[dict[str, object], str]:
    """An outcome as {issue: value} and as the JSON text of the ``outcome`` column (``cache``: by index,
    for the many runs of a chunk that agree on the same few outcomes)."""
    hit = None if cache is None else cache.get(idx)
    if hit is None:
        out = space.outcome(idx)
        hit = (out, json.dumps(out, default=str))
        if cache is not None:
            cache[idx] = hit
    return hit


def talks_metrics(
    batch: Any,
    points: Sequence[Mapping[str, Any]] | None = None,
    compiled: CompiledScenario | None = None,
    analysis: ScenarioAnalysis | None = None,
    outcomes: dict[int, tuple[dict[str, object], str]] | None = None,
) -> list[dict[str, Any]]:
    """The columns of every run of a batch of staged talks with implementation (:mod:`accord.protocols.talks`).

    Utilities are the agreed outcome's in the true world (walk-away values without a deal);
    ``realised_utility_i`` is what implementation delivered. ``stage.<name>.end``/``.rounds`` describe each
    stage; ``impl.*`` the implementation of the deal (completed, steps completed, threat reduction,
    dismantled share, relief delivered, who cheated and who was caught), empty without a deal.
    Distances refer to the base scenario's utilities (:mod:`accord.analysis.solutions`): ``points`` gives
    those columns per run when they were computed for many runs at once (``point_metrics_many``), else they
    come from ``compiled`` and ``analysis`` (one scenario for the whole batch). The batch's ``reservations``
    are the walk-away values of each run when its runs' scenarios differ.
    """
    ts = batch.talks
    names = ts.party_names
    R = len(batch.results)
    if getattr(batch, "reservations", None) is not None:
        res_rows = np.asarray(batch.reservations, dtype=np.float64)
    else:
        from accord.protocols.talks import compiled as compiled_talks

        res_rows = np.broadcast_to(
            np.asarray(compiled_talks(ts).worlds.reservations, dtype=np.float64), (R, len(names))
        )
    nominal = np.asarray(batch.nominal, dtype=np.float64)
    u_l, r_l = nominal.tolist(), res_rows.tolist()
    adv_l = (nominal - res_rows).tolist()
    real_l = np.asarray(batch.realised, dtype=np.float64).tolist()
    impl = None
    if ts.implementation is not None:
        o = batch.impl
        slot = (np.cumsum(batch.agreed) - 1).tolist()  # row of run k in the implementation outcome
        impl = (
            None
            if o is None
            else (
                o.completed.tolist(),
                o.steps_completed.astype(np.float64).tolist(),
                [
                    [_f(x) for x in getattr(o, key).tolist()]
                    for key in ("threat_reduction", "dismantled_share", "relief_delivered")
                ],
                o.cheated.tolist(),
                o.caught.tolist(),
            )
        )
    rows = []
    space = ts.scenario.space
    for k, res in enumerate(batch.results):
        idx = res.outcome_index
        row: dict[str, Any] = {
            "agreement": bool(res.agreement),
            "end": res.end,
            "walked_away_by": res.walked_away_by,
            "rounds": int(res.rounds),
            "time": None,
            "outcome_index": None if idx is None else int(idx),
            "outcome": None if idx is None else outcome_cell(space, int(idx), outcomes)[1],
        }
        u, r, adv, real = u_l[k], r_l[k], adv_l[k], real_l[k]
        for i, n in enumerate(names):
            row[f"party_{i}"] = n
            row[f"utility_{i}"] = u[i]
            row[f"discounted_utility_{i}"] = None
            row[f"reservation_{i}"] = r[i]
            row[f"advantage_{i}"] = adv[i]
            row[f"realised_utility_{i}"] = real[i]
        if points is not None:
            row.update(points[k])
        else:
            row.update(_point_metrics(compiled, analysis, nominal[k], res_rows[k], bool(res.agreement)))
        for st in res.stages:
            row[f"stage.{st.name}.end"] = st.end
            row[f"stage.{st.name}.rounds"] = int(st.rounds)
        if ts.implementation is not None:
            m = slot[k] if res.agreement and impl is not None else None
            row["impl.completed"] = None if m is None else bool(impl[0][m])
            row["impl.steps_completed"] = None if m is None else impl[1][m]
            for key, vals in zip(
                ("threat_reduction", "dismantled_share", "relief_delivered"),
                impl[2] if impl else ((), (), ()),
                strict=True,
            ):
                row[f"impl.{key}"] = None if m is None else vals[m]
            for i, n in enumerate(names):
                row[f"impl.cheated.{n}"] = None if m is None else bool(impl[3][m][i])
                row[f"impl.caught.{n}"] = None if m is None else bool(impl[4][m][i])
        rows.append(row)
    return rows


def party_count(table: pa.Table) -> int:
    """How many ``utility_i`` columns the table has."""
    k = 0
    while f"utility_{k}" in table.column_names:
        k += 1
    return k


def _col(table: pa.Table, name: str, dtype: Any = np.float64) -> np.ndarray:
    col = table.column(name)
    if dtype is object:
        return np.asarray(col.to_pylist(), dtype=object)
    arr = col.to_numpy(zero_copy_only=False)
    return arr.astype(dtype) if dtype is not None else arr


def _nanmean(x: np.ndarray) -> float | None:
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else None


def summary(table: pa.Table) -> dict[str, Any]:
    """Run-level aggregates: runs, agreement rate (with a 95% Wilson interval), means per party, rounds."""
    n = table.num_rows
    if n == 0:
        return {"runs": 0, "agreement_rate": None}
    agree = _col(table, "agreement", bool)
    k = int(agree.sum())
    out: dict[str, Any] = {
        "runs": n,
        "agreements": k,
        "agreement_rate": k / n,
        "agreement_rate_ci95": list(wilson(k, n)),
        "mean_rounds": float(_col(table, "rounds").mean()),
        "mean_welfare": float(_col(table, "welfare").mean()),
    }
    means: dict[str, float | None] = {}
    for i in range(party_count(table)):
        names = _col(table, f"party_{i}", object)
        u = _col(table, f"utility_{i}")
        label = str(names[0]) if len(set(names.tolist())) == 1 else f"party_{i}"
        means[label] = _nanmean(u)
    out["mean_utilities"] = means
    for col in DISTANCE_COLUMNS.values():
        out[f"mean_{col}"] = _nanmean(_col(table, col))
    return out


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (Wilson 1927, JASA 22(158):209-212)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


_BOARD_METRICS = (
    ("utility", "mean_utility"),
    ("discounted_utility", "mean_discounted_utility"),
    ("advantage", "mean_advantage"),
)
_SHARED_METRICS = (
    ("welfare", "mean_welfare"),
    ("nash_product", "mean_nash_product"),
    ("dist_pareto", "mean_dist_pareto"),
    ("dist_nash", "mean_dist_nash"),
    ("dist_ks", "mean_dist_ks"),
    ("dist_max_welfare", "mean_dist_max_welfare"),
    ("rounds", "mean_rounds"),
)


def _long(table: pa.Table) -> dict[str, np.ndarray]:
    """One entry per (negotiation, side): negotiator, scenario, own metrics and the shared ones."""
    k = party_count(table)
    parts: dict[str, list[np.ndarray]] = {}
    for i in range(k):
        if f"negotiator_{i}" not in table.column_names:
            continue
        neg = _col(table, f"negotiator_{i}", object)
        present = np.array([v is not None for v in neg])
        pieces = {"negotiator": neg, "scenario": _col(table, "scenario", object)}
        pieces["agreement"] = _col(table, "agreement", bool)
        for src, _ in _BOARD_METRICS:
            pieces[src] = _col(table, f"{src}_{i}")
        for src, _ in _SHARED_METRICS:
            pieces[src] = _col(table, src)
        if "wall_seconds" in table.column_names:  # timed tournaments
            pieces["wall_seconds"] = _col(table, "wall_seconds")
        for key, arr in pieces.items():
            parts.setdefault(key, []).append(arr[present])
    return {key: np.concatenate(v) for key, v in parts.items()} if parts else {}


#: The leaderboard column each tournament scoring ranks by (see accord.experiments.plans.SCORING).
SCORE_COLUMNS = {"utility": "mean_utility", "anac": "mean_discounted_utility"}


def _board(
    long: Mapping[str, np.ndarray], keys: Sequence[str], scoring: str = "utility"
) -> list[dict[str, Any]]:
    if not long:
        return []
    score = SCORE_COLUMNS[scoring]
    groups: dict[tuple, list[int]] = {}
    cols = [long[k] for k in keys]
    for j in range(len(long["negotiator"])):
        groups.setdefault(tuple(str(c[j]) for c in cols), []).append(j)
    rows = []
    for g, idx in groups.items():
        ix = np.asarray(idx)
        row: dict[str, Any] = dict(zip(keys, g, strict=True))
        row["negotiations"] = int(ix.size)
        row["agreement_rate"] = float(long["agreement"][ix].mean())
        for src, dst in (*_BOARD_METRICS, *_SHARED_METRICS):
            row[dst] = _nanmean(long[src][ix].astype(np.float64))
        if "wall_seconds" in long:
            row["mean_wall_seconds"] = _nanmean(long["wall_seconds"][ix].astype(np.float64))
        row["scoring"], row["score"] = scoring, row[score]
        rows.append(row)

    def order(r: dict[str, Any]) -> tuple:
        mu = r["score"]
        return (*(r[k] for k in keys[:-1]), -(mu if mu is not None else -math.inf), r[keys[-1]])

    rows.sort(key=order)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def leaderboard(table: pa.Table, per_domain: bool = False, scoring: str = "utility") -> list[dict[str, Any]]:
    """Strategies ranked by their score (ties kept in name order); ``per_domain`` ranks within each scenario.

    A strategy's utility is what it got from the side it played, averaged over every negotiation it took
    part in (both sides of a self-play count). Shared metrics (welfare, distances, rounds, wall-clock
    seconds when timed) are averaged over the same negotiations. ``scoring="utility"`` ranks by mean
    utility (the reservation value without a deal); ``"anac"`` by mean discounted utility, as the ANAC
    competitions scored (Baarslag et al. 2013, "Evaluating practical negotiating agents: results and
    analysis of the 2011 international competition", Artificial Intelligence 198: a deal's utility
    discounted to the time it was reached, the reservation value discounted to the time the talks ended
    without one; every agent plays both roles).
    """
    if scoring not in SCORE_COLUMNS:
        raise ValueError(f"scoring must be one of {sorted(SCORE_COLUMNS)}")
    long = _long(table)
    if not per_domain:
        return _board(long, ["negotiator"], scoring)
    rows = _board(long, ["scenario", "negotiator"], scoring)
    rank, last = 0, None
    for row in rows:
        rank = 1 if row["scenario"] != last else rank + 1
        last = row["scenario"]
        row["rank"] = rank
    return rows
