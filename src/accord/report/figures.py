"""Figures of a run, made to be read in print: labelled axes with their units, legends, large enough type.

Every function takes plain arrays and returns a :class:`matplotlib.figure.Figure` (the object API, no
pyplot state, no display needed). Colours are the Okabe-Ito palette, distinguishable in colour-blind
vision and in greyscale with the marker shapes (Okabe & Ito 2008, "Color universal design").
Utilities are on each party's own scale (1 = its best outcome when the scenario is normalised); the
standard plots follow formats.md §3.4 (the GENIUS util-util graph, utility over rounds, tournament bars).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "utility_space",
    "dance",
    "concession",
    "utility_distribution",
    "outcome_frequencies",
    "sweep_curve",
    "tornado_chart",
    "sobol_chart",
    "survival_curve",
    "leaderboard_chart",
    "pair_matrix",
    "reliability_diagram",
]

COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
UTILITY = "utility (own scale, 1 = best)"
ROUND = "round (each party acts once per round)"


def _figure(w: float = 6.4, h: float = 4.4) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), layout="constrained")
    fig.set_dpi(150)
    return fig


def _style(ax: Any) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def utility_space(
    U: np.ndarray,
    names: Sequence[str],
    pareto: np.ndarray,
    solutions: Mapping[str, np.ndarray | None],
    reservations: np.ndarray,
    agreements: np.ndarray | None = None,
    counts: np.ndarray | None = None,
    trajectory: Sequence[tuple[int, np.ndarray]] | None = None,
    title: str = "",
    note: str = "",
) -> Any:
    """All outcomes (grey), the Pareto frontier, Nash / KS / max-welfare points, walk-away lines, deals reached.

    ``U`` holds the first two parties' utilities (2, N); ``agreements`` (k, 2) distinct points reached with
    their ``counts``; ``trajectory`` the offers of a sample run as (proposer, (u0, u1)).
    """
    fig = _figure(6.4, 6.0)
    ax = fig.add_subplot()
    big = U.shape[1] > 20000
    ax.scatter(U[0], U[1], s=2 if big else 9, c="#b0b0b0", linewidths=0, rasterized=big, label="all outcomes")
    if pareto.size:
        F = U[:, pareto]
        o = np.argsort(F[0])
        ax.plot(F[0, o], F[1, o], "-", color="#000000", lw=1.2, marker=".", ms=4, label="Pareto frontier")
    ax.axvline(reservations[0], color=COLORS[0], ls="--", lw=1, label=f"walk-away value, {names[0]}")
    ax.axhline(reservations[1], color=COLORS[1], ls="--", lw=1, label=f"walk-away value, {names[1]}")
    marks = {
        "nash": ("*", "Nash", 12),
        "kalai_smorodinsky": ("D", "Kalai-Smorodinsky", 14),
        "max_welfare": ("s", "max welfare", 8),
    }
    for key, (m, label, size) in marks.items():
        pt = solutions.get(key)
        if pt is not None:
            ax.plot(
                pt[0],
                pt[1],
                m,
                ms=size,
                mfc="none" if key != "nash" else COLORS[4],
                mec="#000000",
                mew=1.2,
                ls="none",
                label=label,
            )
    if trajectory:
        for p in sorted({p for p, _ in trajectory}):
            pts = np.array([u for q, u in trajectory if q == p])
            ax.plot(
                pts[:, 0],
                pts[:, 1],
                "-",
                marker=MARKERS[p % 8],
                color=COLORS[p % 8],
                ms=4,
                lw=0.8,
                alpha=0.8,
                label=f"offers of {names[p]} (sample run)",
            )
    if agreements is not None and len(agreements):
        c = np.ones(len(agreements)) if counts is None else np.asarray(counts, dtype=float)
        if len(agreements) > 40:  # continuous draws: every deal is its own point
            ax.scatter(
                agreements[:, 0],
                agreements[:, 1],
                s=10,
                color=COLORS[2],
                alpha=0.45,
                linewidths=0,
                label="deals reached (one dot per distinct deal)",
            )
        else:
            size = 30 + 220 * c / c.max()
            ax.scatter(
                agreements[:, 0],
                agreements[:, 1],
                s=size,
                facecolors="none",
                edgecolors=COLORS[2],
                linewidths=1.5,
                label="deals reached (size = share of runs)",
            )
    ax.set_xlabel(f"{names[0]}: {UTILITY}")
    ax.set_ylabel(f"{names[1]}: {UTILITY}")
    ax.set_title(title or "Utility space")
    _style(ax)
    fig.legend(loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    if note:
        ax.text(0.99, 0.99, note, transform=ax.transAxes, fontsize=7, color="#555555", ha="right", va="top")
    return fig


def dance(
    rounds: np.ndarray,
    proposer: np.ndarray,
    utilities: np.ndarray,
    names: Sequence[str],
    end: str = "",
    stages: Sequence[tuple[str, int]] = (),
) -> Any:
    """The negotiation dance of one run: each offer's utility for every party, over rounds, marked by proposer.

    ``stages`` (name, first round) marks where each stage of staged talks begins.
    """
    n = utilities.shape[1]
    fig = _figure(6.4, 2.2 + 1.5 * n)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    for j, ax in enumerate(axes):
        for name, start in stages:
            ax.axvline(start + 0.5, color="#999999", ls=":", lw=1)
            if j == 0:
                ax.text(
                    start + 0.6,
                    0.02,
                    name.replace("_", " "),
                    transform=ax.get_xaxis_transform(),
                    fontsize=7,
                    va="bottom",
                    color="#555555",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
        ax.plot(rounds + 1, utilities[:, j], "-", color="#888888", lw=0.8)
        for p in range(n):
            sel = proposer == p
            ax.plot(
                rounds[sel] + 1,
                utilities[sel, j],
                MARKERS[p % 8],
                color=COLORS[p % 8],
                ms=5,
                ls="none",
                label=f"offer by {names[p]}",
            )
        ax.set_ylabel(f"{names[j]}:\n{UTILITY}", fontsize=8)
        _style(ax)
    axes[0].legend(fontsize=7, loc="best")
    axes[0].set_title(f"Negotiation dance of a sample run{f' (ended: {end})' if end else ''}")
    axes[-1].set_xlabel(ROUND)
    return fig


def concession(curves: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]], names: Sequence[str]) -> Any:
    """Concession curves: each party's utility of its own offers against normalised time, one line per run."""
    fig = _figure()
    ax = fig.add_subplot()
    for p, runs in enumerate(curves):
        for k, (t, u) in enumerate(runs):
            ax.plot(
                t,
                u,
                "-",
                color=COLORS[p % 8],
                lw=0.8,
                alpha=0.35 if len(runs) > 1 else 1.0,
                marker=MARKERS[p % 8],
                ms=3,
                label=names[p] if k == 0 else None,
            )
    ax.set_xlabel("normalised time t (0 = first round, 1 = deadline)")
    ax.set_ylabel(f"own utility of own offers: {UTILITY}")
    ax.set_title(f"Concession curves ({max((len(r) for r in curves), default=0)} sample runs)")
    ax.set_xlim(-0.02, 1.02)
    _style(ax)
    ax.legend(fontsize=8)
    return fig


