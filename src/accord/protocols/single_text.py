"""The mediated single-text protocol, on arrays with a leading run axis.

A mediator holds one text (an outcome) and, at every step, proposes a change to it; each party accepts
or vetoes the change, and the text moves only when every party accepts (Raiffa 1982: the single negotiating
text of the Camp David talks; Klein, Faratin, Sayama & Bar-Yam 2003: the mediator proposes a
random mutation of the current contract, the parties vote). After ``deadline`` steps each party ratifies
the final text if it clears its walk-away value and its hard constraints; the talks end in agreement if
every party ratifies, else the first party that does not walks away.

The mediator's change, as in Klein et al. (2003): one issue drawn uniformly among the issues with more
than one value, and a new value for it drawn uniformly among that issue's other values. The first text is
drawn uniformly from the outcomes (``start: random``, the default) or given (``start: {issue: value}``).

All B runs of a batch move together: the state is one text per run (``texts[b]``), a step is a few numpy
operations over B, and each party is one array policy (:class:`accord.strategies.single_text.Voter`)
answering for every run at once. Run b draws only from its own seed: ``SeedSequence(seed).spawn(n + 1)``
gives the mediator's stream (child 0) and one stream per party (child i + 1), each drawn once before the
first step, so a batch of k runs equals k runs alone and the same seed gives the same trace.

References: H. Raiffa (1982), *The Art and Science of Negotiation*, Harvard University Press; M. Klein,
P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Protocols for negotiating complex contracts", IEEE Intelligent
Systems 18(6):32-38.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from accord.errors import InputError
from accord.model.scenario import CompiledScenario, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.alternating import Result, Trace, normalised_time
from accord.strategies.single_text import PROTOCOL, Voter, VoterContext
from accord.strategies.spec import build_negotiator

VOTES = ("veto", "accept")
VERDICTS = ("walk", "ratify")


@dataclass
class SingleTextResult(Result):
    """A single-text run's result; ``texts[k]`` is the text after step k (``texts[0]`` the first)."""

    texts: np.ndarray | None = None


def check_options(scenario: Scenario) -> None:
    """The ``protocol`` block's ``start``: ``random`` or a full outcome ``{issue: value}``."""
    start_index(scenario)


def start_index(scenario: Scenario) -> int | None:
    """The given first text's outcome index, or None for a random first text."""
    start = scenario.protocol.options.get("start", "random")
    if start == "random":
        return None
    if not isinstance(start, Mapping):
        raise InputError(scenario.path, "protocol.start", "random or an outcome {issue: value}", start)
    return scenario.space.index(start, scenario.path, "protocol.start")


