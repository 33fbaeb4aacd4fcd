"""What a finished run directory says: headline numbers, sweep curves, leaderboards, sensitivity.

Everything here is computed from the stored tables (so it can be recomputed at any time from the run
directory) and written to ``DIR/summary.json``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from accord.experiments import metrics as M

__all__ = ["summarize", "sweep_points", "sensitivity_results", "output_columns"]


def output_columns(table: Any) -> list[str]:
    """Outputs a sensitivity study looks at: agreement, welfare, each party's utility, implementation metrics."""
    cols = ["agreement", "welfare"] + [f"utility_{i}" for i in range(M.party_count(table))]
    cols += [f"realised_utility_{i}" for i in range(M.party_count(table))]
    for name in table.column_names:
        if name.startswith("impl.") and name.count(".") == 1 and _numeric(table, name):
            cols.append(name)
    return [c for c in cols if c in table.column_names]


def _numeric(table: Any, name: str) -> bool:
    import pyarrow.types as pt

    t = table.schema.field(name).type
    return pt.is_integer(t) or pt.is_floating(t) or pt.is_boolean(t)


def _values(table: Any, name: str) -> np.ndarray:
    arr = table.column(name).to_numpy(zero_copy_only=False)
    return np.asarray(arr, dtype=np.float64)


def sweep_points(table: Any, names: list[str]) -> list[dict[str, Any]]:
    """Per grid point: the swept values, runs, agreement rate (95% Wilson interval) and mean utilities."""
    if table.num_rows == 0:
        return []
    point = table.column("point").to_numpy()
    agree = table.column("agreement").to_numpy(zero_copy_only=False).astype(bool)
    k_parties = M.party_count(table)
    out = []
    for p in np.unique(point):
        sel = np.flatnonzero(point == p)
        first = int(sel[0])
        row: dict[str, Any] = {"point": int(p)}
        row["values"] = {n: table.column(f"param.{n}")[first].as_py() for n in names}
        k, n = int(agree[sel].sum()), int(sel.size)
        row.update(runs=n, agreement_rate=k / n, agreement_rate_ci95=list(M.wilson(k, n)))
        for i in range(k_parties):
            row[f"mean_utility_{i}"] = float(_values(table, f"utility_{i}")[sel].mean())
        row["mean_welfare"] = float(_values(table, "welfare")[sel].mean())
        out.append(row)
    return out


def sensitivity_results(plan: Any, store: Any) -> dict[str, Any]:
    """Sobol indices and tornado bars of every output, from the ``sobol`` and ``oat`` tables."""
    from accord.experiments.sensitivity import sobol_indices, tornado

    names = plan.layout("sobol").extra["names"]
    sob = store.read("sobol").sort_by("run")
    oat = store.read("oat").sort_by("run")
    out: dict[str, Any] = {"parameters": names, "sobol": {}, "tornado": {}, **plan.spec["sensitivity"]}
    params = oat.column("oat_parameter").to_pylist()
    levels = oat.column("oat_level").to_pylist()
    varied = [None if not p else oat.column(f"param.{p}")[j].as_py() for j, p in enumerate(params)]
    for col in output_columns(sob):
        y, z = _values(sob, col), _values(oat, col)
        if col.startswith("impl."):  # no deal, nothing implemented: no threat reduction, no step completed
            y, z = np.nan_to_num(y, nan=0.0), np.nan_to_num(z, nan=0.0)
        if np.isfinite(y).all():
            out["sobol"][col] = sobol_indices(y, names, seed=plan.seed)
        if np.isfinite(z).all():
            out["tornado"][col] = tornado(params, levels, varied, z)
    return out


def drawn_label(plan: Any) -> str:
    """What a Monte Carlo run draws and what it holds fixed, in words (every output says it)."""
    from accord.experiments.worker import variant_doc

    src = plan.sources[0]
    if src.doc is None:
        return "nothing: the scenario has no distributions; runs differ by seed only (the strategies' own randomness)"
    groups: dict[str, list[str]] = {}
    for v in plan.spec.get("variants") or ["base"]:
        doc, unc, _ = variant_doc(src, v)
        facts = [
            n
            for n, f in ((doc.get("private") or {}).get("facts") or {}).items()
            if isinstance(f, dict) and f.get("true_value") is None and f.get("probability") is not None
        ]
        what = f"{len(unc)} uncertain number(s) of the file" if unc else "no uncertain number"
        if facts:
            what += ", private fact(s) " + ", ".join(facts)
        groups.setdefault(what, []).append(v)
    if len(groups) == 1:
        return f"{next(iter(groups))}; everything else fixed at the file's values"
    parts = [f"{', '.join(vs)}: {what}" for what, vs in groups.items()]
    return "; ".join(parts) + "; everything else fixed at the file's values"


def summarize(plan: Any, store: Any) -> dict[str, Any]:
    """The summary of a finished run (also written to ``summary.json``)."""
    from accord.experiments.store import _atomic_write_bytes

    results = store.read("results")
    s = M.summary(results)
    out: dict[str, Any] = {
        "kind": plan.kind,
        "runs": s["runs"],
        "agreement_rate": s["agreement_rate"],
        "summary": s,
    }
    if plan.kind == "tournament":
        out["negotiations"] = s["runs"]
        scoring = plan.spec.get("scoring", "utility")
        out["scoring"] = scoring
        out["leaderboard"] = M.leaderboard(results, scoring=scoring)
        out["leaderboard_per_domain"] = M.leaderboard(results, per_domain=True, scoring=scoring)
    if plan.kind == "sweep":
        out["points"] = sweep_points(results, [g[0] for g in plan.spec["params"]])
    if plan.kind == "montecarlo" and len(plan.spec["variants"]) > 1:
        import pyarrow.compute as pc

        col = results.column("variant")
        out["variants"] = [
            {"variant": v, **M.summary(results.filter(pc.equal(col, v)))} for v in plan.spec["variants"]
        ]
    if plan.kind == "montecarlo":
        out["drawn"] = drawn_label(plan)
    if plan.kind == "montecarlo" and plan.spec.get("sensitivity"):
        out["sensitivity"] = sensitivity_results(plan, store)
    out["headline"] = {"runs": s["runs"], "agreement_rate": s["agreement_rate"]}
    text = json.dumps(out, indent=2, default=str) + "\n"
    _atomic_write_bytes(store.root / "summary.json", text.encode("utf-8"))
    return out
