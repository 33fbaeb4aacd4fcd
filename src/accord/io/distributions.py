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
from accord.model.seeding import DRAW_KEY, parameter_rng

__all__ = [
    "DISTRIBUTIONS",
    "DRAW_KEY",
    "Distribution",
    "parse_distribution",
    "draw_uniforms",
    "draw_uniforms_many",
    "value_at",
    "values_at",
]

DISTRIBUTIONS = ("uniform", "normal", "triangular", "beta", "choice")
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
    return parameter_rng(seed).random(count) + 2.0**-54  # open interval: never exactly 0


def value_at(dist: Distribution, u: float) -> object:
    """The value of ``dist`` at uniform ``u``, as a plain Python number (an int for integer choices)."""
    return _plain(dist.ppf(float(u)))


def values_at(dist: Distribution, us: np.ndarray) -> list[object]:
    """``[value_at(dist, u) for u in us]``, bit for bit, computed as arrays where that is exact.

    Uniform and triangular quantiles use only ``+ - * /`` and a square root, which numpy rounds exactly
    as Python's floats and :func:`math.sqrt` do (IEEE 754, correctly rounded), in the same order here;
    a choice is the same binary search (:func:`numpy.searchsorted`) over all uniforms at once. Normal and
    beta quantiles go through :func:`value_at` one by one (their special functions are not promised to
    round alike as arrays).
    """
    k, a = dist.kind, dist.args
    u = np.asarray(us, dtype=np.float64)
    if k == "uniform":
        return (a[0] + u * (a[1] - a[0])).tolist()
    if k == "triangular":
        lo, mode, hi = a
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        return np.where(u < cut, left, right).tolist()
    if k == "choice":
        js = np.searchsorted(np.cumsum(dist.probs), u, side="right")
        last = len(dist.values) - 1
        vals = [_plain(v) for v in dist.values]
        return [vals[j if j < last else last] for j in js.tolist()]
    return [value_at(dist, x) for x in u.tolist()]


# numpy.random.SeedSequence and PCG64 as arrays over many seeds. The algorithms are the published ones:
# O'Neill's seed_seq_fe hash (as numpy documents SeedSequence: entropy words, then the spawn key, pool of
# four 32-bit words) and PCG XSL-RR 128/64 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient
# Statistically Good Algorithms for Random Number Generation"), with numpy's seeding of PCG64 and its
# 53-bit doubles. tests/experiments/test_experiments_params.py checks them bit for bit against numpy.
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _M32, _M64 = 0xCA01F9DD, 0x4973F715, 0xFFFFFFFF, (1 << 64) - 1
_PCG_MULT = 0x2360ED051FC65DA4_4385DF649FCCF645
_POOL = 4


def _hash_consts(n: int, init: int, mult: int) -> list[int]:
    out = [init]
    for _ in range(n):
        out.append(out[-1] * mult & _M32)
    return out


_HA = _hash_consts(4 + 12 + 4, _INIT_A, _MULT_A)  # the hash constants of mix_entropy, in call order
_HB = _hash_consts(8, _INIT_B, _MULT_B)  # those of generate_state(4, uint64): eight 32-bit words


def _col(xs: Sequence[int], dtype: type) -> np.ndarray:
    return np.array(xs, dtype=dtype).reshape(-1, 1)


_SHIFT16, _SHIFT32, _LOW32 = np.uint32(16), np.uint64(32), np.uint64(_M32)
_A_IN = (_col(_HA[0:4], np.uint32), _col(_HA[1:5], np.uint32))
_A_CROSS = [
    (_col(_HA[4 + 3 * k : 7 + 3 * k], np.uint32), _col(_HA[5 + 3 * k : 8 + 3 * k], np.uint32))
    for k in range(4)
]
_B_OUT = (_col(_HB[0:8], np.uint32), _col(_HB[1:9], np.uint32))


def _key_hashes() -> np.ndarray:
    """hashmix(DRAW_KEY) with the last four hash constants of mix_entropy (the spawn key is fixed)."""
    out = []
    for t in range(16, 20):
        v = (DRAW_KEY ^ _HA[t]) * _HA[t + 1] & _M32
        out.append(v ^ (v >> 16))
    return _col(out, np.uint32)


_KEY = _key_hashes()


def _hashmix(v: np.ndarray, xor: np.ndarray, mult: np.ndarray) -> np.ndarray:
    v = (v ^ xor) * mult
    return v ^ (v >> _SHIFT16)


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = x * np.uint32(_MIX_L) - y * np.uint32(_MIX_R)
    return r ^ (r >> _SHIFT16)


