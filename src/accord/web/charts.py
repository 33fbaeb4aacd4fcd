"""Charts as data and as server-rendered SVG: the utility space and the negotiation dance.

The utility-space chart never ships one point per outcome for large spaces: up to ``max_points`` outcomes
are drawn one by one; above that the outcomes become a density image (a 2-D histogram of ``bins`` x ``bins``
cells, computed on the server with numpy over every outcome) and the exact Pareto frontier (the engine's
analysis arrays, thinned to at most ``max_frontier`` points for drawing) goes on top. A space the server
does not compile (beyond its limits, linear-additive) shows the frontier and the solutions only. The data
and the markup stay small whatever the size of the space.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np

from accord.analysis.solutions import ScenarioAnalysis
from accord.model.scenario import CompiledScenario, Scenario
from accord.web.analysis import frontier_pairs

COLORS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d4820b", "#16808a")
W, H, PAD_L, PAD_B, PAD_T, PAD_R = 520, 420, 52, 44, 14, 14


def utility_chart(
    sc: Scenario,
    comp: CompiledScenario | None,
    a: ScenarioAnalysis,
    x: int = 0,
    y: int = 1,
    *,
    max_points: int = 4000,
    bins: int = 64,
    max_frontier: int = 1500,
) -> dict[str, Any]:
    """The data of the utility-space chart for parties ``x`` and ``y`` (see the module docstring); with
    ``comp`` None (a space the server does not compile) the frontier and the solutions only."""
    names = sc.party_names
    nx, ny = names[x], names[y]
    rx, ry = float(a.reservations[x]), float(a.reservations[y])
    F = a.pareto_utilities
    out: dict[str, Any] = {"x": nx, "y": ny, "outcomes": sc.space.size, "reservations": [rx, ry]}
    if comp is None:
        xs, ys = np.append(F[x], rx), np.append(F[y], ry)
        lo_x, hi_x, lo_y, hi_y = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
        out["mode"] = "frontier"
    else:
        U = comp.utilities
        ux, uy = U[x], U[y]
        n = int(ux.size)
        lo_x, hi_x = min(float(ux.min()), rx), max(float(ux.max()), rx)
        lo_y, hi_y = min(float(uy.min()), ry), max(float(uy.max()), ry)
        feasible = comp.feasible if comp.has_constraints else None
        if n <= max_points:
            f = np.ones(n, dtype=bool) if feasible is None else feasible
            out["mode"] = "points"
            out["points"] = [
                [round(float(p), 5), round(float(q), 5), int(c)] for p, q, c in zip(ux, uy, f, strict=True)
            ]
        else:
            span_x = hi_x - lo_x or 1.0
            span_y = hi_y - lo_y or 1.0
            cell = np.minimum(((ux - lo_x) * (bins / span_x)).astype(np.int32), bins - 1) * bins
            cell += np.minimum(((uy - lo_y) * (bins / span_y)).astype(np.int32), bins - 1)
            counts = np.bincount(cell, minlength=bins * bins)
            del cell
            nz = np.flatnonzero(counts)
            out["mode"] = "density"
            out["bins"] = bins
            out["cells"] = [[int(k // bins), int(k % bins), int(counts[k])] for k in nz]
    out["bounds"] = [lo_x, hi_x, lo_y, hi_y]
    out["frontier"], out["frontier_size"] = frontier_pairs(a, x, y, max_frontier)
    sols = a.solution_utilities()
    out["solutions"] = {
        k: None if sols[k] is None else [float(sols[k][x]), float(sols[k][y])]  # type: ignore[index]
        for k in ("nash", "kalai_smorodinsky", "max_welfare")
    }
    return out


class _Frame:
    """Maps utilities to SVG coordinates and draws the axes."""

    def __init__(self, bounds: list[float], xlabel: str, ylabel: str) -> None:
        lo_x, hi_x, lo_y, hi_y = bounds
        px = (hi_x - lo_x) * 0.04 or 0.05
        py = (hi_y - lo_y) * 0.04 or 0.05
        self.x0, self.x1, self.y0, self.y1 = lo_x - px, hi_x + px, lo_y - py, hi_y + py
        self.xlabel, self.ylabel = xlabel, ylabel

    def X(self, v: float) -> float:
        return round(PAD_L + (v - self.x0) / (self.x1 - self.x0) * (W - PAD_L - PAD_R), 2)

    def Y(self, v: float) -> float:
        return round(H - PAD_B - (v - self.y0) / (self.y1 - self.y0) * (H - PAD_B - PAD_T), 2)

    def axes(self) -> list[str]:
        s = [
            f'<rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_B - PAD_T}" '
            'fill="#fff" stroke="#999"/>'
        ]
        for v in np.linspace(self.x0, self.x1, 6)[1:-1]:
            s.append(
                f'<text x="{self.X(v)}" y="{H - PAD_B + 14}" class="tick" text-anchor="middle">{v:.2f}</text>'
            )
        for v in np.linspace(self.y0, self.y1, 6)[1:-1]:
            s.append(
                f'<text x="{PAD_L - 4}" y="{self.Y(v) + 4}" class="tick" text-anchor="end">{v:.2f}</text>'
            )
        s.append(
            f'<text x="{(W + PAD_L) / 2}" y="{H - 8}" text-anchor="middle" class="axis">'
            f"utility of {escape(self.xlabel)}</text>"
        )
        s.append(
            f'<text x="14" y="{(H - PAD_B) / 2}" text-anchor="middle" class="axis" '
            f'transform="rotate(-90 14 {(H - PAD_B) / 2})">utility of {escape(self.ylabel)}</text>'
        )
        return s

    def walkaway(self, rx: float, ry: float) -> list[str]:
        X, Y = self.X, self.Y
        return [
            f'<rect x="{X(rx)}" y="{PAD_T}" width="{max(0.0, W - PAD_R - X(rx))}" '
            f'height="{max(0.0, Y(ry) - PAD_T)}" class="zopa"><title>zone of possible agreement: both above '
            "their walk-away values</title></rect>",
            f'<line x1="{X(rx)}" y1="{PAD_T}" x2="{X(rx)}" y2="{H - PAD_B}" class="walk"/>',
            f'<line x1="{PAD_L}" y1="{Y(ry)}" x2="{W - PAD_R}" y2="{Y(ry)}" class="walk"/>',
        ]


def _marker(shape: str, x: float, y: float, color: str, title: str) -> str:
    t = f"<title>{escape(title)}</title>"
    if shape == "diamond":
        return (
            f'<polygon points="{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}" fill="{color}" '
            f'stroke="#000">{t}</polygon>'
        )
    if shape == "square":
        return f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{color}" stroke="#000">{t}</rect>'
    return f'<circle cx="{x}" cy="{y}" r="6" fill="{color}" stroke="#000">{t}</circle>'


SOLUTION_STYLE = {
    "nash": ("diamond", "#f1c40f", "Nash bargaining solution"),
    "kalai_smorodinsky": ("square", "#e67e22", "Kalai-Smorodinsky solution"),
    "max_welfare": ("circle", "#9b59b6", "maximum welfare"),
}


def utility_svg(chart: dict[str, Any]) -> str:
    """Server-rendered SVG of :func:`utility_chart` data."""
    f = _Frame(chart["bounds"], chart["x"], chart["y"])
    X, Y = f.X, f.Y
    s = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="chart" role="img" '
        f'aria-label="utility space of {escape(chart["x"])} and {escape(chart["y"])}">'
    ]
    s += f.axes()
    s += f.walkaway(*chart["reservations"])
    if chart["mode"] == "points":
        pts = chart["points"]
        s.append('<g class="outcomes">')
        s += [
            f'<circle cx="{X(a)}" cy="{Y(b)}" r="2" class="{"pt" if ok else "pt bad"}"/>' for a, b, ok in pts
        ]
        s.append("</g>")
    elif chart["mode"] == "density":
        lo_x, hi_x, lo_y, hi_y = chart["bounds"]
        b = chart["bins"]
        wx = (hi_x - lo_x or 1.0) / b
        wy = (hi_y - lo_y or 1.0) / b
        top = max(c for _, _, c in chart["cells"])
        s.append('<g class="density">')
        for i, j, c in chart["cells"]:
            x0, x1 = X(lo_x + i * wx), X(lo_x + (i + 1) * wx)
            y0, y1 = Y(lo_y + (j + 1) * wy), Y(lo_y + j * wy)
            op = 0.15 + 0.85 * np.log1p(c) / np.log1p(top)
            s.append(
                f'<rect x="{x0}" y="{y0}" width="{round(x1 - x0 + 0.3, 2)}" height="{round(y1 - y0 + 0.3, 2)}"'
                f' fill="#1f5fa8" fill-opacity="{op:.2f}"><title>{c} outcomes</title></rect>'
            )
        s.append("</g>")
    fr = chart["frontier"]
    if fr:
        s.append('<polyline class="frontier" points="' + " ".join(f"{X(a)},{Y(b)}" for a, b in fr) + '"/>')
        if len(fr) <= 300:
            s += [f'<circle cx="{X(a)}" cy="{Y(b)}" r="3" class="fpt"/>' for a, b in fr]
    for k, (shape, color, title) in SOLUTION_STYLE.items():
        p = chart["solutions"].get(k)
        if p:
            s.append(_marker(shape, X(p[0]), Y(p[1]), color, f"{title}: ({p[0]:.3f}, {p[1]:.3f})"))
    s.append("</svg>")
    return "".join(s)


def dance_svg(rows: list[dict[str, Any]], x: str, y: str, chart: dict[str, Any], parties: list[str]) -> str:
    """The negotiation dance: each party's successive offers in the utility space of ``x`` and ``y``."""
    f = _Frame(chart["bounds"], x, y)
    X, Y = f.X, f.Y
    s = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="chart" role="img" '
        'aria-label="negotiation dance">'
    ]
    s += f.axes()
    s += f.walkaway(*chart["reservations"])
    fr = chart["frontier"]
    if fr:
        s.append('<polyline class="frontier" points="' + " ".join(f"{X(a)},{Y(b)}" for a, b in fr) + '"/>')
    for k, name in enumerate(parties):
        pts = [
            (r["utilities"][x], r["utilities"][y])
            for r in rows
            if r["party"] == name and r["action"] == "offer" and r["utilities"][x] is not None
        ]
        color = COLORS[k % len(COLORS)]
        if pts:
            s.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="'
                + " ".join(f"{X(a)},{Y(b)}" for a, b in pts)
                + '"/>'
            )
            s += [
                f'<circle cx="{X(a)}" cy="{Y(b)}" r="3.5" fill="{color}"><title>{escape(name)} offer {j + 1}: '
                f"({a:.3f}, {b:.3f})</title></circle>"
                for j, (a, b) in enumerate(pts)
            ]
        s.append(
            f'<text x="{W - PAD_R - 8}" y="{PAD_T + 16 + 16 * k}" text-anchor="end" fill="{color}" '
            f'class="legend">● {escape(name)} offers</text>'
        )
    acc = [r for r in rows if r["action"] == "accept"]
    if acc:
        u = acc[-1]["utilities"]
        s.append(
            f'<circle cx="{X(u[x])}" cy="{Y(u[y])}" r="9" fill="none" stroke="#000" stroke-width="2">'
            f"<title>agreement ({u[x]:.3f}, {u[y]:.3f})</title></circle>"
        )
    s.append("</svg>")
    return "".join(s)
