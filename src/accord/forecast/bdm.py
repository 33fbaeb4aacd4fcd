"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith (2011).

Sources: Bueno de Mesquita (1994) "Political forecasting: an expected utility method", in Bueno de Mesquita
& Stokman (eds) *European Community Decision Making*, Yale UP; Scholz, Calbert & Smith (2011) "Unravelling
Bueno De Mesquita's group decision model", *J. Theoretical Politics* 23(4):510-531. Equations and the
points where reconstructions disagree: docs/models/forecasting.md §3.

One round (one-dimensional issue, range R, Q = 1):
1. risk exponents: with r = 1 everywhere, each actor's exposure ``D_i = Σ_{j≠i} EU_i(j→i)``;
   ``R_i = (2 D_i − D_max − D_min)/(D_max − D_min)``, ``r_i = (1 − R_i/3)/(1 + R_i/3)``;
2. votes ``v_k(i, j) = c_k s_k ((|x_k − x_j|/R)^r_k − (|x_k − x_i|/R)^r_k)``; probability that i beats j
   ``P_ij = Σ_k max(0, v_k) / denominator``;
3. ``EU(i→j) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − U_sq`` with ``U_s = 2 − 4(0.5 − 0.5 d)^r``,
   ``U_f = 2 − 4(0.5 + 0.5 d)^r``, ``U_sq = 2 − 4·0.5^r``, ``d = |x_i − x_j|/R``, r the evaluator's exponent;
4. receiver i looks at each j with a = EU_i(i→j), b = EU_i(j→i): confrontation (b > a > 0) or capitulation
   (b > 0 > a, b < |a|) move i to x_j; compromise (b > 0 > a, b > |a|) moves i to x_i + (x_j − x_i)|a/b|;
5. each actor takes one offer; all moves happen at once; the forecast is the median when rounds stop.

