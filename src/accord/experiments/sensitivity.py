"""Which uncertain inputs drive an outcome: Sobol indices (SALib) and a one-at-a-time tornado.

Sobol indices (Sobol' 2001, "Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates", Math. Comput. Simul. 55:271-280): the first-order index ``S1_i`` is the share of
the output's variance explained by input i alone, the total index ``ST_i`` the share involving input i at
all (alone or with others). They are estimated from a Saltelli design (Saltelli et al. 2010, "Variance
based sensitivity analysis of model output", Comput. Phys. Commun. 181:259-270) with SALib (Herman &
Usher 2017, JOSS 2(9):97): ``N (D + 2)`` runs for D inputs. The design lives on the unit cube; each
column is mapped through its input's quantile function (:meth:`Distribution.ppf`), so the indices refer
to the inputs' own distributions, whatever they are (choices included).

The tornado chart is one-at-a-time: every input at its nominal value, then one input at a time at a low
and a high quantile of its distribution (10% and 90% by default); the bar spans the output at the two
ends (Howard 1988, "Decision analysis: practice and promise", Management Science 34(6):679-695).
Negotiations with stochastic strategies are noisy, so each point is a mean over repeated seeds, and the
same seeds are used at every point (common random numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.experiments.params import Uncertain, value_at

__all__ = [
    "unit_design",
    "design_values",
    "sobol_indices",
    "oat_points",
    "tornado",
    "DEFAULT_QUANTILES",
]

DEFAULT_QUANTILES = (0.1, 0.9)


def _problem(d: int, names: Sequence[str] | None = None) -> dict[str, Any]:
    return {
        "num_vars": d,
        "names": list(names) if names else [f"x{i}" for i in range(d)],
        "bounds": [[0.0, 1.0]] * d,
    }


def unit_design(d: int, n: int, seed: int) -> np.ndarray:
    """Saltelli design on the unit cube for first-order and total indices: ``n (d + 2)`` rows, ``d`` columns.

    Rows come in groups of ``d + 2`` per base sample (A, the d mixed rows AB_i, B), the order SALib's
    analysis expects. ``n`` should be a power of two (the Sobol sequence is balanced then).
    """
    if d < 1:
        raise InputError(None, "sensitivity", "a scenario with at least one uncertain number", d)
    if n < 2 or n & (n - 1):
        raise InputError(
            None, "--sensitivity", "a number of base samples that is a power of two (e.g. 64)", n
        )
    from SALib.sample import sobol as sobol_sample

    X = sobol_sample.sample(_problem(d), n, calc_second_order=False, scramble=True, seed=int(seed))
    # Keep away from the closed ends: quantile functions of unbounded inputs are infinite there.
    return np.clip(X, 2.0**-54, 1.0 - 2.0**-53)


def design_values(uncertain: Sequence[Uncertain], U: np.ndarray) -> list[list[object]]:
    """Each row of a unit design as the inputs' values (column j through input j's quantile function)."""
    return [[value_at(unc.dist, u) for unc, u in zip(uncertain, row, strict=True)] for row in U]


def sobol_indices(Y: np.ndarray, names: Sequence[str], seed: int = 0, resamples: int = 200) -> dict[str, Any]:
    """First-order and total Sobol indices (with 95% bootstrap half-widths) of output ``Y`` of a Saltelli design.

    ``Y`` holds one output per row of :func:`unit_design` (same order). An output that never varies has
    no variance to share out: every index is then 0 and ``constant`` is true.
    """
    Y = np.asarray(Y, dtype=np.float64)
    d = len(names)
    if Y.ndim != 1 or Y.size % (d + 2):
        raise ValueError(f"need n * (d + 2) outputs for d = {d}, got {Y.size}")
    out: dict[str, Any] = {"names": list(names), "n": Y.size // (d + 2), "variance": float(Y.var())}
    if not np.isfinite(Y).all():
        raise ValueError("outputs must be finite")
    if Y.var() == 0.0:
        zeros = [0.0] * d
        out.update(S1=zeros, S1_conf=zeros, ST=zeros, ST_conf=zeros, constant=True)
        return out
    import warnings

    from SALib.analyze import sobol

    with warnings.catch_warnings():  # "constant values in a subset": expected for 0/1 outputs
        warnings.simplefilter("ignore", UserWarning)
        res = sobol.analyze(
            _problem(d, names),
            Y,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=0.95,
            seed=int(seed),
        )
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        out[key] = [float(x) for x in np.asarray(res[key], dtype=np.float64)]
    out["constant"] = False
    return out


def oat_points(
    uncertain: Sequence[Uncertain], quantiles: tuple[float, float] = DEFAULT_QUANTILES
) -> list[tuple[str, str, dict[str, object]]]:
    """The points of a one-at-a-time study: (parameter, level, {name: value} for every input).

    The first point is the baseline (every input nominal; parameter ``""``, level ``base``); then, per
    input, ``low`` and ``high`` at the two quantiles. A choice among values uses the values at those
    quantiles too (its categories in the order written).
    """
    lo_q, hi_q = quantiles
    if not 0.0 < lo_q < hi_q < 1.0:
        raise InputError(None, "quantiles", "two quantiles 0 < low < high < 1", quantiles)
    nominal = {u.name: u.dist.nominal() for u in uncertain}
    pts: list[tuple[str, str, dict[str, object]]] = [("", "base", dict(nominal))]
    for u in uncertain:
        for level, q in (("low", lo_q), ("high", hi_q)):
            values = dict(nominal)
            values[u.name] = value_at(u.dist, q)
            pts.append((u.name, level, values))
    return pts


def tornado(
    parameters: Sequence[str], levels: Sequence[str], values: Sequence[object], outputs: np.ndarray
) -> dict[str, Any]:
    """Bars of a tornado chart from one-at-a-time runs, largest swing first.

    ``parameters``/``levels`` label each run (as :func:`oat_points` does, repeated per seed), ``values``
    the value the varied input took, ``outputs`` the output of the run. Each point is the mean output of
    its runs. Returns {``base``, ``bars``: [{parameter, low, high, low_value, high_value, swing}]}.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    params = np.asarray(parameters, dtype=object)
    lv = np.asarray(levels, dtype=object)
    base_mask = lv == "base"
    base = float(outputs[base_mask].mean()) if base_mask.any() else float("nan")
    bars = []
    names = [p for p in dict.fromkeys(params.tolist()) if p]
    for name in names:
        sel = params == name
        lo, hi = sel & (lv == "low"), sel & (lv == "high")
        if not lo.any() or not hi.any():
            continue
        lo_val = values[int(np.flatnonzero(lo)[0])]
        hi_val = values[int(np.flatnonzero(hi)[0])]
        y_lo, y_hi = float(outputs[lo].mean()), float(outputs[hi].mean())
        bars.append(
            {
                "parameter": name,
                "low": y_lo,
                "high": y_hi,
                "low_value": lo_val,
                "high_value": hi_val,
                "swing": abs(y_hi - y_lo),
            }
        )
    bars.sort(key=lambda b: (-b["swing"], b["parameter"]))
    return {"base": base, "bars": bars}