def mediator_draws(
    space: OutcomeSpace, rngs: Sequence[np.random.Generator], steps: int, start: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per run: the first text, the issue position changed at each step, a uniform for its new value.

    Shapes (B,), (B, steps), (B, steps). Each run draws from its own generator, in this order.
    """
    changeable = np.flatnonzero(space.cards > 1)
    B = len(rngs)
    first = np.empty(B, dtype=np.int64)
    issue = np.zeros((B, steps), dtype=np.int64)
    value = np.zeros((B, steps), dtype=np.float64)
    for b, g in enumerate(rngs):
        first[b] = g.integers(space.size) if start is None else start
        if changeable.size:
            issue[b] = changeable[g.integers(changeable.size, size=steps)]
            value[b] = g.random(steps)
    return first, issue, value


def propose(space: OutcomeSpace, current: np.ndarray, issue: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The mediator's change per run: issue ``issue[b]`` of ``current[b]`` set to another of its values,
    the ``floor(value[b] · (card - 1))``-th after the present one (cyclically). Single-valued issues
    (only drawn when every issue is single-valued) leave the text as it is."""
    cards = space.cards[issue]
    stride = space.strides[issue]
    digit = (current // stride) % cards
    step = 1 + np.floor(value * (cards - 1)).astype(np.int64)
    new = np.where(cards > 1, (digit + step) % np.maximum(cards, 1), digit)
    return current + (new - digit) * stride


def simulate(
    space: OutcomeSpace,
    voters: Sequence[Voter],
    first: np.ndarray,
    issue: np.ndarray,
    value: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Play every step for B runs: ``(texts (B, steps + 1), proposed (B, steps), votes (B, steps, n))``."""
    B, steps = issue.shape
    texts = np.empty((B, steps + 1), dtype=np.int64)
    proposed = np.empty((B, steps), dtype=np.int64)
    votes = np.empty((B, steps, len(voters)), dtype=bool)
    current = first.copy()
    texts[:, 0] = current
    for k in range(steps):
        t = normalised_time(k, steps)
        prop = propose(space, current, issue[:, k], value[:, k])
        for i, v in enumerate(voters):
            votes[:, k, i] = v.votes(k, t, current, prop)
        current = np.where(votes[:, k].all(axis=1), prop, current)
        proposed[:, k] = prop
        texts[:, k + 1] = current
    return texts, proposed, votes


def _voter(x: object, party: str) -> Voter:
    v = build_negotiator(x) if isinstance(x, str) else x
    if not isinstance(v, Voter):
        shown = x if isinstance(x, str) else type(x).__name__
        raise InputError(
            None,
            f"negotiators.{party}",
            f"a {PROTOCOL} strategy (accord strategies --protocol {PROTOCOL} lists them)",
            shown,
        )
    return v


def run_single_text(
    compiled: CompiledScenario,
    negotiators: Sequence[object],
    *,
    seeds: Sequence[int],
    deadline: int | None = None,
    options: Mapping[str, object] | None = None,
) -> list[SingleTextResult]:
    """Run B = ``len(seeds)`` single-text negotiations of one scenario together; one result per seed.

    ``negotiators`` holds one strategy per party: a spec string (``hill_climber``, ``annealer(0.2)``) or
    a :class:`Voter` object; one voter answers for all B runs. ``deadline`` (default: the scenario's)
    is the number of mediator proposals. ``options`` are ignored: the scenario's own are used.
    """
    sc = compiled.scenario
    n = compiled.n_parties
    if len(negotiators) != n:
        raise InputError(None, "negotiators", f"one strategy per party ({n})", len(negotiators))
    steps = int(deadline if deadline is not None else sc.protocol.deadline)
    if steps < 1:
        raise InputError(None, "steps", "a positive number of mediator proposals", steps)
    voters = [_voter(x, nm) for x, nm in zip(negotiators, sc.party_names, strict=True)]
    streams = [
        [np.random.Generator(np.random.PCG64(c)) for c in np.random.SeedSequence(s).spawn(n + 1)]
        for s in seeds
    ]
    first, issue, value = mediator_draws(compiled.space, [g[0] for g in streams], steps, start_index(sc))
    acc = compiled.acceptable if compiled.has_constraints else None
    for i, v in enumerate(voters):
        v.setup(
            VoterContext(
                party=i,
                name=sc.party_names[i],
                utility=compiled.utilities[i],
                reservation=float(compiled.reservations[i]),
                acceptable=None if acc is None else acc[i],
                steps=steps,
                rngs=[g[i + 1] for g in streams],
            )
        )
    texts, proposed, votes = simulate(compiled.space, voters, first, issue, value)
    return _results(compiled, texts, proposed, votes, seeds)


def _results(
    compiled: CompiledScenario,
    texts: np.ndarray,
    proposed: np.ndarray,
    votes: np.ndarray,
    seeds: Sequence[int],
) -> list[SingleTextResult]:
    """Each run's result: the final text ratified (or not), and its trace (every vote, then each
    verdict). Ratification is computed for all runs at once; the columns every trace shares (round,
    party, time) are built once and shared read-only."""
    names = compiled.scenario.party_names
    n = len(names)
    B, steps = proposed.shape
    final = texts[:, -1]
    u_final = compiled.utilities[:, final].T  # (B, n)
    ok = u_final >= compiled.reservations
    if compiled.has_constraints:
        ok &= compiled.acceptable[:, final].T
    agreed = ok.all(axis=1)
    t_end = normalised_time(steps - 1, steps)
    times = np.array([normalised_time(k, steps) for k in range(steps)])
    rounds = np.concatenate([np.repeat(np.arange(steps), n), np.full(n, steps - 1)])
    party = np.tile(np.arange(n), steps + 1)
    time = np.concatenate([np.repeat(times, n), np.full(n, t_end)])
    for col in (rounds, party, time):
        col.setflags(write=False)
    words = np.concatenate(
        [
            np.array(VOTES, dtype=object)[votes.reshape(B, -1).astype(np.intp)],
            np.array(VERDICTS, dtype=object)[ok.astype(np.intp)],
        ],
        axis=1,
    )
    offers = np.concatenate([np.repeat(proposed, n, axis=1), np.repeat(final[:, None], n, axis=1)], axis=1)
    out = []
    for b, seed in enumerate(seeds):
        deal = bool(agreed[b])
        u = u_final[b] if deal else compiled.reservations
        f = int(final[b])
        walker = None if deal else names[int(np.flatnonzero(~ok[b])[0])]
        trace = Trace(
            names, rounds, party, words[b].tolist(), offers[b], compiled.utilities[:, offers[b]].T, time
        )
        out.append(
            SingleTextResult(
                agreement=deal,
                outcome_index=f if deal else None,
                outcome=compiled.space.outcome(f) if deal else None,
                utilities={nm: float(u[j]) for j, nm in enumerate(names)},
                discounted_utilities={
                    nm: float(u[j] * compiled.discounts[j] ** t_end) for j, nm in enumerate(names)
                },
                rounds=steps,
                end="agreement" if deal else "walk_away",
                walked_away_by=walker,
                time=t_end,
                trace=trace,
                seed=seed,
                texts=texts[b],
            )
        )
    return out