def _seed_words(seeds: list[int]) -> list[np.ndarray]:
    """``SeedSequence(seed, spawn_key=(DRAW_KEY,)).generate_state(4, np.uint64)`` for every seed below
    2**128, as four arrays of words: the entropy is the seed's four 32-bit words (low first; zero-padded
    to the pool size since there is a spawn key), then the key. Each mixing round is one array step."""
    if max(seeds) < 1 << 64:
        s64 = np.array(seeds, dtype=np.uint64)
        lo, hi = (s64 & _LOW32).astype(np.uint32), (s64 >> _SHIFT32).astype(np.uint32)
        words = np.stack([lo, hi, np.zeros_like(lo), np.zeros_like(lo)])
    else:
        words = np.array([[(s >> (32 * k)) & _M32 for s in seeds] for k in range(_POOL)], dtype=np.uint32)
    pool = _hashmix(words, *_A_IN)
    for src in range(_POOL):  # every word mixed into every other, in numpy's order
        dst = [d for d in range(_POOL) if d != src]
        pool[dst] = _mix(pool[dst], _hashmix(pool[src], *_A_CROSS[src]))
    pool = _mix(pool, _KEY)
    out = _hashmix(pool[[0, 1, 2, 3, 0, 1, 2, 3]], *_B_OUT).astype(np.uint64)
    return [out[2 * k] | (out[2 * k + 1] << _SHIFT32) for k in range(4)]


def _pcg_coefficients(count: int) -> tuple[np.ndarray, ...]:
    """PCG64's state after seeding and ``j`` more steps is ``a_j * initstate + c_j * inc`` (mod 2**128):
    numpy seeds with state 0, a step, ``state += initstate``, a step; a step is ``state * M + inc``.
    Returns a_j and c_j (j = 1..count) as high and low 64-bit halves, and the low halves' 32-bit limbs."""
    mask = (1 << 128) - 1
    a, c = 0, 1  # one step from state 0
    a, c = (_PCG_MULT * (a + 1)) & mask, (_PCG_MULT * c + 1) & mask  # += initstate, then a step
    coef_a, coef_c = [], []
    for _ in range(count):
        a, c = (_PCG_MULT * a) & mask, (_PCG_MULT * c + 1) & mask
        coef_a.append(a)
        coef_c.append(c)
    out = []
    for coef in (coef_a, coef_c):
        lo = [x & _M64 for x in coef]
        out += [
            _col([x >> 64 for x in coef], np.uint64),
            _col(lo, np.uint64),
            _col([x & _M32 for x in lo], np.uint64),
            _col([x >> 32 for x in lo], np.uint64),
        ]
    return tuple(out)


_COEFFICIENTS: dict[int, tuple[np.ndarray, ...]] = {}


def _mul128(
    x_hi: np.ndarray, x_lo: np.ndarray, k_hi: np.ndarray, k_lo: np.ndarray, k0: np.ndarray, k1: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``x * k`` mod 2**128 for every x (a row) and k (a column), in 64-bit halves via 32-bit limbs."""
    a0, a1 = x_lo & _LOW32, x_lo >> _SHIFT32
    p00, p01, p10, p11 = a0 * k0, a0 * k1, a1 * k0, a1 * k1
    mid = (p00 >> _SHIFT32) + (p01 & _LOW32) + (p10 & _LOW32)
    hi = p11 + (p01 >> _SHIFT32) + (p10 >> _SHIFT32) + (mid >> _SHIFT32) + x_hi * k_lo + x_lo * k_hi
    return hi, x_lo * k_lo


def draw_uniforms_many(seeds: Sequence[int], count: int) -> np.ndarray:
    """``np.stack([draw_uniforms(s, count) for s in seeds])``, bit for bit, as arrays over all seeds.

    Seeds outside ``[0, 2**128)`` go through :func:`draw_uniforms` one by one (which rejects negative
    ones as numpy does).
    """
    ints = [int(s) for s in seeds]
    out = np.empty((len(ints), count), dtype=np.float64)
    if not ints or count == 0:
        return out
    idx = [i for i, s in enumerate(ints) if 0 <= s < 1 << 128]
    if len(idx) < len(ints):
        for i in sorted(set(range(len(ints))) - set(idx)):
            out[i] = draw_uniforms(ints[i], count)
        if not idx:
            return out
    coef = _COEFFICIENTS.get(count)
    if coef is None:
        coef = _COEFFICIENTS[count] = _pcg_coefficients(count)
    with np.errstate(over="ignore"):
        init_hi, init_lo, seq_hi, seq_lo = _seed_words([ints[i] for i in idx])
        inc_hi = (seq_hi << np.uint64(1)) | (seq_lo >> np.uint64(63))  # inc = 2 * initseq + 1
        inc_lo = (seq_lo << np.uint64(1)) | np.uint64(1)
        a_hi, a_lo = _mul128(init_hi, init_lo, *coef[:4])
        c_hi, c_lo = _mul128(inc_hi, inc_lo, *coef[4:])
        lo = a_lo + c_lo
        hi = a_hi + c_hi + (lo < a_lo)  # the state of every draw (rows) of every seed (columns)
        x, rot = hi ^ lo, hi >> np.uint64(58)  # XSL-RR output
        word = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
        u = (word >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    if len(idx) == len(ints):
        return np.add(u.T, 2.0**-54, out=out)
    out[idx] = u.T + 2.0**-54
    return out
