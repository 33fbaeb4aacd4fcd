"""Staged talks: working level, then summit (any number of stages), with private facts and beliefs.

Each stage is a stacked alternating-offers negotiation (:func:`~accord.protocols.alternating.run_alternating`)
over the outcomes still *open*, between the parties' negotiators for that stage (envoys or leaders). What a
stage settles carries into the next (docs/models/tracks.md):

- *settle*: an issue on the stage's agenda is fixed when the stage ends in agreement (at the agreed value)
  or when every party's final position carries the same value;
- *narrow*: on every other agenda issue the options left open are those between the parties' final
  positions (the range of ranks for ordered issues, the values named for categorical ones);
- *beliefs*: at the end of a stage every party updates its beliefs from the others' final positions by
  Bayes' rule with the declared likelihoods (:mod:`accord.model.beliefs`).

A party's utility in a stage is its expected utility over the worlds it deems possible (nominal, or the
expected value after implementation when the stage says ``valuation: implemented``); a leader's includes
its stakes. An envoy acts within its mandate: its floor is the larger of its walk-away value and the
mandate's minimum utility, and the mandate's red lines limit what it may offer or accept. A walk by a leader
ends the talks; a walk by an envoy ends its stage. The last stage's agreement is the deal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

import accord.strategies.belief_based  # noqa: F401  (registers envoy, leader, walk_away)
from accord.implementation.engine import expected
from accord.implementation.schedule import CompiledImplementation, compile_implementation
from accord.model.beliefs import (
    WorldArrays,
    bayes,
    compile_worlds,
    world_index,
    world_weights,
)
from accord.model.seeding import facts_rng, stage_rngs
from accord.model.talks import Stage, TalksScenario
from accord.protocols.alternating import Result, run_alternating
from accord.protocols.kernel import END_NAMES
from accord.protocols.stage_rules import carry, ends_talks, final_positions, stage_values
from accord.strategies.base import Negotiator
from accord.strategies.belief_based import TalkInfo

DEFAULT_STRATEGY = {"envoy": "envoy", "leader": "leader"}


def deal_rows(here: np.ndarray, worlds: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows on which the exact evaluator values the open deals of R runs in every world: for each run
    (in order), its open outcomes ``here[r]`` (ascending) in world 0, then world 1, ...; returns the rows'
    outcome, world and run. One run's rows are ``tile(open, W)`` and ``repeat(arange(W), m)``."""
    counts = here.sum(axis=1)
    run_of, out_idx = np.nonzero(here)  # run-major, outcomes ascending
    m = counts[run_of]
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = np.arange(run_of.size) - start[run_of]  # position within its run
    base = np.repeat(start * worlds, counts)
    ag = np.empty(run_of.size * worlds, dtype=np.int64)
    wd = np.empty_like(ag)
    runs = np.empty_like(ag)
    for w in range(worlds):
        at = base + w * m + k
        ag[at] = out_idx
        wd[at] = w
        runs[at] = run_of
    return ag, wd, runs


