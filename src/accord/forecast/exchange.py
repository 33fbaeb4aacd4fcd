"""The Stokman-Van Oosten exchange model of voting positions, equal-gain variant.

Sources: Stokman & Van Oosten (1994) "The exchange of voting positions: an object-oriented model of policy
networks", ch. 5 in Bueno de Mesquita & Stokman (eds) *European Community Decision Making*, Yale UP;
Stokman, Van Assen, Van der Knoop & Van Oosten (2000) *Advances in Group Processes* 17. Equations:
docs/models/forecasting.md §4. Implemented from the published description (the DECIDE code is GPL and was
only read to understand it).

Outcome of issue d: the compromise ``O_d = Σ_i c_id s_id x_id / Σ_i c_id s_id``. A shift of actor j on d by
Δx moves it by ``ΔO_d = a_jd Δx`` with ``a_jd = c_jd s_jd / Σ_k c_kd s_kd``. Actors i and j, on opposite
sides of O on issues p and q, with ``s_ip/s_iq > s_jp/s_jq``, exchange: j moves on p toward i (i's demand)
and i moves on q toward j. With ``dp = |ΔO_p|`` and ``dq = |ΔO_q|`` the gains are
``G_i = s_ip dp − s_iq dq`` and ``G_j = s_jq dq − s_jp dp``; equal gains give
``dq = k dp`` with ``k = (s_ip + s_jp)/(s_iq + s_jq)`` and ``G = dp (s_ip s_jq − s_iq s_jp)/(s_iq + s_jq)``.
``dp`` is the largest value such that neither actor moves past the other's position and neither outcome
passes the demander's position:
``dp = min(a_jp |x_ip − x_jp|, |x_ip − O_p|, (a_iq |x_jq − x_iq|)/k, |x_jq − O_q|/k)``.
In each round the feasible exchange with the highest gain is realised first, then the next among actors not
yet exchanging in that round, recomputing the outcomes after each; rounds repeat until none is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from accord.forecast.compromise import median_voter, seq_sum


@dataclass(frozen=True)
class ExchangeOptions:
    """``max_rounds`` bounds the rounds; exchanges with gain <= ``min_gain`` times the largest issue range
    are not realised (they only shuffle rounding errors)."""

    max_rounds: int = 100
    min_gain: float = 1e-9


@dataclass(frozen=True)
class Exchange:
    """A realised exchange: ``supplier_p`` moves on ``issue_p`` toward ``demander_p``, who moves on ``issue_q``."""

    round: int
    demander_p: str
    supplier_p: str
    issue_p: str
    issue_q: str
    move_supplier_on_p: float
    move_demander_on_q: float
    delta_outcome_p: float
    delta_outcome_q: float
    gain: float


@dataclass
class ExchangeResult:
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    positions: np.ndarray  # (rounds + 1, issues, actors); absent actors keep NaN
    outcomes: np.ndarray  # (rounds + 1, issues): the compromise outcome O_d
    medians: np.ndarray  # (rounds + 1, issues): c·s-weighted median of the positions
    exchanges: list[Exchange] = field(default_factory=list)
    stopped: str = "no_exchange"

    @property
    def forecast(self) -> np.ndarray:
        """Per issue: the compromise outcome of the final positions."""
        return self.outcomes[-1]


def outcomes(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``O_d`` for every issue (rows), actors summed left to right; ``w`` = c·s (0 for absent actors)."""
    return seq_sum(w * x, axis=1) / seq_sum(w, axis=1)


