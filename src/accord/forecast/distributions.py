"""Uncertain inputs of a stakeholder table: uniform, truncated normal and triangular distributions.

A cell of an actor table may hold a number or a distribution (``uniform(0.6, 0.9)``, ``normal(50, 10)``,
``triangular(20, 40, 70)`` in CSV; ``{uniform: [0.6, 0.9]}`` in YAML). The point forecast uses the
distribution's *nominal* value (the mean of a uniform or normal, the mode of a triangular: the analyst's best
guess); Monte Carlo draws from it; one-at-a-time sensitivity uses its quantiles. Normal distributions are
truncated to the domain of the quantity (salience in [0, 1], capability >= 0, position on the declared
scale) by resampling, so no draw is ever invalid.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

Kind = Literal["uniform", "normal", "triangular"]
_ARITY = {"uniform": 2, "normal": 2, "triangular": 3}
_ALIASES = {
    "uniform": "uniform",
    "normal": "normal",
    "gauss": "normal",
    "triangular": "triangular",
    "tri": "triangular",
}
_SPEC = re.compile(r"^\s*([A-Za-z]+)\s*\((.*)\)\s*$")
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


class DistributionSpecError(ValueError):
    """A distribution written in a table does not parse or does not fit its domain (message says why)."""


@dataclass(frozen=True)
class Distribution:
    """One uncertain input. ``lo``/``hi`` is the domain it is truncated to (``-inf``/``inf`` when open)."""

    kind: Kind
    params: tuple[float, ...]
    lo: float = -math.inf
    hi: float = math.inf

    def __post_init__(self) -> None:
        p, lo, hi = self.params, self.lo, self.hi
        if len(p) != _ARITY[self.kind]:
            raise DistributionSpecError(f"{self.kind} takes {_ARITY[self.kind]} numbers")
        if not all(math.isfinite(v) for v in p):
            raise DistributionSpecError("finite numbers")
        if self.kind == "uniform" and not (lo <= p[0] <= p[1] <= hi):
            raise DistributionSpecError(f"uniform(a, b) with {_dom(lo, hi)} <= a <= b")
        if self.kind == "triangular" and not (lo <= p[0] <= p[1] <= p[2] <= hi and p[0] < p[2]):
            raise DistributionSpecError(
                f"triangular(low, mode, high) with low <= mode <= high in {_dom(lo, hi)}"
            )
        if self.kind == "normal" and not (p[1] > 0 and lo <= p[0] <= hi):
            raise DistributionSpecError(f"normal(mean, sd) with sd > 0 and mean in {_dom(lo, hi)}")

    @property
    def nominal(self) -> float:
        """The point value used when no Monte Carlo runs: mean (uniform, normal) or mode (triangular)."""
        if self.kind == "uniform":
            return 0.5 * (self.params[0] + self.params[1])
        return self.params[1] if self.kind == "triangular" else self.params[0]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws, inside the domain."""
        p = self.params
        if self.kind == "uniform":
            return rng.uniform(p[0], p[1], size)
        if self.kind == "triangular":
            return rng.triangular(p[0], p[1], p[2], size)
        out = rng.normal(p[0], p[1], size)
        bad = (out < self.lo) | (out > self.hi)
        while bad.any():  # resample: a truncated normal (the mean is inside, so this ends quickly)
            out[bad] = rng.normal(p[0], p[1], int(bad.sum()))
            bad = (out < self.lo) | (out > self.hi)
        return out

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (inverse distribution function), for one-at-a-time sensitivity."""
        p = self.params
        if self.kind == "uniform":
            return p[0] + q * (p[1] - p[0])
        if self.kind == "triangular":
            a, m, b = p
            f = (m - a) / (b - a)
            if q <= f:
                return a + math.sqrt(q * (b - a) * (m - a))
            return b - math.sqrt((1 - q) * (b - a) * (b - m))
        nd = NormalDist(p[0], p[1])
        flo = nd.cdf(self.lo) if math.isfinite(self.lo) else 0.0
        fhi = nd.cdf(self.hi) if math.isfinite(self.hi) else 1.0
        return float(min(max(nd.inv_cdf(flo + q * (fhi - flo)), self.lo), self.hi))

    def describe(self) -> str:
        return f"{self.kind}({', '.join(f'{v:g}' for v in self.params)})"


def _dom(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g}]"


def parse_distribution(value: object, lo: float = -math.inf, hi: float = math.inf) -> Distribution | None:
    """A ``Distribution`` if ``value`` spells one (``"uniform(1, 2)"`` or ``{"uniform": [1, 2]}``), else None.

    Numbers inside the parentheses may be separated by commas, semicolons or spaces (so a CSV cell needs no
    quotes: ``uniform(0.6 0.9)``). Raises ``DistributionSpecError`` when it looks like a distribution but
    is malformed.
    """
    if isinstance(value, dict):
        if len(value) != 1:
            return None
        ((name, args),) = value.items()
        kind = _ALIASES.get(str(name).lower())
        if kind is None:
            raise DistributionSpecError(f"one of {', '.join(sorted(_ARITY))}")
        if not isinstance(args, list | tuple) or not all(_is_number(a) for a in args):
            raise DistributionSpecError(f"{kind}: a list of numbers")
        return Distribution(kind, tuple(float(a) for a in args), lo, hi)  # type: ignore[arg-type]
    if not isinstance(value, str):
        return None
    m = _SPEC.match(value)
    if m is None:
        return None
    kind = _ALIASES.get(m.group(1).lower())
    if kind is None:
        raise DistributionSpecError(f"one of {', '.join(sorted(_ARITY))} (e.g. uniform(0.6, 0.9))")
    parts = [t for t in re.split(r"[,;\s]+", m.group(2).strip()) if t]
    if not parts or not all(re.fullmatch(_NUM, t) for t in parts):
        raise DistributionSpecError(f"{kind}(...) with numbers inside the parentheses")
    return Distribution(kind, tuple(float(t) for t in parts), lo, hi)  # type: ignore[arg-type]


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
