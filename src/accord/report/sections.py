"""Report sections of particular experiments: sweeps, sensitivity, implementation survival, tournaments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from accord.report import figures as F
from accord.report.html import esc, kv, section, table
from accord.report.pieces import _col, _Out

__all__ = ["sweep_section", "sensitivity_section", "survival_section", "tournament_section"]


def sweep_section(out: _Out, plan: Any, results: Any) -> str:
    from accord.experiments.metrics import wilson

    names = [g[0] for g in plan.spec["params"]]
    xs_all = [g[1] for g in plan.spec["params"]]
    x_name = names[0]
    xcol = results.column(f"param.{x_name}").to_pylist()
    agree = _col(results, "agreement", bool)
    gname = names[1] if len(names) > 1 else None
    gcol = results.column(f"param.{gname}").to_pylist() if gname else [None] * len(xcol)
    gvals = xs_all[1] if gname else [None]
    xs = xs_all[0]
    rate, lo, hi, groups, rows = [], [], [], {}, []
    for gv in gvals:
        idx = []
        for xv in xs:
            sel = np.array([(a == xv and b == gv) for a, b in zip(xcol, gcol, strict=True)])
            k, n = int(agree[sel].sum()), int(sel.sum())
            lw, hg = wilson(k, n)
            idx.append(len(rate))
            rate.append(k / n if n else np.nan)
            lo.append(lw)
            hi.append(hg)
            rows.append((xv,) + ((gv,) if gname else ()) + (n, k / n if n else None, f"{lw:.1%} – {hg:.1%}"))
        groups[f"{gname} = {gv}" if gname else ""] = np.array(idx)
    xx = [xs[i % len(xs)] for i in range(len(rate))]
    fig = F.sweep_curve(xx, np.array(rate), np.array(lo), np.array(hi), x_name, groups if gname else None)
    cap = f"Share of runs ending in a deal as {esc(x_name)} varies"
    if len(names) > 2:
        cap += f" (pooled over {', '.join(map(esc, names[2:]))})"
    headers = [x_name] + ([gname] if gname else []) + ["runs", "agreement rate", "95% interval"]
    return section(
        "Agreement against the swept parameter",
        out.fig(fig, "sweep", cap + ", with the 95% Wilson interval."),
        table(headers, rows),
        anchor="sweep",
    )


#: Outputs the report studies (more are in summary.json): (column, label, shown in percent).
def _sensitivity_outputs(names: list[str], have: set[str]) -> list[tuple[str, str, bool]]:
    outs = [("agreement", "agreement probability", True)]
    for i, n in enumerate(names):
        if f"realised_utility_{i}" in have:
            outs.append((f"realised_utility_{i}", f"{n}: utility after implementation (0-1 scale)", False))
        else:
            outs.append((f"utility_{i}", f"{n}: utility (0-1 scale, walk-away value without a deal)", False))
    outs.append(("impl.threat_reduction", "threat reduction (share of the programme, no deal = 0)", False))
    return outs


def sensitivity_section(out: _Out, sens: dict[str, Any], names: list[str] | None = None) -> str:
    """Tornado and Sobol charts per output; an output no input moved is said so in one line."""
    tornados, sobols = sens.get("tornado", {}), sens.get("sobol", {})
    if not any(c in tornados or c in sobols for c in ("agreement", "impl.threat_reduction")) and not names:
        return ""
    parts = [
        "<p>Which uncertain input drives each result of the base scenario: a one-at-a-time tornado (each input at its "
        f"{sens['quantiles'][0]:.0%} and {sens['quantiles'][1]:.0%} quantiles, the others at their nominal "
        f"values, {sens['oat_runs']} seeded runs per point) and Sobol indices from a Saltelli design of "
        f"{sens['samples']} base samples (SALib), every input drawn from its own distribution.</p>"
    ]
    flat = []
    for col, label, pct in _sensitivity_outputs(list(names or []), set(tornados) | set(sobols)):
        tor, s = tornados.get(col), sobols.get(col)
        if tor is None and s is None:
            continue
        moved_oat = tor is not None and any(b["swing"] > 0 for b in tor["bars"])
        varied = s is not None and not s.get("constant")
        if not moved_oat and not varied:
            base = tor["base"] if tor is not None else None
            shown = (
                ""
                if base is None
                else f" (it stayed at {base:.1%})"
                if pct
                else f" (it stayed at {base:.3g})"
            )
            flat.append(f"{esc(label)}{shown}")
            continue
        if moved_oat:
            fig = F.tornado_chart(tor["bars"], tor["base"], label, percent=pct)
            parts.append(
                out.fig(
                    fig,
                    f"tornado_{col.replace('.', '_')}",
                    f"Tornado of {esc(label)}: bars from the input's low to its high quantile around the baseline "
                    "(all inputs nominal); labels give the input's low → high value, inputs ordered by swing.",
                )
            )
        if varied:
            fig = F.sobol_chart(s["names"], s["S1"], s["S1_conf"], s["ST"], s["ST_conf"], label)
            parts.append(
                out.fig(
                    fig,
                    f"sobol_{col.replace('.', '_')}",
                    f"Sobol indices of {esc(label)}: share of its variance due to each input alone (S1) and "
                    f"with interactions (ST), {s['n']} base samples; bars show 95% bootstrap intervals "
                    "(small designs give wide intervals and estimates slightly below 0).",
                )
            )
            order = np.argsort(-np.asarray(s["ST"]), kind="stable")
            parts.append(
                table(
                    ["input", "S1", "± 95%", "ST", "± 95%"],
                    [
                        (s["names"][j], s["S1"][j], s["S1_conf"][j], s["ST"][j], s["ST_conf"][j])
                        for j in order
                    ],
                )
            )
    if flat:
        parts.append(
            "<p>Not moved by any uncertain input (over the tornado's points and the Sobol design): "
            + "; ".join(flat)
            + ".</p>"
        )
    return section("What drives the result", *parts, anchor="sensitivity")


_DURATION = ("impl.steps_completed", "impl.survival_steps", "impl.duration")
_BROKEN = ("impl.collapsed", "impl.breakdown", "impl.failed")


def implementation_durations(results: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(durations, broke) of the implemented deals of a results table, for Kaplan-Meier; None if the table
    has no implementation columns.

    The engine counts a step as carried out once its deliveries are made, and a violation caught in step k
    ends the deal right after them (:mod:`accord.implementation.engine`), so a deal that broke down
    (``impl.completed`` false, or ``impl.collapsed`` true) broke in step ``impl.steps_completed`` itself; a
    completed deal is censored at its last step, still at risk there (Kaplan & Meier 1958: deaths before
    censorings at a tie). Neither falls to zero past the schedule's end.
    """
    cols = results.column_names
    dcol = next((c for c in _DURATION if c in cols), None)
    if dcol is None:
        return None
    agree = _col(results, "agreement", bool)
    if "impl.completed" in cols:
        broken = np.asarray([x is False for x in results.column("impl.completed").to_pylist()], dtype=bool)
    else:
        ecol = next((c for c in _BROKEN if c in cols), None)
        if ecol is None:
            return None
        broken = np.asarray([bool(x) for x in results.column(ecol).to_pylist()], dtype=bool)
    d = _col(results, dcol)[agree]
    e = broken[agree]
    ok = np.isfinite(d)
    return d[ok], e[ok]


