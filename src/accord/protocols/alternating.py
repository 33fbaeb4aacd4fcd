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

import contextlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import numpy as np

from accord.model.scenario import CompiledScenario
from accord.model.seeding import party_rngs
from accord.strategies.base import ACCEPT, REJECT, WALK, Context, Negotiator, State

OFFER = "offer"
ACTION_CODES = {OFFER: 0, ACCEPT: 1, WALK: 2}


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


def normalised_time(round_: int, deadline: int) -> float:
    """t ∈ [0, 1]: 0 in the first round, 1 in the last."""
    return round_ / (deadline - 1) if deadline > 1 else 1.0


class Session:
    """One negotiation under the stacked alternating-offers protocol, played turn by turn.

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
    ) -> None:
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
        self.compiled = compiled
        self.negotiators = list(negotiators)
        self.R = R
        self.opener = opener
        self.seed = seed
        self.state = State(round=0, time=0.0, offers=[], offerers=[])
        # One row per action: (round, party, action, offer index or -1, time); columns built at the end.
        self.log: list[tuple[int, int, str, int, float]] = []
        self.end = "running"
        self.walker: int | None = None
        self.agreed: int | None = None
        self.last_round = R - 1
        self.result: Result | None = None
        self._loop = self._run()
        with contextlib.suppress(StopIteration):
            next(self._loop)  # play until the first outside turn (or the end)

    def send(self, move: str, offer: int | None = None) -> None:
        """The outside party's move (checked by the caller: :class:`accord.web.game.GameSession` does)."""
        with contextlib.suppress(StopIteration):
            self._loop.send((move, offer))

    def _run(self) -> Generator[None, tuple[str, int | None], None]:
        negotiators = self.negotiators
        n = self.compiled.n_parties
        size = self.compiled.space.size
        state = self.state
        add = self.log.append
        R = self.R
        turn_order = [(self.opener + j) % n for j in range(n)]
        accepted = 0
        end = "deadline"
        for r in range(R):
            t = normalised_time(r, R)
            state.round = r
            state.time = t
            for p in turn_order:
                neg = negotiators[p]
                standing = state.standing
                offer: int | None = None
                if neg is None:
                    move, offer = yield
                    resp = move if move in (ACCEPT, WALK) else REJECT
                    if standing is None and resp == ACCEPT:
                        resp = REJECT
                elif standing is not None:
                    resp = neg.respond(state, standing)
                else:
                    resp = REJECT
                if resp == ACCEPT:
                    add((r, p, ACCEPT, standing, t))  # type: ignore[arg-type]
                    accepted += 1
                    if accepted == n - 1:
                        self.agreed = standing
                        end = "agreement"
                        break
                    continue
                if resp == WALK:
                    self.walker = p
                    end = "walk_away"
                    add((r, p, WALK, -1, t))
                    break
                if resp != REJECT:
                    raise ValueError(f"{type(neg).__name__}.respond returned {resp!r}")
                if neg is not None:
                    offer = neg.propose(state)
                    if offer is None:
                        self.walker = p
                        end = "walk_away"
                        add((r, p, WALK, -1, t))
                        break
                offer = int(offer)  # type: ignore[arg-type]
                if not 0 <= offer < size:
                    who = "the outside party" if neg is None else f"{type(neg).__name__}.propose"
                    raise ValueError(f"{who} returned {offer}, not an outcome index")
                state.standing = offer
                state.proposer = p
                state.offers.append(offer)
                state.offerers.append(p)
                accepted = 0
                add((r, p, OFFER, offer, t))
            if end != "deadline":
                self.last_round = r
                break
        self.end = end
        self.result = self._result()

    def trace(self) -> Trace:
        """The actions so far as columns, with every party's utility of each offer."""
        compiled = self.compiled
        cols = [list(c) for c in zip(*self.log, strict=True)] if self.log else [[] for _ in range(5)]
        t_round, t_party, t_action, t_offer, t_time = cols
        offers = np.asarray(t_offer, dtype=np.int64)
        utils = np.full((len(offers), compiled.n_parties), np.nan)
        ok = offers >= 0
        if ok.any():
            utils[ok] = compiled.utilities[:, offers[ok]].T
        return Trace(
            compiled.scenario.party_names,
            np.asarray(t_round, dtype=np.int64),
            np.asarray(t_party, dtype=np.int64),
            t_action,
            offers,
            utils,
            np.asarray(t_time, dtype=np.float64),
        )

    def _result(self) -> Result:
        compiled = self.compiled
        names = compiled.scenario.party_names
        t_end = normalised_time(self.last_round, self.R)
        agreed = self.agreed
        if agreed is not None:
            u = compiled.utilities[:, agreed]
            outcome = compiled.space.outcome(agreed)
        else:
            u = compiled.reservations
            outcome = None
        return Result(
            agreement=agreed is not None,
            outcome_index=agreed,
            outcome=outcome,
            utilities={nm: float(u[j]) for j, nm in enumerate(names)},
            discounted_utilities={
                nm: float(u[j] * compiled.discounts[j] ** t_end) for j, nm in enumerate(names)
            },
            rounds=self.last_round + 1,
            end=self.end,
            walked_away_by=None if self.walker is None else names[self.walker],
            time=t_end,
            trace=self.trace(),
            seed=self.seed,
        )


def run_alternating(
    compiled: CompiledScenario,
    negotiators: Sequence[Negotiator],
    *,
    deadline: int | None = None,
    opener: int | None = None,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
) -> Result:
    """Run one negotiation between ``negotiators`` (one per party, in scenario order): a :class:`Session`
    with no outside party."""
    session = Session(compiled, negotiators, deadline=deadline, opener=opener, rng=rng, seed=seed)
    assert session.result is not None
    return session.result
