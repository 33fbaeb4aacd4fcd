"""Distributions of uncertain numbers, drawn by inverse transform from a run's seed.

The forms a scenario file may use in place of a number (see :mod:`accord.experiments.params`):

- ``{uniform: [low, high]}``                       low < high
- ``{normal: [mean, sd]}`` or ``{normal: [mean, sd, low, high]}`` (truncated to [low, high]),
  also ``{normal: {mean: m, sd: s, low: a, high: b}}``
- ``{triangular: [low, mode, high]}``              low <= mode <= high, low < high
- ``{beta: [a, b]}`` on [0, 1] or ``{beta: [a, b, low, high]}`` scaled to [low, high],
  also ``{beta: {a: .., b: .., low: .., high: ..}}``
- ``{choice: [v1, v2, ...]}`` (equally likely) or ``{choice: {values: [...], p: [...]}}``

Every distribution is drawn by inverse transform: one uniform number ``u`` in (0, 1) per uncertain
number, mapped through the distribution's quantile function (Devroye 1986, *Non-Uniform Random Variate
Generation*, §II.2). The same map turns a Sobol/Saltelli design on the unit cube into parameter values
(:mod:`accord.experiments.sensitivity`), so Monte Carlo and sensitivity see the same distributions.

Draws of run ``seed``: a generator seeded with ``SeedSequence(seed, spawn_key=(DRAW_KEY,))`` gives one
uniform per uncertain number, in document order. It is independent of the generators the protocol
spawns for the parties (``spawn_key`` 0..n-1 of the same seed), so the same seed gives the same
negotiation draws with or without uncertain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from accord.errors import InputError

__all__ = ["DISTRIBUTIONS", "DRAW_KEY", "Distribution", "parse_distribution", "draw_uniforms", "value_at"]

DISTRIBUTIONS = ("uniform", "normal", "triangular", "beta", "choice")
#: Spawn key of the parameter draws of a run (far from the party indices the protocol spawns).
DRAW_KEY = 0x5EED_DA7A
_NAMED_ARGS = {
    "normal": ("mean", "sd", "low", "high"),
    "beta": ("a", "b", "low", "high"),
    "choice": ("values", "p"),
}


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class Distribution:
    """One uncertain number: ``kind`` and its numeric ``args``; ``values``/``probs`` for ``choice``."""

    kind: str
    args: tuple[float, ...] = ()
    values: tuple[object, ...] = ()
    probs: tuple[float, ...] = ()

    @property
    def numeric(self) -> bool:
        """True if every value it can take is a number."""
        return self.kind != "choice" or all(_finite(v) for v in self.values)

    @property
    def integer(self) -> bool:
        """True for a choice among whole numbers (so drawn values stay ints, e.g. a deadline)."""
        return self.kind == "choice" and all(
            isinstance(v, int) and not isinstance(v, bool) for v in self.values
        )

    def ppf(self, u: float) -> object:
        """Quantile function: the value at cumulative probability ``u`` in (0, 1)."""
        k, a = self.kind, self.args
        if k == "uniform":
            return a[0] + u * (a[1] - a[0])
        if k == "triangular":
            lo, mode, hi = a
            cut = (mode - lo) / (hi - lo)
            if u < cut:
                return lo + math.sqrt(u * (hi - lo) * (mode - lo))
            return hi - math.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        if k == "normal":
            from statistics import NormalDist

            mean, sd, lo, hi = a
            nd = NormalDist(mean, sd)
            plo = nd.cdf(lo) if math.isfinite(lo) else 0.0
            phi = nd.cdf(hi) if math.isfinite(hi) else 1.0
            p = plo + u * (phi - plo)
            p = min(max(p, 1e-300), 1.0 - 2.0**-53)
            return min(max(nd.inv_cdf(p), lo), hi)
        if k == "beta":
            from scipy.special import betaincinv

            aa, bb, lo, hi = a
            return lo + (hi - lo) * float(betaincinv(aa, bb, u))
        # choice
        j = int(np.searchsorted(np.cumsum(self.probs), u, side="right"))
        return self.values[min(j, len(self.values) - 1)]

    def nominal(self) -> object:
        """The analyst's best guess: the mean (uniform, normal, beta), the mode (triangular, choice).

        The same convention as the stakeholder tables (:mod:`accord.forecast.distributions`); a truncated
        normal gives the mean of the truncated distribution.
        """
        k, a = self.kind, self.args
        if k == "uniform":
            return (a[0] + a[1]) / 2.0
        if k == "triangular":
            return a[1]
        if k == "normal":
            from statistics import NormalDist

            mean, sd, lo, hi = a
            if math.isinf(lo) and math.isinf(hi):
                return mean
            std = NormalDist()
            al, be = (lo - mean) / sd, (hi - mean) / sd
            mass = (std.cdf(be) if math.isfinite(be) else 1.0) - (std.cdf(al) if math.isfinite(al) else 0.0)
            dens = (std.pdf(al) if math.isfinite(al) else 0.0) - (std.pdf(be) if math.isfinite(be) else 0.0)
            return min(max(mean + sd * dens / mass, lo), hi)  # truncated-normal mean (Johnson et al. 1994)
        if k == "beta":
            aa, bb, lo, hi = a
            return lo + (hi - lo) * aa / (aa + bb)
        return self.values[int(np.argmax(self.probs))]

    def describe(self) -> str:
        if self.kind == "choice":
            return f"choice{list(self.values)}"
        return f"{self.kind}{list(self.args)}"


def _bad(file: str | None, where: str, expected: str, got: object) -> InputError:
    return InputError(file, where, expected, got)


def parse_distribution(spec: object, where: str = "", file: str | None = None) -> Distribution | None:
    """The distribution ``spec`` describes, or None if ``spec`` is not a distribution.

    A distribution is a mapping with exactly one key among :data:`DISTRIBUTIONS` whose value is a list,
    or (for normal, beta and choice) a mapping of named arguments. Impossible arguments raise
    :class:`InputError` naming the place.
    """
    if not isinstance(spec, Mapping) or len(spec) != 1:
        return None
    kind, raw = next(iter(spec.items()))
    if kind not in DISTRIBUTIONS:
        return None
    if isinstance(raw, Mapping):
        names = _NAMED_ARGS.get(kind)
        if names is None or not set(raw) <= set(names):
            return None  # e.g. a triangular *score function* {triangular: {lower, peak, upper}}
        if kind == "choice":
            return _choice(raw.get("values"), raw.get("p"), where, file)
        if not {names[0], names[1]} <= set(raw):
            raise _bad(file, where, f"{kind} with {names[0]} and {names[1]}", dict(raw))
        raw = [raw[names[0]], raw[names[1]], raw.get("low", -math.inf), raw.get("high", math.inf)]
    elif not isinstance(raw, list):
        return None
    if kind == "choice":
        return _choice(raw, None, where, file)
    args = list(raw)
    if not all(_finite(x) or (isinstance(x, float) and math.isinf(x)) for x in args):
        raise _bad(file, where, f"{kind} with numbers as arguments", spec)
    args = [float(x) for x in args]
    if kind == "uniform":
        if len(args) != 2 or not args[0] < args[1]:
            raise _bad(file, where, "uniform: [low, high] with low < high", spec)
    elif kind == "triangular":
        if len(args) != 3 or not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
            raise _bad(
                file, where, "triangular: [low, mode, high] with low <= mode <= high, low < high", spec
            )
    elif kind == "normal":
        if len(args) == 2:
            args += [-math.inf, math.inf]
        if len(args) != 4 or not math.isfinite(args[0]) or not args[1] > 0 or not args[2] < args[3]:
            raise _bad(
                file, where, "normal: [mean, sd] or [mean, sd, low, high] with sd > 0, low < high", spec
            )
        if _normal_mass(args) < 1e-12:
            raise _bad(file, where, "normal truncated to a range holding some probability", spec)
    elif kind == "beta":
        if len(args) == 2:
            args += [0.0, 1.0]
        if len(args) != 4 or not (args[0] > 0 and args[1] > 0) or not args[2] < args[3]:
            raise _bad(file, where, "beta: [a, b] or [a, b, low, high] with a > 0, b > 0, low < high", spec)
        if not (math.isfinite(args[2]) and math.isfinite(args[3])):
            raise _bad(file, where, "beta with finite low and high", spec)
    return Distribution(kind, tuple(args))


def _normal_mass(args: Sequence[float]) -> float:
    from statistics import NormalDist

    nd = NormalDist(args[0], args[1])
    hi = nd.cdf(args[3]) if math.isfinite(args[3]) else 1.0
    lo = nd.cdf(args[2]) if math.isfinite(args[2]) else 0.0
    return hi - lo


def _choice(values: object, p: object, where: str, file: str | None) -> Distribution:
    if not isinstance(values, list) or not values:
        raise _bad(file, where, "choice: a non-empty list of values", values)
    for v in values:
        if isinstance(v, Mapping | list):
            raise _bad(file, where, "choice among plain values (numbers or text)", v)
    if p is None:
        probs = [1.0 / len(values)] * len(values)
    else:
        if not isinstance(p, list) or len(p) != len(values) or not all(_finite(x) and x >= 0 for x in p):
            raise _bad(file, f"{where}.p" if where else "p", f"{len(values)} probabilities >= 0", p)
        total = float(sum(p))
        if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9):
            raise _bad(file, f"{where}.p" if where else "p", "probabilities adding up to 1", total)
        probs = [float(x) / total for x in p]
    return Distribution("choice", (), tuple(values), tuple(probs))


def _plain(x: object) -> object:
    if isinstance(x, np.generic):
        return x.item()
    return x


def draw_uniforms(seed: int, count: int) -> np.ndarray:
    """The ``count`` uniforms in (0, 1) of run ``seed`` (see the module doc)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(DRAW_KEY,))))
    return rng.random(count) + 2.0**-54  # open interval: never exactly 0


def value_at(dist: Distribution, u: float) -> object:
    """The value of ``dist`` at uniform ``u``, as a plain Python number (an int for integer choices)."""
    return _plain(dist.ppf(float(u)))