def _variants_of(results: Any, agree: np.ndarray) -> dict[str, np.ndarray]:
    """Row masks of each variant that has implemented deals (a table without a variant column: one)."""
    if "variant" not in results.column_names:
        return {"all": np.ones(results.num_rows, dtype=bool)}
    names = np.asarray([str(v) for v in results.column("variant").to_pylist()])
    return {v: names == v for v in dict.fromkeys(names[agree].tolist())}


def survival_section(out: _Out, results: Any) -> str:
    """Kaplan-Meier survival of implemented deals and a summary of their implementation."""
    from accord.report.survival import kaplan_meier

    cols = results.column_names
    de = implementation_durations(results)
    if de is None or not de[0].size:
        return ""
    d, e = de
    agree = _col(results, "agreement", bool)
    variants = _variants_of(results, agree)
    if len(variants) > 1:  # each variant its own schedule: one curve each, never pooled
        curves = []
        for name, rows in variants.items():
            sub = implementation_durations(results.filter(pa.array(rows)))
            if sub is not None and sub[0].size:
                curves.append((name, sub, kaplan_meier(*sub)))
        (n0, (d0, _), (t, surv, lo, hi)) = curves[0]
        fig = F.survival_curve(
            t,
            surv,
            lo,
            hi,
            f"{n0} ({d0.size:,} deals)",
            "step of the implementation schedule",
            others=[(f"{n} ({dd.size:,} deals)", km[0], km[1]) for n, (dd, _), km in curves[1:]],
        )
    else:
        t, surv, lo, hi = kaplan_meier(d, e)
        fig = F.survival_curve(
            t, surv, lo, hi, f"{d.size:,} implemented deals", "step of the implementation schedule"
        )
    rows: list[tuple[str, Any]] = []
    if len(variants) > 1:
        for n, (dd, ee), _ in curves:
            rows.append(
                (
                    f"{n}: deals implemented, completed, mean steps carried out",
                    f"{dd.size:,}; {1 - ee.mean():.1%}; {dd.mean():.2f}",
                )
            )
        rows.append(("all variants pooled (schedules differ): deals implemented", int(d.size)))
    else:
        rows += [
            ("deals implemented", int(d.size)),
            ("completed without an ending consequence", f"{1 - e.mean():.1%}"),
            ("mean steps carried out", float(d.mean())),
        ]
    pooled = ", all variants pooled" if len(variants) > 1 else ""
    for c in ("impl.threat_reduction", "impl.dismantled_share", "impl.relief_delivered"):
        if c in cols:
            x = _col(results, c)[agree]
            if np.isfinite(x).any():
                rows.append((f"mean {c[5:].replace('_', ' ')} (deals{pooled})", float(np.nanmean(x))))
    for c in cols:
        if c.startswith(("impl.cheated.", "impl.caught.")):
            x = np.asarray([v is True for v in results.column(c).to_pylist()], dtype=bool)[agree]
            what, party = c[5:].split(".", 1)
            rows.append((f"{party} {what} (share of deals{pooled})", f"{x.mean():.1%}"))
    return section(
        "Implementation",
        out.fig(
            fig,
            "survival",
            "Kaplan-Meier estimate of the share of deals still intact after each step (95% Greenwood interval).",
        ),
        kv(rows),
        anchor="implementation",
    )