def world_sum(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``Σ_w weights[..., w] · values[..., w, :]``, added in world order.

    One formula for every path that values outcomes over worlds (a run alone or many runs stacked on
    leading axes), so they give bitwise-equal floats (a matrix product may round differently per shape).
    """
    out = weights[..., 0, None] * values[..., 0, :]
    for w in range(1, values.shape[-2]):
        out = out + weights[..., w, None] * values[..., w, :]
    return out


def world_sum_pointwise(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``Σ_w weights[..., o, w] · values[..., w, o]`` (a weight per outcome), added in world order."""
    out = weights[..., 0] * values[..., 0, :]
    for w in range(1, values.shape[-2]):
        out = out + weights[..., w] * values[..., w, :]
    return out


def make_negotiator(spec: str) -> Negotiator:
    """Build a negotiator from a spec such as ``leader`` or ``envoy(e=0.5)`` (:mod:`accord.strategies.spec`)."""
    from accord.strategies.spec import build_negotiator

    return build_negotiator(spec)


class _StageView:
    """The attributes of a CompiledScenario that :func:`run_alternating` reads, for one stage."""

    def __init__(
        self, scenario: Any, utilities: np.ndarray, acceptable: np.ndarray, reservations: np.ndarray
    ) -> None:
        self.scenario = scenario
        self.space = scenario.space
        self.utilities = utilities
        self.acceptable = acceptable
        self.has_constraints = True
        self.reservations = reservations
        self.discounts = np.ones(len(reservations))
        self._orders: dict[int, np.ndarray] = {}

    @property
    def n_parties(self) -> int:
        return self.utilities.shape[0]

    def cached_order(self, party: int) -> np.ndarray | None:
        return None

    def order(self, party: int) -> np.ndarray:
        if party not in self._orders:
            self._orders[party] = np.argsort(-self.utilities[party], kind="stable")
        return self._orders[party]


@dataclass
class StageOutcome:
    name: str
    end: str  # agreement | walk_away | deadline | no_options
    rounds: int
    agreement: int | None
    walked_away_by: str | None
    settled: dict[str, object]
    open_outcomes: int
    beliefs: np.ndarray
    result: Result | None = field(default=None, repr=False)


@dataclass
class TalksResult:
    agreement: bool
    outcome_index: int | None
    end: str
    walked_away_by: str | None
    stages: list[StageOutcome]
    beliefs: np.ndarray  # (P, F) after the talks
    world: int
    rounds: int


class CompiledTalks:
    """Everything the talks need, computed once per scenario (variant): worlds, masks, likelihoods."""

    def __init__(self, talks: TalksScenario) -> None:
        self.talks = talks
        sc = talks.scenario
        self.scenario = sc
        self.names = sc.party_names
        self.P = len(self.names)
        self.private = talks.private
        self.worlds: WorldArrays = compile_worlds(sc, talks.private)
        n = sc.space.size
        idx = np.arange(n, dtype=np.int64)
        self.digit_list = sc.space.digits(idx)
        self.digits = np.stack(self.digit_list, axis=1)
        self.spans = np.maximum(sc.space.cards - 1, 1).astype(np.float64)
        self.impl: CompiledImplementation | None = (
            compile_implementation(sc, talks.implementation, self.worlds, talks.private)
            if talks.implementation is not None
            else None
        )
        self.deterministic = (
            not talks.private.drawn
            and (self.impl is None or not self.impl.stochastic)
            and not any(st.breakdown_risk > 0 for st in talks.stages)  # nature may end the talks
        )
        self.signals = [
            (k, sg, ct_mask)
            for k, sg in enumerate(talks.private.signals)
            if sg.kind == "offer" and sg.condition is not None
            for ct_mask in [np.broadcast_to(sg.condition.evaluate_digits(self.digit_list, {}), (n,))]
        ]
        self._valued: dict[tuple, np.ndarray] = {}
        self._masks: dict[int, np.ndarray] = {}

    def mask(self, expr: Any) -> np.ndarray:
        key = id(expr)
        if key not in self._masks:
            self._masks[key] = np.broadcast_to(
                expr.evaluate_digits(self.digit_list, {}), (self.digits.shape[0],)
            )
        return self._masks[key]

    def informative(self, observer: int, sender: int, here: np.ndarray) -> list[tuple[int, Any, np.ndarray]]:
        """Offer signals from ``sender`` to ``observer`` that can tell anything on the outcomes ``here``: a
        condition that holds for all of them, or for none, reveals nothing about the sender's private facts."""
        obs, snd = self.names[observer], self.names[sender]
        out = []
        for f_sig in self.signals:
            _, sg, m = f_sig
            if sg.observer == obs and sg.sender == snd:
                on = m[here]
                if on.any() and not on.all():
                    out.append(f_sig)
        return out

    def likelihoods(
        self, observer: int, sender: int, here: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Per fact and outcome, the likelihood of the sender's position being that outcome if the fact is
        true / false (``(F, n)`` arrays; signals about one fact multiply); None if nothing is informative."""
        sigs = self.informative(observer, sender, here)
        if not sigs:
            return None
        n = here.shape[0]
        F = len(self.private.facts)
        lt, lf = np.ones((F, n)), np.ones((F, n))
        for _, sg, m in sigs:
            f = self.private.fact_index(sg.fact)
            lt[f] *= np.where(m, sg.p_true, 1.0 - sg.p_true)
            lf[f] *= np.where(m, sg.p_false, 1.0 - sg.p_false)
        return lt, lf

    def valuation(self, kind: str, beliefs: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """(P, W, n) value of every agreement in every world: nominal utilities, or the exact expected realised
        utility after implementation with decisions taken on ``beliefs``.

        ``rows`` (a mask over outcomes) limits the expensive implemented valuation to the outcomes still on the
        table; the other entries then hold the nominal utilities. A stage reads values only where its parties
        may offer or accept (a subset of the open outcomes), so its decisions are those of the full valuation.
        """
        if kind == "nominal" or self.impl is None:
            return self.worlds.utilities
        n = self.digits.shape[0]
        if rows is not None and rows.all():
            rows = None
        sel = None if rows is None else np.flatnonzero(rows)
        key = (kind, tuple(np.round(beliefs, 12).ravel()), None if sel is None else sel.tobytes())
        if key not in self._valued:
            W = self.worlds.n_worlds
            m = n if sel is None else sel.size
            ag, wd, _ = deal_rows((np.ones(n, dtype=bool) if rows is None else rows)[None], W)
            wts = np.broadcast_to(world_weights(beliefs)[None], (W * m, self.P, W))
            out = expected(self.impl, ag, wd, wts)
            part = out.realised.T.reshape(self.P, W, m)
            if sel is None:
                V = part
            else:
                V = self.worlds.utilities.copy()
                V[:, :, sel] = part
            V.setflags(write=False)
            if len(self._valued) > 256:
                self._valued.clear()
            self._valued[key] = V
        return self._valued[key]


def _stage_arrays(ct: CompiledTalks, stage: Stage, open_: np.ndarray, beliefs: np.ndarray):
    """Utilities, responding utilities, acceptability and floors of every party for one stage: the rules of
    :func:`accord.protocols.stage_rules.stage_values` on a batch of one run."""
    P, names = ct.P, ct.names
    V = ct.valuation(stage.valuation, beliefs, open_)
    wts = world_weights(beliefs)  # (P, W)
    base = np.stack([world_sum(wts[i], V[i]) for i in range(P)])[None]  # (1, P, n)
    acceptable = np.stack([open_ & ct.worlds.robust_acceptable(i, wts[i]) for i in range(P)])[None]
    demands = [
        (names.index(dm.party), ct.private.fact_index(dm.fact), np.array([dm.above]), ct.mask(dm.require))
        for dm in ct.private.demands
    ]
    util, acc, res, bonuses = stage_values(
        [stage], names, base, acceptable, ct.worlds.reservations[None], beliefs[None], ct.mask, demands
    )
    resp: list[dict[int, np.ndarray]] = []
    for i in range(P):
        r: dict[int, np.ndarray] = {}
        bonus = bonuses[i][0]
        for j in range(P):
            if j == i:
                continue
            lik = ct.likelihoods(i, j, open_)
            if lik is None:
                continue
            post = bayes(beliefs[i][:, None], lik[0], lik[1])  # (F, n)
            pw = world_weights(post.T)  # (n, W)
            r[j] = world_sum_pointwise(pw, V[i]) + bonus
        resp.append(r)
    return util[0], acc[0], res[0], resp


def _positions(result: Result, P: int) -> tuple[np.ndarray, np.ndarray]:
    """A run's agreed outcome (-1: none) and every party's last offer (-1: none), as arrays of one run."""
    agreed = np.array([result.outcome_index if result.agreement and result.outcome_index is not None else -1])
    last = np.array([[-1 if (x := _last_offer(result, p)) is None else x for p in range(P)]], dtype=np.int64)
    return agreed, last


def _carry(
    ct: CompiledTalks, stage: Stage, result: Result, open_: np.ndarray
) -> tuple[np.ndarray, dict[str, object]]:
    """Settle and narrow the agenda issues from the stage's final positions
    (:func:`accord.protocols.stage_rules.carry` on a batch of one run)."""
    agreed, last = _positions(result, ct.P)
    new, settled = carry(
        ct.scenario.space, ct.digits, stage, open_[None], agreed, last, np.zeros(1, dtype=np.int64)
    )
    return new[0], settled[0]


def run_talks(ct: CompiledTalks, seed: int | None = None) -> TalksResult:
    """Run the staged talks once with run ``seed``'s streams (:mod:`accord.model.seeding`: the facts, then
    one stream per stage); the implementation is run separately, see :mod:`accord.protocols.talks`."""
    truth = ct.private.draw_truth(facts_rng(seed) if ct.private.drawn else None)
    world = world_index(truth)
    beliefs = ct.private.priors(ct.names, truth)
    open_ = np.ones(ct.digits.shape[0], dtype=bool)
    stages: list[StageOutcome] = []
    end, walker, agreed, rounds = "deadline", None, None, 0
    streams = stage_rngs(seed, len(ct.talks.stages))
    for s, stage in enumerate(ct.talks.stages):
        final = s == len(ct.talks.stages) - 1
        here = open_ & ct.mask(stage.table) if stage.table is not None else open_
        if not here.any():
            stages.append(StageOutcome(stage.name, "no_options", 0, None, None, {}, 0, beliefs.copy()))
            end = "no_options"
            if final:
                break
            continue
        util, acc, res, resp = _stage_arrays(ct, stage, here, beliefs)
        view = _StageView(ct.scenario, util, acc, res)
        opener = ct.names.index(stage.opener) if stage.opener else 0
        order = [(opener + j) % ct.P for j in range(ct.P)]
        negs = []
        for i, nm in enumerate(ct.names):
            role = stage.roles.get(nm, "leader")
            neg = make_negotiator(stage.strategies.get(nm) or DEFAULT_STRATEGY[role])
            neg.talks = TalkInfo(stage.name, role, order, ct.digits, ct.spans, resp[i], walk_allowed=True)  # type: ignore[attr-defined]
            negs.append(neg)
        result = run_alternating(
            view,  # type: ignore[arg-type]
            negs,
            deadline=stage.rounds,
            opener=opener,
            rng=streams[s],
            breakdown_risk=stage.breakdown_risk,
        )
        rounds += result.rounds
        before = beliefs.copy()
        agreed_at, last = _positions(result, ct.P)
        for i in range(ct.P):  # beliefs from the others' final positions (informative signals only)
            for j in range(ct.P):
                lik = None if i == j else ct.likelihoods(i, j, here)
                pos = int(final_positions(agreed_at, last, j)[0])
                if lik is not None and pos >= 0:
                    beliefs[i] = bayes(before[i], lik[0][:, pos], lik[1][:, pos])
        if final:
            end = result.end
            walker = result.walked_away_by
            agreed = result.outcome_index if result.agreement else None
            stages.append(
                StageOutcome(
                    stage.name,
                    result.end,
                    result.rounds,
                    agreed,
                    walker,
                    {},
                    int(here.sum()),
                    beliefs.copy(),
                    result,
                )
            )
            break
        walked, broken = ends_talks(
            stage,
            ct.names,
            np.array([END_NAMES.index(result.end)]),
            np.array([ct.names.index(result.walked_away_by) if result.walked_away_by else -1]),
        )
        walked_leader, broke = bool(walked[0]), bool(broken[0])
        open_, settled = _carry(ct, stage, result, here)
        stages.append(
            StageOutcome(
                stage.name,
                result.end,
                result.rounds,
                result.outcome_index if result.agreement else None,
                result.walked_away_by,
                settled,
                int(open_.sum()),
                beliefs.copy(),
                result,
            )
        )
        if walked_leader:
            end, walker = "walk_away", result.walked_away_by
            break
        if broke:
            end = "breakdown"
            break
    return TalksResult(
        agreed is not None,
        agreed,
        end if agreed is None else "agreement",
        walker,
        stages,
        beliefs,
        world,
        rounds,
    )


def _last_offer(result: Result, party: int) -> int | None:
    tr = result.trace
    for k in range(len(tr) - 1, -1, -1):
        if tr.party[k] == party and tr.action[k] == "offer":
            return int(tr.offer[k])
    return None