def utility_distribution(utilities: Sequence[np.ndarray], names: Sequence[str], agreement: np.ndarray) -> Any:
    """Histogram of each party's utility over the runs, deals and no-deals stacked."""
    n = len(names)
    fig = _figure(6.4, 1.9 + 1.5 * n)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    allu = np.concatenate([u[np.isfinite(u)] for u in utilities]) if utilities else np.array([0.0, 1.0])
    lo, hi = (float(allu.min()), float(allu.max())) if allu.size else (0.0, 1.0)
    bins = np.linspace(lo, hi if hi > lo else lo + 1e-9, 31)
    for j, ax in enumerate(axes):
        u = utilities[j]
        ax.hist(
            [u[agreement], u[~agreement]],
            bins=bins,
            stacked=True,
            color=[COLORS[2], "#999999"],
            label=["deal", "no deal (walk-away value)"],
        )
        ax.set_ylabel(f"{names[j]}:\nnumber of runs", fontsize=8)
        _style(ax)
    axes[0].legend(fontsize=7)
    axes[0].set_title(f"Distribution of outcomes over {len(agreement):,} runs")
    axes[-1].set_xlabel(UTILITY)
    return fig


def outcome_frequencies(labels: Sequence[str], counts: Sequence[int], total: int) -> Any:
    """The most frequent results (deals and the ways talks ended without one), as shares of the runs."""
    import textwrap

    # whole labels (a deal names every issue), wrapped at the commas rather than cut: two deals that differ
    # only in the last issue must still read differently
    wrapped = [textwrap.fill(str(lab), width=58, break_long_words=False) for lab in labels]
    lines = [w.count("\n") + 1 for w in wrapped]
    fig = _figure(7.6, 1.3 + 0.17 * sum(lines) + 0.12 * len(labels))
    ax = fig.add_subplot()
    heights = np.asarray(lines, dtype=float) * 0.17 + 0.12
    centres = np.cumsum(heights) - heights / 2
    y = centres[-1] + centres[0] - centres if len(centres) else centres  # most frequent on top
    share = np.asarray(counts, dtype=float) / max(total, 1)
    ax.barh(y, share * 100, height=np.minimum(0.8 * heights, 0.28), color=COLORS[0])
    for yy, v in zip(y, share * 100, strict=True):
        ax.text(v, yy, f" {v:.1f}%", va="center", fontsize=7)
    ax.set_yticks(y, wrapped, fontsize=6.5)
    ax.set_xlim(0, max(float(share.max() * 100) if share.size else 1.0, 1.0) * 1.15)
    ax.set_xlabel("share of runs (%)")
    ax.set_ylabel("result (deal reached, or how talks ended)")
    fig.suptitle("Most frequent results", fontsize=11)
    _style(ax)
    return fig


