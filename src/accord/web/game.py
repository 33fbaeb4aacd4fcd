"""Play: a person takes one party against machine strategies, one move at a time.

:class:`GameSession` plays the stacked alternating-offers protocol step by step: it pauses whenever the
human party is to act and resumes when the person's move arrives. Machine parties are ordinary
:class:`~accord.strategies.base.Negotiator` objects answering ``propose`` / ``respond``; the result is an ordinary
:class:`~accord.protocols.alternating.Result` with its :class:`~accord.protocols.alternating.Trace`.
The protocol itself is :class:`accord.protocols.alternating.Session` (``run_alternating`` is that session
with no outside party), so the game and the simulations cannot drift apart.

:class:`Game` adds the owner (the client that started it), the spec and the person's moves; the store of
games, with its fair shares, is :mod:`accord.web.gamestore`.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from accord.errors import InputError
from accord.model.scenario import CompiledScenario
from accord.protocols.alternating import OFFER, Session
from accord.strategies.base import ACCEPT, WALK, Negotiator

#: The moves a person can make.
MOVES = (OFFER, ACCEPT, WALK)


class GameSession(Session):
    """One negotiation in which party ``human`` is played by a person: the protocol's own
    :class:`~accord.protocols.alternating.Session` with that party played from outside, plus the checks
    of a person's moves (see the module docstring)."""

    def __init__(
        self,
        compiled: CompiledScenario,
        human: int,
        machines: dict[int, Negotiator],
        *,
        deadline: int | None = None,
        seed: int = 0,
    ) -> None:
        n = compiled.n_parties
        if set(machines) != set(range(n)) - {human}:
            raise ValueError("one machine negotiator for every party but the human one")
        R = int(deadline if deadline is not None else compiled.scenario.protocol.deadline)
        if R < 1:
            raise InputError(None, "rounds", "a positive number of rounds", R)
        self.human = human
        self.machines = machines
        super().__init__(compiled, [machines.get(i) for i in range(n)], deadline=R, seed=seed)

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
        self.send(kind, offer)


@dataclass(frozen=True)
class GameSpec:
    """What starts a game: with the person's moves it determines the whole game (the machines are seeded),
    so it is what persists, what a trace export carries and what a replay rebuilds from."""

    scenario: str
    party: str
    opponent: str | None = None
    rounds: int | None = None
    seed: int = 0
    group: str | None = None  # the class (facilitator view), free text chosen by the player

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Game:
    """A session with what the web app needs around it: id, owner, spec, the person's moves, a lock."""

    def __init__(
        self,
        session: GameSession,
        scenario_id: str,
        opponents: dict[str, str],
        *,
        owner: str = "",
        address: str = "",
        spec: GameSpec | None = None,
        ident: str | None = None,
    ) -> None:
        self.id = ident or secrets.token_urlsafe(16)
        self.session = session
        self.scenario_id = scenario_id
        self.opponents = opponents
        self.owner = owner
        self.address = address
        self.spec = spec or GameSpec(scenario_id, session.compiled.scenario.party_names[session.human])
        self.moves: list[tuple[str, int | None]] = []  # the person's moves, in order
        self.lock = threading.Lock()
        self.created = self.touched = time.time()
        self.summary: dict[str, Any] | None = None  # the end analysis, computed once
        self.failed: str | None = None  # why a machine strategy failed, if it did

    @property
    def open(self) -> bool:
        return not self.session.finished and not self.failed

    def play(self, kind: str, offer: int | None = None) -> None:
        """The person's move, recorded for persistence and replay."""
        self.session.move(kind, offer)
        self.moves.append((kind, offer))
