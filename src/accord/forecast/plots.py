"""Figures of stakeholder forecasts (matplotlib, imported only when a figure is drawn).

The conventional outputs of the field (KTAB SMP user guide 2019; Senturion, Abdollahian et al. 2006): a line
chart of each actor's position against the round with a horizontal line for the forecast, and, with
uncertain inputs, the distribution of the forecast. No pyplot: figures are built with
``matplotlib.figure.Figure`` and saved directly, so no global state or display is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from accord.forecast.models import ModelRun

_STYLE = {
    "mean": ("tab:blue", "--"),
    "median": ("tab:orange", ":"),
    "bdm": ("tab:red", "-"),
    "exchange": ("tab:green", "-."),
}


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def plot_trajectories(runs: Mapping[str, ModelRun], path: str | Path, title: str = "") -> Path:
    """Save :func:`trajectories_figure` at ``path`` (the suffix picks the format)."""
    out = Path(path)
    trajectories_figure(runs, title).savefig(out)
    return out


def trajectories_figure(runs: Mapping[str, ModelRun], title: str = ""):  # type: ignore[no-untyped-def]
    """One panel per model with rounds (bdm, exchange): each actor's position by round, forecasts as lines.

    Models without rounds (mean, median) appear as horizontal lines in every panel. With no dynamic model,
    one panel shows the actors' positions and the baseline forecasts.
    """
    dynamic = [m for m, r in runs.items() if r.positions.shape[0] > 1]
    panels = dynamic or [next(iter(runs))]
    fig = _figure(6.4 * len(panels), 4.2)
    axes = np.atleast_1d(fig.subplots(1, len(panels), squeeze=False)[0])
    for ax, m in zip(axes, panels, strict=True):
        r = runs[m]
        t = np.arange(r.positions.shape[0])
        for k, actor in enumerate(r.actors):
            ax.plot(t, r.positions[:, k], marker="o" if t.size < 25 else None, ms=3, lw=1.2, label=actor)
        for name, other in runs.items():
            color, ls = _STYLE.get(name, ("k", "-"))
            ax.axhline(other.forecast, color=color, ls=ls, lw=2 if name == m else 1.2, alpha=0.8,
                       label=f"{name} forecast {other.forecast:.4g}")  # fmt: skip
        ax.set_xlabel("round")
        ax.set_ylabel(f"position on {r.issue}")
        ax.set_title(f"{m}: {r.stopped}" if m in dynamic else "positions and baseline forecasts")
        if t.size == 1:
            ax.set_xticks([0])
    axes[-1].legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def plot_distribution(
    samples: Mapping[str, np.ndarray], path: str | Path, title: str = "", issue: str = ""
) -> Path:
    """Save :func:`distribution_figure` at ``path`` (the suffix picks the format)."""
    out = Path(path)
    distribution_figure(samples, title, issue).savefig(out)
    return out


def distribution_figure(samples: Mapping[str, np.ndarray], title: str = "", issue: str = ""):  # type: ignore[no-untyped-def]
    """Histogram of each model's Monte Carlo forecasts (one row per model, shared x axis)."""
    names = list(samples)
    fig = _figure(6.4, 1.9 * len(names) + 0.8)
    axes = np.atleast_1d(fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0])
    lo = min(float(np.min(v)) for v in samples.values())
    hi = max(float(np.max(v)) for v in samples.values())
    bins = np.linspace(lo, hi, 31) if hi > lo else np.array([lo - 0.5, lo + 0.5])
    for ax, m in zip(axes, names, strict=True):
        v = np.asarray(samples[m])
        color, _ = _STYLE.get(m, ("k", "-"))
        ax.hist(v, bins=bins, color=color, alpha=0.75)
        q05, q50, q95 = np.quantile(v, [0.05, 0.5, 0.95])
        for x, ls in ((q05, ":"), (q50, "-"), (q95, ":")):
            ax.axvline(x, color="k", ls=ls, lw=1)
        ax.set_ylabel(m)
        ax.set_title(f"{m}: median {q50:.4g}, 90% interval [{q05:.4g}, {q95:.4g}], {v.size} runs", fontsize=9)
    axes[-1].set_xlabel(f"forecast{' on ' + issue if issue else ''}")
    if title:
        fig.suptitle(title)
    return fig


def sensitivity_figure(sens: Mapping[str, Any], top: int = 12):  # type: ignore[no-untyped-def]
    """Tornado chart of a one-at-a-time sensitivity (``accord.forecast.uncertainty.sensitivity``).

    One bar per actor input (the largest ``top`` effects): the forecast with the input at its low value
    (left colour) and at its high value, around the nominal forecast; a dropped actor is a single marker.
    """
    effects = list(sens["effects"])[:top]
    base = float(sens["nominal"])
    k = max(1, len(effects))
    fig = _figure(7.0, 1.4 + 0.36 * k)
    ax = fig.add_subplot()
    for i, e in enumerate(effects):
        y = k - 1 - i
        if e["input"] == "removed":
            lab = "actor removed"
            ax.plot([e["forecast"]], [y], "kx", ms=7, label=lab if lab not in _seen(ax) else None)
            continue
        bars = [(e["forecast_low"], "tab:blue", "input low"), (e["forecast_high"], "tab:red", "input high")]
        bars.sort(key=lambda b: -abs(b[0] - base))  # the longer bar first, so the shorter stays visible
        for val, color, lab in bars:
            ax.barh(y, val - base, left=base, color=color, height=0.6, alpha=0.85,
                    label=lab if lab not in _seen(ax) else None)  # fmt: skip
    ax.axvline(base, color="k", lw=1, label=f"nominal forecast {base:.4g}")
    labels = [f"{e['actor']} · {e['input']}" for e in effects]
    ax.set_yticks([k - 1 - i for i in range(len(effects))], labels, fontsize=8)
    ax.set_xlabel(f"{sens['model']} forecast on {sens['issue']}")
    ax.set_title("One input at a time: which actor's inputs move the forecast most", fontsize=10)
    ax.legend(fontsize=8, loc="best", frameon=False)
    return fig


def _seen(ax: Any) -> set[str]:
    return set(ax.get_legend_handles_labels()[1])