def sweep_curve(
    x: Sequence[Any],
    rate: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    xlabel: str,
    groups: Mapping[str, np.ndarray] | None = None,
) -> Any:
    """Agreement probability against a swept parameter, with its 95% interval (one line per group)."""
    fig = _figure()
    ax = fig.add_subplot()
    xs = np.arange(len(x)) if any(isinstance(v, str) for v in x) else np.asarray(x, dtype=float)
    sets = groups or {"": np.arange(len(x))}
    for k, (label, idx) in enumerate(sets.items()):
        xi = xs[idx]
        ax.fill_between(xi, lo[idx] * 100, hi[idx] * 100, color=COLORS[k % 8], alpha=0.15, lw=0)
        ax.plot(
            xi,
            rate[idx] * 100,
            "-",
            marker=MARKERS[k % 8],
            color=COLORS[k % 8],
            label=label or "agreement rate",
        )
    if xs is not x and any(isinstance(v, str) for v in x):
        ax.set_xticks(xs, [str(v) for v in x], rotation=30, ha="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("agreement probability (%), 95% interval shaded")
    ax.set_ylim(-2, 102)
    ax.set_title("Agreement probability against the swept parameter")
    _style(ax)
    ax.legend(fontsize=8)
    return fig


def tornado_chart(bars: Sequence[Mapping[str, Any]], base: float, output: str, percent: bool = False) -> Any:
    """One-at-a-time sensitivity: per input, the output at its low and high quantile around the baseline."""
    k = max(1, len(bars))
    fig = _figure(7.0, 1.8 + 0.42 * k)
    ax = fig.add_subplot()
    scale = 100.0 if percent else 1.0
    for i, b in enumerate(bars):
        y = k - 1 - i
        lo, hi = b["low"] * scale, b["high"] * scale
        ax.barh(
            y,
            lo - base * scale,
            left=base * scale,
            color=COLORS[0],
            height=0.6,
            label="input at its low quantile" if i == 0 else None,
        )
        ax.barh(
            y,
            hi - base * scale,
            left=base * scale,
            color=COLORS[1],
            height=0.6,
            label="input at its high quantile" if i == 0 else None,
        )
        ax.text(
            max(lo, hi), y, f"  {_fmt(b['low_value'])} → {_fmt(b['high_value'])}", va="center", fontsize=7
        )
    ax.axvline(base * scale, color="#000000", lw=1, label="all inputs nominal")
    ax.set_yticks([k - 1 - i for i in range(len(bars))], [b["parameter"] for b in bars], fontsize=7)
    ends = [base * scale] + [v * scale for b in bars for v in (b["low"], b["high"])]
    lo_x, hi_x = min(ends), max(ends)
    pad = max(hi_x - lo_x, 1e-3 * max(1.0, abs(hi_x))) * 0.35
    left, right = lo_x - pad, hi_x + pad * 2.2  # room for the value labels on the right
    if percent:
        left, right = max(left, -2.0), min(right, 115.0)
    ax.set_xlim(left, right)
    unit = " (%)" if percent else ""
    ax.set_xlabel(f"{output}{unit}")
    ax.set_ylabel("uncertain input")
    ax.set_title("One input at a time (tornado)", fontsize=10)
    _style(ax)
    fig.legend(loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    return fig


def _fmt(v: object) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def sobol_chart(
    names: Sequence[str],
    s1: Sequence[float],
    s1c: Sequence[float],
    st: Sequence[float],
    stc: Sequence[float],
    output: str,
) -> Any:
    """First-order and total Sobol indices per input, with 95% bootstrap intervals."""
    k = max(1, len(names))
    fig = _figure(7.0, 1.8 + 0.42 * k)
    ax = fig.add_subplot()
    order = np.argsort(-np.asarray(st, dtype=np.float64), kind="stable")  # most influential on top
    names = [names[j] for j in order]
    s1, s1c, st, stc = (np.asarray(a, dtype=np.float64)[order] for a in (s1, s1c, st, stc))
    y = np.arange(len(names))[::-1]
    ax.barh(
        y + 0.18,
        st,
        xerr=stc,
        height=0.34,
        color=COLORS[1],
        label="total index S_T (with interactions)",
        error_kw={"lw": 0.8},
    )
    ax.barh(
        y - 0.18,
        s1,
        xerr=s1c,
        height=0.34,
        color=COLORS[0],
        label="first-order index S_1 (alone)",
        error_kw={"lw": 0.8},
    )
    ax.set_yticks(y, list(names), fontsize=7)
    ax.set_xlabel(f"share of the variance (0-1) of\n{output}")
    ax.set_ylabel("uncertain input")
    ax.set_title("Sobol indices", fontsize=10)
    ax.set_xlim(-0.2, 1.2)  # indices live in [0, 1]; wider bootstrap intervals are cut at the frame
    ax.axvline(0, color="#000000", lw=0.8)
    _style(ax)
    fig.legend(loc="outside lower center", ncols=2, fontsize=7, frameon=False)
    return fig


def survival_curve(
    steps: np.ndarray,
    surviving: np.ndarray,
    lo: np.ndarray | None,
    hi: np.ndarray | None,
    label: str,
    xlabel: str,
    others: Sequence[tuple[str, np.ndarray, np.ndarray]] = (),
) -> Any:
    """Kaplan-Meier survival of implemented deals: share still intact after each step of the schedule.

    ``others`` are further curves (label, steps, surviving), e.g. one per variant, drawn without interval.
    """
    fig = _figure()
    ax = fig.add_subplot()
    ax.step(steps, surviving * 100, where="post", color=COLORS[0], label=label)
    if lo is not None and hi is not None:
        ax.fill_between(
            steps, lo * 100, hi * 100, step="post", color=COLORS[0], alpha=0.15, lw=0, label="95% interval"
        )
    for k, (lab, st, sv) in enumerate(others):
        c = COLORS[(k + 1) % len(COLORS)]
        ax.step(st, sv * 100, where="post", color=c, ls=("--", ":", "-.")[k % 3], label=lab)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("deals still intact (%)")
    ax.set_ylim(-2, 102)
    ax.set_title("Survival of implemented deals")
    _style(ax)
    ax.legend(fontsize=8)
    return fig


def leaderboard_chart(rows: Sequence[Mapping[str, Any]], sem: Sequence[float] | None = None) -> Any:
    """Mean utility per strategy (with one standard error) and its agreement rate."""
    k = max(1, len(rows))
    fig = _figure(6.4, 1.4 + 0.38 * k)
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    mu = [r["mean_utility"] or 0.0 for r in rows]
    ax.barh(y, mu, xerr=sem, color=COLORS[0], error_kw={"lw": 0.8})
    err = list(sem) if sem is not None else [0.0] * len(rows)
    right = max((m + e for m, e in zip(mu, err, strict=True)), default=1.0)
    for yi, m, e, r in zip(y, mu, err, rows, strict=True):
        ax.text(m + e + 0.01 * right, yi, f"{r['agreement_rate']:.0%} deals", va="center", fontsize=7)
    ax.set_xlim(0, right * 1.18)
    ax.set_yticks(y, [r["negotiator"] for r in rows], fontsize=8)
    ax.set_xlabel(f"mean {UTILITY}, ± 1 standard error")
    ax.set_ylabel("strategy")
    ax.set_title("Leaderboard: mean utility per strategy")
    _style(ax)
    return fig


def pair_matrix(names: Sequence[str], M: np.ndarray) -> Any:
    """Mean utility of the row strategy when it meets the column strategy (either side)."""
    fig = _figure(1.8 + 0.6 * len(names), 1.4 + 0.55 * len(names))
    ax = fig.add_subplot()
    im = ax.imshow(
        M,
        cmap="viridis",
        vmin=np.nanmin(M) if np.isfinite(M).any() else 0,
        vmax=np.nanmax(M) if np.isfinite(M).any() else 1,
    )
    ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=7)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    for i in range(len(names)):
        for j in range(len(names)):
            if np.isfinite(M[i, j]):
                ax.text(
                    j,
                    i,
                    f"{M[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if M[i, j] < np.nanmean(M) else "black",
                )
    ax.set_xlabel("opponent strategy")
    ax.set_ylabel("strategy")
    ax.set_title("Mean utility of a strategy against each opponent")
    fig.colorbar(im, ax=ax, label=UTILITY, shrink=0.8)
    return fig


def reliability_diagram(
    forecast: np.ndarray, observed: np.ndarray, count: np.ndarray, title: str = "Reliability of the backtest"
) -> Any:
    """Mean forecast probability against the observed frequency per probability bin (every case and category
    pooled; marker area by the number of forecasts); the diagonal is perfect calibration (Murphy & Winkler 1977)."""
    fig = _figure(5.2, 5.0)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "--", color="#777777", lw=1, label="perfectly calibrated")
    ok = np.asarray(count) > 0
    f, o, n = np.asarray(forecast)[ok], np.asarray(observed)[ok], np.asarray(count)[ok]
    ax.plot(f, o, "-", color=COLORS[0], lw=1)
    ax.scatter(
        f, o, s=30 + 30 * n, color=COLORS[0], marker=MARKERS[0], zorder=3, label="model (area: forecasts)"
    )
    for x, yv, k in zip(f, o, n, strict=True):
        ax.annotate(str(int(k)), (x, yv), textcoords="offset points", xytext=(6, -10), fontsize=7)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("forecast probability of a category (bin mean)")
    ax.set_ylabel("observed frequency of that category")
    ax.set_title(title)
    _style(ax)
    ax.legend(fontsize=8, loc="upper left", markerscale=0.4)
    return fig
