"""Strategies of the mediated single-text protocol: each party accepts or vetoes the mediator's change.

In the single-text protocol (Raiffa 1982; Klein, Faratin, Sayama & Bar-Yam 2003) a mediator holds
one text and proposes a change to it at every step; the text moves when every party accepts the change.
A party's strategy is therefore one question: accept this change or veto it? The strategies here are
array policies: one object answers for B runs at once (``current`` and ``proposed`` hold one outcome
index per run), so a batch of runs is a few numpy operations a step. Randomness comes only from the
per-run generators of the context (``ctx.rngs[b]`` for run b), drawn once in :meth:`Voter.setup`, so a
run's votes depend on its own seed alone: a batch of k runs equals k runs alone.

References: H. Raiffa (1982), *The Art and Science of Negotiation*, Harvard University Press (the single
negotiating text); M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Protocols for
negotiating complex contracts", IEEE Intelligent Systems 18(6):32-38 (hill-climbing and annealing voters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from accord.strategies.base import StrategyInfo, register

PROTOCOL = "single_text"
_SOURCE = (
    "Klein, Faratin, Sayama & Bar-Yam (2003), Protocols for negotiating complex contracts, "
    "IEEE Intelligent Systems 18(6)"
)


@dataclass(frozen=True)
class VoterContext:
    """What a single-text party knows: its own utilities, walk-away value and constraints, the number of
    steps, and one random generator per run of the batch."""

    party: int
    name: str
    utility: np.ndarray  # (outcomes,) own utility of every outcome
    reservation: float
    acceptable: np.ndarray | None  # (outcomes,) own hard constraints; None if there are none
    steps: int
    rngs: Sequence[np.random.Generator]  # rngs[b]: run b's stream for this party


class Voter:
    """Base class of single-text strategies: :meth:`votes` says, per run, whether to accept the change.

    A subclass sets ``info`` (with ``protocol="single_text"``) and overrides :meth:`votes`; :meth:`setup`
    is called once per batch before the first step.
    """

    info: ClassVar[StrategyInfo]

    def setup(self, ctx: VoterContext) -> None:
        self.ctx = ctx

    def votes(self, step: int, time: float, current: np.ndarray, proposed: np.ndarray) -> np.ndarray:
        """Accept (True) or veto (False) the change from ``current[b]`` to ``proposed[b]``, per run b."""
        raise NotImplementedError

    def allowed(self, proposed: np.ndarray) -> np.ndarray:
        """Per run: the proposed text satisfies my hard constraints (a change to a text that breaks
        them is always vetoed)."""
        acc = self.ctx.acceptable
        return np.ones(proposed.shape, dtype=bool) if acc is None else acc[proposed]


@register("hill_climber")
class HillClimber(Voter):
    """Accept a change iff it does not lower my utility (Klein et al. 2003's hill climber)."""

    info = StrategyInfo(
        "hill_climber",
        "single-text",
        _SOURCE,
        "Accepts a change of the text iff it does not lower its utility",
        protocol=PROTOCOL,
    )

    def votes(self, step: int, time: float, current: np.ndarray, proposed: np.ndarray) -> np.ndarray:
        u = self.ctx.utility
        return (u[proposed] >= u[current]) & self.allowed(proposed)


@register("annealer")
class Annealer(Voter):
    """Simulated annealing: accept any change that does not lower my utility, and a change that lowers
    it by ΔU with probability exp(-ΔU / T), the virtual temperature T falling over the negotiation.

    Klein et al. (2003) let the temperature decline to zero as the negotiation proceeds, so annealers
    explore early and end as hill climbers. Choices made here: the schedule is linear,
    T(t) = temperature · (1 - t) for the normalised time t ∈ [0, 1] of the step (t = step / (steps - 1)),
    and the default ``temperature`` 0.1 is our judgement for utilities on [0, 1] (a loss of 0.1 is
    accepted with probability e^-1 at the start); the paper's own numbers are for its own utility scale.
    """

    info = StrategyInfo(
        "annealer",
        "single-text",
        _SOURCE,
        "Accepts worse texts with probability exp(-dU/T), T falling linearly to 0",
        stochastic=True,
        protocol=PROTOCOL,
    )

    def __init__(self, temperature: float = 0.1) -> None:
        if not temperature >= 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        self.temperature = float(temperature)

    def setup(self, ctx: VoterContext) -> None:
        super().setup(ctx)
        # One uniform draw per step per run, from that run's own stream.
        self.draws = np.stack([g.random(ctx.steps) for g in ctx.rngs]) if ctx.rngs else np.empty((0, 0))

    def votes(self, step: int, time: float, current: np.ndarray, proposed: np.ndarray) -> np.ndarray:
        u = self.ctx.utility
        gain = u[proposed] - u[current]
        temp = self.temperature * (1.0 - time)
        if temp > 0:
            with np.errstate(over="ignore"):
                chance = np.exp(np.minimum(gain, 0.0) / temp)
            ok = (gain >= 0) | (self.draws[:, step] < chance)
        else:
            ok = gain >= 0
        return ok & self.allowed(proposed)
