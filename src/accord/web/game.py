"""Play: a person takes one party against machine strategies, one move at a time.

:class:`GameSession` is the stacked alternating-offers protocol of :func:`accord.protocols.alternating.
run_alternating` written as a step-by-step session: the same turn order, time, acceptance and walk-away
rules and the same per-party random streams, but it pauses whenever the human party is to act and resumes
when the person's move arrives. Machine parties are ordinary :class:`~accord.strategies.base.Negotiator`
objects answering ``propose`` / ``respond``; the result is an ordinary
:class:`~accord.protocols.alternating.Result` with its :class:`~accord.protocols.alternating.Trace`.
(A candidate to move into ``accord.protocols`` later: ``run_alternating`` is this session with no human.)

:class:`GameStore` keeps sessions in memory by unguessable id, bounded in number and expiring when idle.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Generator
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.model.scenario import CompiledScenario
from accord.protocols.alternating import OFFER, Result, Trace, normalised_time
from accord.strategies.base import ACCEPT, REJECT, WALK, Context, Negotiator, State

#: The moves a person can make.
MOVES = (OFFER, ACCEPT, WALK)


class GameSession:
    """One negotiation in which party ``human`` is played by a person (see the module docstring)."""

    def __init__(
        self,
        compiled: CompiledScenario,
        human: int,
        machines: dict[int, Negotiator],
        *,
        deadline: int | None = None,
        seed: int = 0,
    ) -> None:
        sc = compiled.scenario
        n = compiled.n_parties
        if set(machines) != set(range(n)) - {human}:
            raise ValueError("one machine negotiator for every party but the human one")
        self.compiled = compiled
        self.human = human
        self.machines = machines
        self.R = int(deadline if deadline is not None else sc.protocol.deadline)
        if self.R < 1:
            raise InputError(None, "rounds", "a positive number of rounds", self.R)
        self.seed = seed
        self.opener = sc.party_index(sc.protocol.opener) if sc.protocol.opener else 0
        children = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(n)]
        acc = compiled.acceptable if compiled.has_constraints else None
        for i, neg in machines.items():
            neg.setup(
                Context(
                    party=i,
                    name=sc.parties[i].name,
                    space=compiled.space,
                    utility=compiled.utilities[i],
                    reservation=float(compiled.reservations[i]),
                    discount=float(compiled.discounts[i]),
                    deadline=self.R,
                    n_parties=n,
                    rng=children[i],
                    acceptable=None if acc is None else acc[i],
                    order_fn=(lambda i=i: compiled.order(i)),
                    cached_order_fn=(lambda i=i: compiled.cached_order(i)),
                )
            )
        self.state = State(round=0, time=0.0, offers=[], offerers=[])
        self.log: list[tuple[int, int, str, int, float]] = []
        self.end = "running"
        self.walker: int | None = None
        self.agreed: int | None = None
        self.last_round = 0
        self.result: Result | None = None
        self._loop = self._run()
        next(self._loop)  # machines act until the person's first turn (or the end)

    # -------------------------------------------------------------------------------------- protocol
    def _run(self) -> Generator[None, tuple[str, int | None], None]:
        n = self.compiled.n_parties
        size = self.compiled.space.size
        state = self.state
        add = self.log.append
        turn_order = [(self.opener + j) % n for j in range(n)]
        accepted = 0
        end = "deadline"
        self.last_round = self.R - 1
        for r in range(self.R):
            t = normalised_time(r, self.R)
            state.round, state.time = r, t
            for p in turn_order:
                standing = state.standing
                if p == self.human:
                    move, offer = yield
                    if move == ACCEPT:
                        resp = ACCEPT
                    elif move == WALK:
                        resp = WALK
                    else:
                        resp = REJECT
                    if standing is None and resp != WALK:
                        resp = REJECT
                else:
                    neg = self.machines[p]
                    resp = neg.respond(state, standing) if standing is not None else REJECT
                    offer = None
                if standing is not None or resp == WALK:
                    if resp == ACCEPT:
                        add((r, p, ACCEPT, int(standing), t))  # type: ignore[arg-type]
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
                        raise ValueError(f"{type(self.machines[p]).__name__}.respond returned {resp!r}")
                if p != self.human:
                    offer = self.machines[p].propose(state)
                    if offer is None:
                        self.walker = p
                        end = "walk_away"
                        add((r, p, WALK, -1, t))
                        break
                offer = int(offer)  # type: ignore[arg-type]
                if not 0 <= offer < size:
                    raise ValueError(f"party {p} proposed {offer}, not an outcome index")
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

    # -------------------------------------------------------------------------------------- moves
    @property
    def finished(self) -> bool:
        return self.result is not None

    def can_accept(self) -> bool:
        s = self.state.standing
        return s is not None and self.state.proposer != self.human and self.allowed(s)

    def allowed(self, offer: int) -> bool:
        """The offer passes the human party's own hard constraints (as every strategy's offers must)."""
        c = self.compiled
        return not c.has_constraints or bool(c.acceptable[self.human, offer])

    def move(self, kind: str, offer: int | None = None) -> None:
        """The person's move: ``offer`` (with an outcome index), ``accept`` the standing offer, or ``walk``."""
        if self.finished:
            raise InputError(None, "move", "a move in a running game (this one has ended)", kind)
        if kind not in MOVES:
            raise InputError(None, "move", f"one of {list(MOVES)}", kind)
        if kind == ACCEPT and self.state.standing is None:
            raise InputError(None, "move", "an offer on the table to accept (make an offer instead)")
        if kind == ACCEPT and not self.allowed(int(self.state.standing)):  # type: ignore[arg-type]
            raise InputError(None, "move", "an offer within your own red lines to accept", kind)
        if kind == OFFER:
            if offer is None or not 0 <= int(offer) < self.compiled.space.size:
                raise InputError(None, "offer", "an outcome of the scenario", offer)
            if not self.allowed(int(offer)):
                raise InputError(None, "offer", "an offer within your own red lines (hard constraints)")
        with contextlib.suppress(StopIteration):
            self._loop.send((kind, offer))

    # -------------------------------------------------------------------------------------- result
    def trace(self) -> Trace:
        n = self.compiled.n_parties
        cols = [list(c) for c in zip(*self.log, strict=True)] if self.log else [[] for _ in range(5)]
        t_round, t_party, t_action, t_offer, t_time = cols
        offers = np.asarray(t_offer, dtype=np.int64)
        utils = np.full((len(offers), n), np.nan)
        ok = offers >= 0
        if ok.any():
            utils[ok] = self.compiled.utilities[:, offers[ok]].T
        return Trace(
            self.compiled.scenario.party_names,
            np.asarray(t_round, dtype=np.int64),
            np.asarray(t_party, dtype=np.int64),
            t_action,
            offers,
            utils,
            np.asarray(t_time, dtype=np.float64),
        )

    def _result(self) -> Result:
        c = self.compiled
        names = c.scenario.party_names
        t_end = normalised_time(self.last_round, self.R)
        if self.agreed is not None:
            u = c.utilities[:, self.agreed]
            outcome = c.space.outcome(self.agreed)
        else:
            u = c.reservations
            outcome = None
        return Result(
            agreement=self.agreed is not None,
            outcome_index=self.agreed,
            outcome=outcome,
            utilities={nm: float(u[j]) for j, nm in enumerate(names)},
            discounted_utilities={nm: float(u[j] * c.discounts[j] ** t_end) for j, nm in enumerate(names)},
            rounds=self.last_round + 1,
            end=self.end,
            walked_away_by=None if self.walker is None else names[self.walker],
            time=t_end,
            trace=self.trace(),
            seed=self.seed,
        )


