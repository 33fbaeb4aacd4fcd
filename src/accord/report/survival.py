"""Kaplan-Meier survival of implemented deals (how many are still intact after each step).

Kaplan & Meier 1958, "Nonparametric estimation from incomplete observations", JASA 53(282):457-481:
S(t) = Π_{t_i <= t} (1 - d_i / n_i), with d_i breakdowns at step t_i and n_i deals still at risk; a deal
that completes its schedule is censored at its last step. The 95% interval is Greenwood's variance on
the log-log scale (Kalbfleisch & Prentice 2002, §1.4), which stays inside [0, 1].
"""

from __future__ import annotations

import numpy as np

__all__ = ["kaplan_meier"]


def kaplan_meier(
    durations: np.ndarray, events: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(times, survival, lower, upper): the step function starting at (0, 1).

    ``durations[k]`` is the step at which deal k broke down (``events[k]`` true) or its last observed
    step (``events[k]`` false: completed, censored).
    """
    d = np.asarray(durations, dtype=np.float64)
    e = np.asarray(events, dtype=bool)
    if d.shape != e.shape:
        raise ValueError("durations and events need the same shape")
    times = np.unique(d[e])
    s, var_sum = 1.0, 0.0
    ts, ss, lo, hi = [0.0], [1.0], [1.0], [1.0]
    z = 1.959963984540054
    for t in times:
        at_risk = int(np.count_nonzero(d >= t))
        deaths = int(np.count_nonzero((d == t) & e))
        if at_risk == 0:
            continue
        s *= 1.0 - deaths / at_risk
        if at_risk > deaths:
            var_sum += deaths / (at_risk * (at_risk - deaths))
        ts.append(float(t))
        ss.append(s)
        if 0.0 < s < 1.0 and var_sum > 0:
            se = np.sqrt(var_sum) / abs(np.log(s))
            lo.append(float(s ** np.exp(z * se)))
            hi.append(float(s ** np.exp(-z * se)))
        else:
            lo.append(s)
            hi.append(s)
    end = float(d.max()) if d.size else 0.0
    if ts[-1] < end:
        ts.append(end)
        ss.append(ss[-1])
        lo.append(lo[-1])
        hi.append(hi[-1])
    return np.array(ts), np.array(ss), np.array(lo), np.array(hi)