``BDMOptions.scholz_code()`` reproduces the replication code (jmckib/bdm-scholz-expected-utility-model,
which claims to match Scholz's own code) to the last digit; ``BDMOptions()`` follows the published text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np

from accord.forecast.compromise import median_voter, power, seq_sum, weighted_mean

OfferKind = Literal["confrontation", "compromise", "capitulation"]
KINDS: tuple[str, ...] = ("none", "confrontation", "compromise", "capitulation")


@dataclass(frozen=True)
class BDMOptions:
    """The points where readings of the model disagree, each a named choice (docs/models/forecasting.md §3.3).

    - ``probability_denominator``: ``"pairwise"`` divides by ``Σ_k |v_k(i, j)|`` so ``P_ij + P_ji = 1``
      (BDM 1994; Scholz et al. 2011, text); ``"all_triples"`` divides by the sum of ``|v_k(a, b)|`` over all
      actor triples (Scholz's code), which makes every P small.
    - ``vote_risk``: ``"voter"`` raises voter k's distances to r_k (BDM; both codes); ``"neutral"`` uses 1.
    - ``risk_range``: ``"actors"`` takes D_max, D_min over the actors (Scholz); ``"positions"`` over the
      positions actor i could hold, the others fixed (BDM's stated intent).
    - ``offer_selection``: ``"smallest_move"`` (BDM; Scholz's text) or ``"scholz_code"``: confrontations
      first (smallest move), else compromises by the least ``(|a| x_i + |b| x_j)/(|a| + |b|)``, else
      capitulations.
    - ``capitulation``: False reproduces the code, whose capitulation test can never be true.
    - ``range_basis``: R from the initial positions (``"positions"``, BDM/Scholz) or the declared scale.
    - ``stop``: ``"fixed"`` runs ``max_rounds`` (Scholz); ``"fixed_point"`` stops when no actor moves by
      more than ``tolerance``·R; ``"median"`` when the median moves by at most ``tolerance``·R (BDM's rule,
      with the discount rate expressed as a tolerance).
    - ``decision_rule``: the forecast is the final ``"median"`` (BDM) or ``"mean"``.
    """

    probability_denominator: Literal["pairwise", "all_triples"] = "pairwise"
    vote_risk: Literal["voter", "neutral"] = "voter"
    risk_range: Literal["actors", "positions"] = "actors"
    offer_selection: Literal["smallest_move", "scholz_code"] = "smallest_move"
    capitulation: bool = True
    range_basis: Literal["positions", "scale"] = "positions"
    stop: Literal["fixed", "fixed_point", "median"] = "fixed_point"
    max_rounds: int = 100
    tolerance: float = 1e-6
    decision_rule: Literal["median", "mean"] = "median"

    @classmethod
    def scholz_code(cls, rounds: int = 10) -> BDMOptions:
        """The replication code's choices (global denominator, compromise key, no capitulation, fixed rounds)."""
        return cls(
            probability_denominator="all_triples",
            offer_selection="scholz_code",
            capitulation=False,
            stop="fixed",
            max_rounds=rounds,
        )


PRESETS = {"paper": BDMOptions(), "scholz-code": BDMOptions.scholz_code()}


@dataclass(frozen=True)
class Offer:
    """An accepted offer: ``receiver`` moves to ``new_position`` because of ``proposer``."""

    round: int
    receiver: str
    proposer: str
    kind: OfferKind
    eu_receiver: float  # EU_i(i→j), receiver's view
    eu_proposer: float  # EU_i(j→i), receiver's view
    new_position: float


@dataclass
class BDMRound:
    """What each actor perceived in one round (arrays indexed [i, j], i the perceiving actor)."""

    round: int
    risk: np.ndarray  # r_i used this round
    probability: np.ndarray  # P[i, j]: probability that i beats j
    eu_challenge: np.ndarray  # EU_i(i→j), with r_i
    eu_challenged: np.ndarray  # EU_i(j→i), with r_i
    kind: np.ndarray  # index into KINDS: how i reads its relation with j
    offers: list[Offer]


@dataclass
class BDMResult:
    actors: tuple[str, ...]
    positions: np.ndarray  # (rounds + 1, actors)
    medians: np.ndarray
    means: np.ndarray
    rounds: list[BDMRound]
    forecast: float
    stopped: str  # "fixed_point", "median", "max_rounds" or "no_range"
    options: BDMOptions = field(default_factory=BDMOptions)

    def relations(self, round_: int) -> list[dict[str, object]]:
        """Each actor's perception of each bilateral relation in round ``round_`` (1-based)."""
        rd = self.rounds[round_ - 1]
        out = []
        for i, a in enumerate(self.actors):
            for j, b in enumerate(self.actors):
                if i != j:
                    out.append(
                        {
                            "actor": a,
                            "other": b,
                            "eu_challenge": float(rd.eu_challenge[i, j]),
                            "eu_challenged": float(rd.eu_challenged[i, j]),
                            "probability_win": float(rd.probability[i, j]),
                            "expects_to_challenge": bool(rd.eu_challenge[i, j] > 0),
                            "expects_challenge": bool(rd.eu_challenged[i, j] > 0),
                            "reading": KINDS[int(rd.kind[i, j])],
                        }
                    )
        return out


# ------------------------------------------------------------------------------------------ kernels


def probabilities(
    x: np.ndarray, cs: np.ndarray, r_vote: np.ndarray, span: float, denominator: str
) -> np.ndarray:
    """``P[i, j]``: probability that i beats j from third-party votes (0 when x_i == x_j)."""
    dist = power(np.abs(x[:, None] - x[None, :]) / span, r_vote[:, None])  # dist[k, a] = (|x_k - x_a|/R)^r_k
    v = cs[:, None, None] * (dist[:, None, :] - dist[:, :, None])  # v[k, i, j] = v_k(i, j)
    num = seq_sum(np.maximum(v, 0.0), axis=0)
    if denominator == "all_triples":
        den = np.full_like(num, float(seq_sum(np.abs(v).ravel())))
    else:
        den = seq_sum(np.abs(v), axis=0)
    p = np.divide(num, den, out=np.full_like(num, 0.5), where=den > 0)
    p[x[:, None] == x[None, :]] = 0.0
    return p


def expected_utilities(
    x: np.ndarray, s: np.ndarray, p: np.ndarray, r: np.ndarray, span: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)`` with ``A[i, j] = EU_i(i→j)`` and ``B[i, j] = EU_i(j→i)``, both with i's exponent r_i."""
    h = 0.5 * np.abs(x[:, None] - x[None, :]) / span
    rr = r[:, None]
    us = 2 - 4 * power(0.5 - h, rr)
    uf = 2 - 4 * power(0.5 + h, rr)
    usq = (2 - 4 * power(0.5, r))[:, None]
    a = s[None, :] * (p * us + (1 - p) * uf) + (1 - s[None, :]) * us - usq
    pt = p.T
    b = s[:, None] * (pt * us + (1 - pt) * uf) + (1 - s[:, None]) * us - usq
    return a, b


def danger(x: np.ndarray, cs: np.ndarray, s: np.ndarray, span: float, opts: BDMOptions) -> np.ndarray:
    """``D_i = Σ_{j≠i} EU_i(j→i)`` with every risk exponent 1 (summed over j in table order)."""
    ones = np.ones_like(x)
    p = probabilities(x, cs, ones, span, opts.probability_denominator)
    _, b = expected_utilities(x, s, p, ones, span)
    np.fill_diagonal(b, 0.0)
    return seq_sum(b, axis=1)


def risk_exponents(x: np.ndarray, cs: np.ndarray, s: np.ndarray, span: float, opts: BDMOptions) -> np.ndarray:
    """``r_i = (1 − R_i/3)/(1 + R_i/3)`` from the exposure D_i (all 1 when every D is equal)."""
    d = danger(x, cs, s, span, opts)
    if opts.risk_range == "actors":
        hi = np.full_like(d, d.max())
        lo = np.full_like(d, d.min())
    else:
        cand = np.unique(x)
        hi, lo = np.empty_like(d), np.empty_like(d)
        for i in range(x.size):
            xi = np.repeat(x[None, :], cand.size, axis=0)
            xi[:, i] = cand
            di = np.array([danger(row, cs, s, span, opts)[i] for row in xi])
            hi[i], lo[i] = di.max(), di.min()
    spread = hi - lo
    big_r = np.divide(2 * d - hi - lo, spread, out=np.zeros_like(d), where=spread > 0)
    return (1 - big_r / 3.0) / (1 + big_r / 3.0)


def choose_offers(
    x: np.ndarray, a: np.ndarray, b: np.ndarray, opts: BDMOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(kind[i, j], new_position[i, j], chosen[i])``; ``chosen[i]`` is the proposer i accepts or -1."""
    n = x.size
    ne = x[:, None] != x[None, :]
    conf = ne & (b > a) & (a > 0)
    neg = ne & (b > 0) & (a < 0)
    comp = neg & (b > np.abs(a))
    capit = neg & (b < np.abs(a))
    if not opts.capitulation:
        capit = np.zeros_like(capit)
    kind = np.where(conf, 1, np.where(comp, 2, np.where(capit, 3, 0)))
    ratio = np.abs(np.divide(a, b, out=np.zeros_like(a), where=comp))
    xi, xj = x[:, None], x[None, :]
    newpos = np.where(comp, xi + (xj - xi) * ratio, np.broadcast_to(xj, (n, n)))
    move = np.abs(xi - newpos)
    if opts.offer_selection == "smallest_move":
        mask, key = kind > 0, move
    else:  # the code's order: any confrontation, else compromises by its key, else capitulations
        has_conf = conf.any(axis=1)[:, None]
        has_comp = comp.any(axis=1)[:, None]
        aa, bb = np.abs(a), np.abs(b)
        tot = aa + bb
        comp_key = np.divide(aa * xi + bb * xj, tot, out=np.full((n, n), np.inf), where=tot > 0)
        mask = np.where(has_conf, conf, np.where(has_comp, comp, capit))
        key = np.where(~has_conf & has_comp, comp_key, move)
    chosen = np.argmin(np.where(mask, key, np.inf), axis=1)
    chosen[~mask.any(axis=1)] = -1
    return kind, newpos, chosen


# ------------------------------------------------------------------------------------------- driver


def run_bdm(
    actors: tuple[str, ...],
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    options: BDMOptions | None = None,
    scale: tuple[float, float] | None = None,
) -> BDMResult:
    """Run the expected-utility model on one issue; round 0 holds the initial positions.

    ``scale`` is the declared (low, high) of the issue, used when ``range_basis == "scale"``.
    """
    opts = options or BDMOptions()
    c, s = np.asarray(capability, float), np.asarray(salience, float)
    x = np.asarray(position, float).copy()
    cs = c * s
    if opts.range_basis == "scale" and scale is not None:
        span = float(scale[1] - scale[0])
    else:
        span = float(x.max() - x.min())
    positions, medians, means = [x.copy()], [median_voter(x, cs)], [weighted_mean(c, x, s)]
    rounds: list[BDMRound] = []
    stopped = "no_range" if span <= 0 else "max_rounds"
    for t in range(1, opts.max_rounds + 1 if span > 0 else 1):
        r = risk_exponents(x, cs, s, span, opts)
        r_vote = r if opts.vote_risk == "voter" else np.ones_like(r)
        p = probabilities(x, cs, r_vote, span, opts.probability_denominator)
        a, b = expected_utilities(x, s, p, r, span)
        kind, newpos, chosen = choose_offers(x, a, b, opts)
        new_x = x.copy()
        offers = []
        for i, j in enumerate(chosen):
            if j >= 0:
                new_x[i] = newpos[i, j]
                kd = cast(OfferKind, KINDS[int(kind[i, j])])
                offers.append(
                    Offer(t, actors[i], actors[j], kd, float(a[i, j]), float(b[i, j]), float(new_x[i]))
                )
        rounds.append(BDMRound(t, r, p, a, b, kind, offers))
        moved = float(np.abs(new_x - x).max())
        x = new_x
        positions.append(x.copy())
        medians.append(median_voter(x, cs))
        means.append(weighted_mean(c, x, s))
        if opts.stop == "fixed_point" and moved <= opts.tolerance * span:
            stopped = "fixed_point"
            break
        if opts.stop == "median" and abs(medians[-1] - medians[-2]) <= opts.tolerance * span:
            stopped = "median"
            break
    med, mean = np.array(medians), np.array(means)
    forecast = float(med[-1] if opts.decision_rule == "median" else mean[-1])
    return BDMResult(tuple(actors), np.array(positions), med, mean, rounds, forecast, stopped, opts)