class Game:
    """A session with what the web app needs around it: id, owner-facing settings, a lock, timestamps."""

    def __init__(self, session: GameSession, scenario_id: str, opponents: dict[str, str]) -> None:
        self.id = secrets.token_urlsafe(16)
        self.session = session
        self.scenario_id = scenario_id
        self.opponents = opponents
        self.lock = threading.Lock()
        self.created = self.touched = time.time()
        self.summary: dict[str, Any] | None = None  # the end analysis, computed once
        self.failed: str | None = None  # why a machine strategy failed, if it did


class GameStore:
    """Games by id, at most ``limit`` (the least recently used dropped first), idle ones expire."""

    def __init__(self, limit: int, ttl: float) -> None:
        self.limit = limit
        self.ttl = ttl
        self._games: dict[str, Game] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._games)

    def add(self, game: Game) -> None:
        with self._lock:
            now = time.time()
            for k, g in list(self._games.items()):
                if now - g.touched > self.ttl:
                    del self._games[k]
            while len(self._games) >= self.limit:
                del self._games[min(self._games.values(), key=lambda g: g.touched).id]
            self._games[game.id] = game

    def get(self, ident: str) -> Game:
        from accord.web.library import UnknownId

        with self._lock:
            g = self._games.get(ident)
            if g is None or time.time() - g.touched > self.ttl:
                self._games.pop(ident, None)
                raise UnknownId(ident)
            g.touched = time.time()
            return g