def candidates(
    pref: np.ndarray, vote: np.ndarray, s: np.ndarray, w: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Every feasible equal-gain exchange: ``(gain[pair, i, j], pairs, dp, dq)``.

    ``pref`` are the policy positions (what actors want; fixed), ``vote`` the voting positions (what enters
    the outcome; they move). Row ``i`` demands the pair's first issue p and supplies q, column ``j`` the
    reverse; gain is ``-inf`` where no exchange is feasible. ``free`` marks actors still able to exchange.
    """
    m, n = pref.shape
    o = outcomes(vote, w)
    share = w / seq_sum(w, axis=1)[:, None]
    side = np.sign(pref - o[:, None]) * (w > 0)
    pairs = list(combinations(range(m), 2))
    gain = np.full((len(pairs), n, n), -np.inf)
    dps, dqs = np.zeros_like(gain), np.zeros_like(gain)
    for k, (p, q) in enumerate(pairs):
        spi, spj = s[p][:, None], s[p][None, :]
        sqi, sqj = s[q][:, None], s[q][None, :]
        ok = (side[p][:, None] * side[p][None, :] < 0) & (side[q][:, None] * side[q][None, :] < 0)
        ok &= spi * sqj > spj * sqi  # i cares relatively more about p than j does
        ok &= free[:, None] & free[None, :]
        if not ok.any():
            continue
        # j's room to move its vote on p toward i's policy position, and i's on q toward j's
        room_p = np.maximum(0.0, (pref[p][:, None] - vote[p][None, :]) * side[p][:, None])
        room_q = np.maximum(0.0, (pref[q][None, :] - vote[q][:, None]) * side[q][None, :])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (spi + spj) / (sqi + sqj)
            dp_max = np.minimum(share[p][None, :] * room_p, np.abs(pref[p][:, None] - o[p]))
            dq_max = np.minimum(share[q][:, None] * room_q, np.abs(pref[q][None, :] - o[q]))
            dp = np.minimum(dp_max, dq_max / ratio)
            g = dp * (spi * sqj - sqi * spj) / (sqi + sqj)
            dq = dp * ratio
        gain[k] = np.where(ok, g, -np.inf)
        dps[k], dqs[k] = np.where(ok, dp, 0.0), np.where(ok, dq, 0.0)
    return gain, pairs, dps, dqs


def _move(x: float, target: float, dist_outcome: float, share: float) -> float:
    """Vote after moving toward ``target`` far enough to shift the outcome by ``dist_outcome``."""
    full = abs(target - x)
    step = min(dist_outcome / share, full) if share > 0 else 0.0
    return target if step >= full else x + np.sign(target - x) * step


def run_exchange(
    actors: tuple[str, ...],
    issues: tuple[str, ...],
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    present: np.ndarray | None = None,
    options: ExchangeOptions | None = None,
) -> ExchangeResult:
    """Run the equal-gain exchange model; arrays are (issues, actors); round 0 holds the initial positions."""
    opts = options or ExchangeOptions()
    c, s = np.asarray(capability, float), np.asarray(salience, float)
    x = np.asarray(position, float).copy()
    pres = np.ones_like(x, dtype=bool) if present is None else np.asarray(present, bool)
    s = np.where(pres, s, 0.0)
    w = np.where(pres, c * s, 0.0)
    pref = np.where(pres, x, 0.0)
    x = pref.copy()
    span = max(float(np.ptp(pref[d, pres[d]])) for d in range(x.shape[0]))
    floor = opts.min_gain * max(span, 1e-300)

    def medians(xx: np.ndarray) -> np.ndarray:
        return np.array([median_voter(xx[d, pres[d]], w[d, pres[d]]) for d in range(xx.shape[0])])

    def shown(xx: np.ndarray) -> np.ndarray:
        return np.where(pres, xx, np.nan)

    hist_x, hist_o, hist_m = [shown(x)], [outcomes(x, w)], [medians(x)]
    done: list[Exchange] = []
    stopped = "max_rounds"
    for t in range(1, opts.max_rounds + 1):
        free = np.ones(x.shape[1], dtype=bool)
        n_round = 0
        while free.sum() >= 2:
            gain, pairs, dps, dqs = candidates(pref, x, s, w, free)
            if not pairs:
                break
            best = int(np.argmax(gain))
            k, i, j = np.unravel_index(best, gain.shape)
            if not gain[k, i, j] > floor:
                break
            p, q = pairs[k]
            o = outcomes(x, w)
            share = w / seq_sum(w, axis=1)[:, None]
            old_jp, old_iq = x[p, j], x[q, i]
            x[p, j] = _move(old_jp, pref[p, i], float(dps[k, i, j]), float(share[p, j]))
            x[q, i] = _move(old_iq, pref[q, j], float(dqs[k, i, j]), float(share[q, i]))
            o2 = outcomes(x, w)
            done.append(
                Exchange(
                    t,
                    actors[i],
                    actors[j],
                    issues[p],
                    issues[q],
                    float(x[p, j] - old_jp),
                    float(x[q, i] - old_iq),
                    float(o2[p] - o[p]),
                    float(o2[q] - o[q]),
                    float(gain[k, i, j]),
                )  # fmt: skip
            )
            free[[i, j]] = False
            n_round += 1
        if n_round == 0:
            stopped = "no_exchange"
            break
        hist_x.append(shown(x))
        hist_o.append(outcomes(x, w))
        hist_m.append(medians(x))
    return ExchangeResult(
        tuple(actors), tuple(issues), np.array(hist_x), np.array(hist_o), np.array(hist_m), done, stopped
    )
