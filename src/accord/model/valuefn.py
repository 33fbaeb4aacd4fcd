"""Per-issue value functions, each compiled to an array of scores (one per value of the issue).

- ``table``: an explicit score per value (categorical or ordered issues).
- ``linear``: ``offset + slope * x`` on the numeric value (integer/real) or the rank (ordered issues).
- ``triangular``: 0 at ``lower`` and ``upper``, 1 at ``peak``, linear in between, 0 outside.
- ``piecewise``: linear interpolation through points ``[(x, score), ...]``, flat beyond the ends.
- ``constant``: the same score everywhere.
Optional clipping to [0, 1] mirrors GENIUS's evaluators, which clip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from accord.model.issues import Issue


def table(issue: Issue, mapping: Mapping[object, float], default: float | None = None) -> np.ndarray:
    """Scores from an explicit table; every value must be listed unless ``default`` is given."""
    out = np.full(issue.size, np.nan if default is None else float(default), dtype=np.float64)
    for k, v in mapping.items():
        out[issue.index_of(k)] = float(v)
    if np.isnan(out).any():
        missing = [issue.values[i] for i in np.flatnonzero(np.isnan(out))]
        raise KeyError(f"no score for value(s) {missing} of issue {issue.name!r}")
    return out


def linear(issue: Issue, slope: float, offset: float, clip: bool = False) -> np.ndarray:
    out = offset + slope * issue.numeric
    return np.clip(out, 0.0, 1.0) if clip else out


def triangular(issue: Issue, lower: float, peak: float, upper: float) -> np.ndarray:
    x = issue.numeric
    out = np.zeros_like(x)
    if peak > lower:
        up = (x >= lower) & (x <= peak)
        out[up] = (x[up] - lower) / (peak - lower)
    if upper > peak:
        down = (x >= peak) & (x <= upper)
        out[down] = (upper - x[down]) / (upper - peak)
    out[x == peak] = 1.0
    return out


def piecewise(issue: Issue, points: Sequence[Sequence[float]]) -> np.ndarray:
    pts = sorted((float(a), float(b)) for a, b in points)
    xs = np.array([p[0] for p in pts])
    ys = np.array([p[1] for p in pts])
    return np.interp(issue.numeric, xs, ys)


def constant(issue: Issue, value: float) -> np.ndarray:
    return np.full(issue.size, float(value), dtype=np.float64)
