"""Stacked alternating offers for n >= 2 parties.

Parties act in turn, starting with the opener. On its turn a party facing a standing offer accepts it,
rejects it by making a counter-offer (which becomes the standing offer), or walks away (the talks end,
no deal). The first party to act, facing no offer, proposes. An offer is agreed when every other party
has accepted it in succession. A round is one turn of every party; after ``deadline`` rounds without
agreement the talks end with no deal. With two parties this is Rubinstein's (1982) alternating-offers
protocol with a finite horizon; the n-party form is the stacked alternating offers protocol of
Aydoğan et al. (2017), "Alternating offers protocols for multilateral negotiation".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from accord.model.scenario import CompiledScenario
from accord.model.seeding import breakdown_rng, party_rngs
from accord.protocols import kernel
from accord.protocols.kernel import normalised_time
from accord.strategies.base import ACCEPT, WALK, Context, Negotiator, State

OFFER = "offer"
ACTION_CODES = {OFFER: kernel.OFFERED, ACCEPT: kernel.ACCEPTED, WALK: kernel.WALKED}
_ACTION_NAMES = {v: k for k, v in ACTION_CODES.items()}

__all__ = ["ACTION_CODES", "OFFER", "Result", "Session", "Trace", "normalised_time", "run_alternating"]


@dataclass
class Trace:
    """Columnar record of every action: one row per turn."""

    party_names: tuple[str, ...]
    round: np.ndarray
    party: np.ndarray
    action: list[str]
    offer: np.ndarray  # outcome index of the offer made or accepted; -1 for a walk-away
    utilities: np.ndarray  # (rows, n_parties): every party's utility of that offer (NaN for a walk-away)
    time: np.ndarray

    def __len__(self) -> int:
        return len(self.action)

    def rows(self, space: object | None = None) -> list[dict[str, object]]:
        """The trace as a list of dicts (one per action); ``space`` adds the outcome as issue values."""
        out = []
        for k in range(len(self)):
            row: dict[str, object] = {
                "round": int(self.round[k]),
                "time": float(self.time[k]),
                "party": self.party_names[int(self.party[k])],
                "action": self.action[k],
                "offer": int(self.offer[k]) if self.offer[k] >= 0 else None,
            }
            if space is not None:
                row["outcome"] = space.outcome(int(self.offer[k])) if self.offer[k] >= 0 else None  # type: ignore[attr-defined]
            row["utilities"] = {
                n: (None if np.isnan(self.utilities[k, j]) else float(self.utilities[k, j]))
                for j, n in enumerate(self.party_names)
            }
            out.append(row)
        return out


@dataclass
class Result:
    """How a negotiation ended."""

    agreement: bool
    outcome_index: int | None
    outcome: dict[str, object] | None
    utilities: dict[str, float]
    discounted_utilities: dict[str, float]
    rounds: int
    end: str  # "agreement" | "walk_away" | "deadline"
    walked_away_by: str | None
    time: float
    trace: Trace = field(repr=False)
    seed: int | None = None
    #: Which engine computed the result: "turns" (played turn by turn, :class:`Session`) or "arrays"
    #: (:mod:`accord.protocols.batch`). Not part of equality: both give the same result.
    engine: str = field(default="turns", compare=False, repr=False)

    def summary(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "agreement": self.agreement,
            "outcome": self.outcome,
            "utilities": self.utilities,
            "discounted_utilities": self.discounted_utilities,
            "rounds": self.rounds,
            "end": self.end,
            "walked_away_by": self.walked_away_by,
        }


def _setup(
    compiled: CompiledScenario,
    negotiators: Sequence[Negotiator | None],
    deadline: int | None,
    opener: int | None,
    rng: np.random.Generator | None,
    seed: int | None,
    breakdown_risk: float | None = None,
) -> tuple[int, int, int | None]:
    """Check the arguments of one run, set its negotiators up; return its deadline, opener and the round
    count after which it breaks down (None: it cannot). ``breakdown_risk`` (default: the scenario
    protocol's) is the probability of a breakdown after each round without agreement."""
    sc = compiled.scenario
    n = compiled.n_parties
    if len(negotiators) != n:
        raise ValueError(f"need {n} negotiators (one per party), got {len(negotiators)}")
    R = int(deadline if deadline is not None else sc.protocol.deadline)
    if R < 1:
        raise ValueError("deadline must be at least one round")
    if opener is None:
        opener = sc.party_index(sc.protocol.opener) if sc.protocol.opener else 0
    if rng is not None:
        children = rng.spawn(n)
    elif seed is None or isinstance(seed, int | np.integer):
        children = party_rngs(seed, n)  # the seeding recipe (accord.model.seeding)
    else:
        children = np.random.default_rng(seed).spawn(n)
    acc = compiled.acceptable if compiled.has_constraints else None
    for i, neg in enumerate(negotiators):
        if neg is None:
            continue
        neg.setup(
            Context(
                party=i,
                name=sc.parties[i].name,
                space=compiled.space,
                utility=compiled.utilities[i],
                reservation=float(compiled.reservations[i]),
                discount=float(compiled.discounts[i]),
                deadline=R,
                n_parties=n,
                rng=children[i],
                acceptable=None if acc is None else acc[i],
                order_fn=(lambda i=i: compiled.order(i)),
                cached_order_fn=(lambda i=i: compiled.cached_order(i)),
            )
        )
    risk = float(sc.protocol.breakdown_risk if breakdown_risk is None else breakdown_risk)
    breaks = kernel.breakdown_rounds(breakdown_rng(seed, rng), risk) if risk > 0 else None
    return R, int(opener), None if breaks is None else int(breaks[0])


def _trace(compiled: CompiledScenario, R: int, rows: list[tuple[int, int, int, int]]) -> Trace:
    """The trace of one run from its ``(round, party, action code, offer)`` rows."""
    offers = np.array([r[3] for r in rows], dtype=np.int64)
    rounds = np.array([r[0] for r in rows], dtype=np.int64)
    utils = np.full((len(offers), compiled.n_parties), np.nan)
    ok = offers >= 0
    if ok.any():
        utils[ok] = compiled.utilities[:, offers[ok]].T
    return Trace(
        compiled.scenario.party_names,
        rounds,
        np.array([r[1] for r in rows], dtype=np.int64),
        [_ACTION_NAMES[r[2]] for r in rows],
        offers,
        utils,
        np.array([normalised_time(int(r), R) for r in rounds.tolist()], dtype=np.float64),
    )


def _result(
    compiled: CompiledScenario,
    board: kernel.Board,
    b: int,
    R: int,
    seed: int | None,
    rows: list[tuple[int, int, int, int]],
) -> Result:
    """Run ``b`` of ``board`` as a :class:`Result`."""
    names = compiled.scenario.party_names
    last_round = int(board.rounds[b]) - 1
    t_end = normalised_time(last_round, R)
    a = int(board.agreed[b])
    agreed = a if a >= 0 else None
    if agreed is not None:
        u = compiled.utilities[:, agreed]
        outcome = compiled.space.outcome(agreed)
    else:
        u = compiled.reservations
        outcome = None
    walker = int(board.walker[b])
    return Result(
        agreement=agreed is not None,
        outcome_index=agreed,
        outcome=outcome,
        utilities={nm: float(u[j]) for j, nm in enumerate(names)},
        discounted_utilities={nm: float(u[j] * compiled.discounts[j] ** t_end) for j, nm in enumerate(names)},
        rounds=last_round + 1,
        end=kernel.END_NAMES[int(board.end[b])],
        walked_away_by=None if walker < 0 else names[walker],
        time=t_end,
        trace=_trace(compiled, R, rows),
        seed=seed,
    )


def _split_log(board: kernel.Board) -> list[list[tuple[int, int, int, int]]]:
    """The kernel's log as one list of ``(round, party, action, offer)`` rows per run."""
    per_run: list[list[tuple[int, int, int, int]]] = [[] for _ in range(board.B)]
    for k, p, action, rows, offers in board.log or []:
        for b, x in zip(rows.tolist(), offers.tolist(), strict=True):
            per_run[b].append((k, p, action, x))
    return per_run


class Session:
    """One negotiation under the stacked alternating-offers protocol, played turn by turn: the kernel
    (:mod:`accord.protocols.kernel`) with a batch of one run.

    ``negotiators[i]`` plays party i; a party whose negotiator is ``None`` is played from outside (a person
    in the web app): the session pauses at its turn until :meth:`send` brings its move (``offer`` with an
    outcome index, ``accept``, or ``walk``). With no such party the whole negotiation is played on
    construction; :func:`run_alternating` is that case. ``result`` is set when the negotiation has ended.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        negotiators: Sequence[Negotiator | None],
        *,
        deadline: int | None = None,
        opener: int | None = None,
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        breakdown_risk: float | None = None,
    ) -> None:
        R, opener, breaks = _setup(compiled, negotiators, deadline, opener, rng, seed, breakdown_risk)
        self.compiled = compiled
        self.negotiators = list(negotiators)
        self.R = R
        self.opener = opener
        self.seed = seed
        self.state = State(round=0, time=0.0, offers=[], offerers=[])
        n = compiled.n_parties
        self.board = kernel.Board(
            n, np.array([R], dtype=np.int64), compiled.space.size, states=[self.state], log=True
        )
        policies = [kernel.OUTSIDE if neg is None else kernel.ObjectPolicy([neg]) for neg in negotiators]
        breaks_at = None if breaks is None else np.array([breaks], dtype=np.int64)
        self._loop = kernel.turns(self.board, policies, opener, breaks_at=breaks_at)
        self.result: Result | None = None
        self._advance(None)  # play until the first outside turn (or the end)

    def send(self, move: str, offer: int | None = None) -> None:
        """The outside party's move (checked by the caller: :class:`accord.web.game.GameSession` does)."""
        if self.result is None:
            self._advance((move, offer))

    def _advance(self, move: tuple[str, int | None] | None) -> None:
        try:
            if move is None:
                next(self._loop)
            else:
                self._loop.send(move)
        except StopIteration:
            self.result = _result(self.compiled, self.board, 0, self.R, self.seed, _split_log(self.board)[0])

    @property
    def log(self) -> list[tuple[int, int, str, int, float]]:
        """The actions so far, one ``(round, party, action, offer or -1, time)`` row per turn."""
        return [
            (k, p, _ACTION_NAMES[a], x, normalised_time(k, self.R))
            for k, p, a, x in _split_log(self.board)[0]
        ]

    @property
    def end(self) -> str:
        """How the negotiation ended ("running" while it is not over)."""
        return "running" if self.result is None else kernel.END_NAMES[int(self.board.end[0])]

    def trace(self) -> Trace:
        """The actions so far as columns, with every party's utility of each offer."""
        return _trace(self.compiled, self.R, _split_log(self.board)[0])


def run_alternating(
    compiled: CompiledScenario,
    negotiators: Sequence[Negotiator],
    *,
    deadline: int | None = None,
    opener: int | None = None,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    breakdown_risk: float | None = None,
) -> Result:
    """Run one negotiation between ``negotiators`` (one per party, in scenario order): a :class:`Session`
    with no outside party. ``breakdown_risk`` overrides the scenario protocol's (a stage of the talks)."""
    session = Session(
        compiled,
        negotiators,
        deadline=deadline,
        opener=opener,
        rng=rng,
        seed=seed,
        breakdown_risk=breakdown_risk,
    )
    assert session.result is not None
    return session.result


def run_many(
    compiled: Sequence[CompiledScenario],
    negotiators: Sequence[Sequence[Negotiator]],
    *,
    deadline: int | None = None,
    seeds: Sequence[int | None],
) -> list[Result]:
    """Run ``k`` of many negotiations with ``negotiators[k]`` on ``compiled[k]`` and seed ``seeds[k]``, played
    together on the kernel (one run per negotiation; every run has the same number of parties and its own
    negotiator objects). Each result equals ``run_alternating(compiled[k], negotiators[k], deadline=deadline,
    seed=seeds[k])``; the kernel's array work is shared by all runs."""
    B = len(compiled)
    if B == 0:
        return []
    P = compiled[0].n_parties
    setups = [
        _setup(c, negs, deadline, None, None, s)
        for c, negs, s in zip(compiled, negotiators, seeds, strict=True)
    ]
    R = np.array([x[0] for x in setups], dtype=np.int64)
    openers = np.array([x[1] for x in setups], dtype=np.int64)
    breaks = [x[2] for x in setups]
    breaks_at = None
    if any(x is not None for x in breaks):
        breaks_at = np.array([int(R[b]) if x is None else x for b, x in enumerate(breaks)], dtype=np.int64)
    sizes = np.array([c.space.size for c in compiled], dtype=np.int64)
    states = [State(round=0, time=0.0, offers=[], offerers=[]) for _ in range(B)]
    board = kernel.Board(P, R, sizes, states=states, log=True)
    policies = [kernel.ObjectPolicy([negs[p] for negs in negotiators]) for p in range(P)]
    kernel.play(board, policies, openers, breaks_at=breaks_at)
    logs = _split_log(board)
    return [_result(c, board, b, int(R[b]), seeds[b], logs[b]) for b, c in enumerate(compiled)]