def tournament_section(out: _Out, results: Any, summary: dict[str, Any]) -> str:
    from accord.experiments.metrics import _long

    board = summary["leaderboard"]
    anac = summary.get("scoring", "utility") == "anac"
    measure = "discounted_utility" if anac else "utility"
    long = _long(results)
    sem = []
    for r in board:
        u = long[measure][long["negotiator"] == r["negotiator"]]
        sem.append(float(u.std(ddof=1) / np.sqrt(u.size)) if u.size > 1 else 0.0)
    # The chart draws each row's "mean_utility": under ANAC scoring, the score (mean discounted utility).
    drawn = [{**r, "mean_utility": r.get("score", r["mean_utility"])} for r in board] if anac else board
    how = (
        "ANAC scoring: mean discounted utility (a deal's utility discounted to the time it was reached; "
        "without a deal, the reservation value discounted to the time the talks ended)"
        if anac
        else "mean utility (the reservation value without a deal)"
    )
    parts = [
        out.fig(
            F.leaderboard_chart(drawn, sem),
            "leaderboard",
            f"Strategies ranked by {how}, over every negotiation each played (either side), with its agreement rate.",
        )
    ]
    names = [r["negotiator"] for r in sorted(board, key=lambda r: r["negotiator"])]
    if "negotiator_1" in results.column_names and "negotiator_2" not in results.column_names:
        pos = {n: i for i, n in enumerate(names)}
        S, C = np.zeros((len(names), len(names))), np.zeros((len(names), len(names)))
        n0, n1 = _col(results, "negotiator_0", object), _col(results, "negotiator_1", object)
        u0, u1 = _col(results, "utility_0"), _col(results, "utility_1")
        for a, b, x, y in zip(n0, n1, u0, u1, strict=True):
            S[pos[a], pos[b]] += x
            C[pos[a], pos[b]] += 1
            S[pos[b], pos[a]] += y
            C[pos[b], pos[a]] += 1
        with np.errstate(invalid="ignore", divide="ignore"):
            M = np.where(C > 0, S / np.maximum(C, 1), np.nan)
        parts.append(
            out.fig(
                F.pair_matrix(names, M),
                "pairs",
                "Mean utility of the row strategy against the column strategy.",
            )
        )
    cols = [
        "rank",
        "negotiator",
        "negotiations",
        "score",
        "mean_utility",
        "mean_discounted_utility",
        "agreement_rate",
        "mean_welfare",
        "mean_nash_product",
        "mean_dist_pareto",
        "mean_dist_nash",
        "mean_dist_ks",
        "mean_dist_max_welfare",
        "mean_rounds",
    ]
    if any(r.get("mean_wall_seconds") is not None for r in board):
        cols.append("mean_wall_seconds")  # wall-clock seconds per negotiation (timed tournaments)
    parts.append(table(cols, [[r.get(c) for c in cols] for r in board]))
    per = summary.get("leaderboard_per_domain") or []
    if len({r["scenario"] for r in per}) > 1:
        pc = ["scenario", *cols]
        parts.append("<h3>Per domain</h3>" + table(pc, [[r.get(c) for c in pc] for r in per]))
    return section("Tournament", *parts, anchor="tournament")
