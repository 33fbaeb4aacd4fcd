"""The backtest's HTML page: the scores of the model next to the reference forecasters, the reliability diagram
and the cases (``accord backtest DIR --report OUT``). The numbers come from
:func:`accord.experiments.backtest.score_cases`; nothing is computed here but the layout."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.report import figures as F
from accord.report.html import esc, page, section, table
from accord.report.pieces import _Out

__all__ = ["backtest_section", "write_backtest_report"]


def backtest_section(out: _Out, rows: Sequence[dict[str, Any]], scored: dict[str, Any]) -> str:
    """The scores table, the reliability diagram and the per-case table as one report section."""
    cats = scored["categories"]
    parts = [
        f"<p>{scored['cases']} case(s) scored; outcomes coded at five years in {', '.join(map(esc, cats))}. "
        f"Lower is better for every score; log score floored at {scored['log_floor']}; ranked probability score "
        f"over the order {' &lt; '.join(map(esc, scored['rps_order']))}.</p>"
    ]
    if scored.get("left_out"):
        parts.append(
            f"<p>Left out (history not coded at five years): {esc(', '.join(scored['left_out']))}.</p>"
        )
    if scored.get("scores"):
        heads = ["forecaster", "Brier (0–2)", "log score", "ranked probability score"]
        parts.append(table(heads, [(n, s["brier"], s["log"], s["rps"]) for n, s in scored["scores"].items()]))
        rel = scored["reliability"]
        fig = F.reliability_diagram(
            np.array([np.nan if v is None else v for v in rel["forecast"]]),
            np.array([np.nan if v is None else v for v in rel["observed"]]),
            np.array(rel["count"]),
        )
        parts.append(
            out.fig(
                fig,
                "reliability",
                "Reliability: every case's forecast of every category, pooled into five bins of probability.",
            )
        )
        if scored["confident_misses"]:
            parts.append(
                "<p class='warn'>Confident misses (what happened given under 0.02): "
                f"{esc(', '.join(scored['confident_misses']))}.</p>"
            )
    case_rows = [
        (
            r["scenario"],
            r["history"]["category"] or "–",
            *(r["model"][c] for c in cats),
            r["probability_of_history"],
        )
        for r in rows
    ]
    parts.append(table(["case", "history", *(f"P({c})" for c in cats), "P(history)"], case_rows))
    return section("Backtest as a forecast", *parts, anchor="backtest")


def write_backtest_report(rows: Sequence[dict[str, Any]], scored: dict[str, Any], folder: str | Path) -> Path:
    """Write ``index.html`` (and the figure's PNG and SVG) of a backtest into ``folder``."""
    d = Path(folder)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(d), None, f"a writable report folder ({exc.strerror})") from None
    sec = backtest_section(_Out(d), rows, scored)
    index = d / "index.html"
    try:
        index.write_text(
            page("Backtest", f"{len(rows)} case(s)", [sec], [("backtest", "Backtest")]), encoding="utf-8"
        )
    except OSError as exc:
        raise InputError(str(index), None, f"a writable report folder ({exc.strerror})") from None
    return index
