"""The alternating-offers protocol, written once, on arrays with a leading run axis.

Every engine that plays alternating offers is a view of :func:`turns`: the turn-by-turn
:class:`~accord.protocols.alternating.Session` (a batch of one, with the parties' ``Negotiator`` objects
wrapped as policies, and the web game's person as an :data:`OUTSIDE` party), the batch of time-dependent
negotiations (:mod:`accord.protocols.batch`, policies whose offers are computed up front) and the staged
talks in lockstep (:mod:`accord.protocols.lockstep_turns`, the envoy, leader and walk-away strategies as
array policies). The rules live here and nowhere else:

- **turn order**: parties act in turn from the run's opener, ``(opener + j) mod P``; a round is one turn of
  every party; each run has its own deadline ``D[b]`` in rounds;
- **a turn**: a party facing a standing offer accepts it, rejects it by making a counter-offer (which becomes
  the standing offer and clears the acceptances), or walks away; the first party to act, facing no offer,
  proposes; a proposal of ``-1`` is a walk-away;
- **agreement**: the standing offer is agreed when every other party has accepted it in succession;
- **the end**: agreement, a walk-away, the deadline (``D[b]`` rounds without agreement), or an exogenous
  breakdown (:data:`BREAKDOWN`): after each round without agreement the talks break down with probability
  ``h`` (Binmore, Rubinstein and Wolinsky 1986); the draw is the round count ``breaks_at[b]`` after which the
  run breaks down (:func:`breakdown_rounds`, from the run's own stream);
- **what a party sees**: the round and the normalised time t = r / (D - 1), the standing offer and who made
  it, each party's last offer (:meth:`Board.last_other`), and for ``Negotiator`` objects the
  :class:`~accord.strategies.base.State` with the whole history.

A policy answers for one party over a set of runs: ``respond(board, rows)`` gives a decision code per row
(:data:`REJECT`, :data:`ACCEPT`, :data:`WALK`) for runs in which an offer stands, and ``propose(board, rows)``
an outcome index per row (``-1``: walk away). A policy with ``trusted = True`` declares that it never walks
away and only offers outcome indices of each run's space (its offers were computed from that space), so the
kernel skips those checks for it.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, Protocol

import numpy as np

from accord.strategies.base import ACCEPT as _ACCEPT_MOVE
from accord.strategies.base import REJECT as _REJECT_MOVE
from accord.strategies.base import WALK as _WALK_MOVE
from accord.strategies.base import Negotiator, State

#: Decision codes of a policy's ``respond``.
REJECT, ACCEPT, WALK = 0, 1, 2
#: Action codes of the log: an offer, an acceptance, a walk-away.
OFFERED, ACCEPTED, WALKED = 0, 1, 2
#: End codes of a run.
AGREEMENT, WALK_AWAY, DEADLINE, BREAKDOWN = 0, 1, 2, 3
END_NAMES = ("agreement", "walk_away", "deadline", "breakdown")

_MOVES = {_ACCEPT_MOVE: ACCEPT, _WALK_MOVE: WALK, _REJECT_MOVE: REJECT}


def normalised_time(round_: int, deadline: int) -> float:
    """t ∈ [0, 1]: 0 in the first round, 1 in the last."""
    return round_ / (deadline - 1) if deadline > 1 else 1.0


class Policy(Protocol):
    """One party's decisions over the runs ``rows`` of a :class:`Board`."""

    def respond(self, board: Board, rows: np.ndarray) -> np.ndarray: ...

    def propose(self, board: Board, rows: np.ndarray) -> np.ndarray: ...


#: A party played from outside (a person): :func:`turns` pauses at its turn (batches of one only).
OUTSIDE: Any = object()


class Board:
    """The protocol's state over ``B`` runs of ``P`` parties: what every party can see, and how runs end.

    ``deadline[b]`` is run b's number of rounds and ``size`` its number of outcomes (one for all runs or one
    per run); runs not in ``active`` are not played (0 rounds).
    ``states`` (one :class:`State` per run) is kept only where ``Negotiator`` objects play (they read the
    history); ``log`` (``(round, party, action, rows, offers)`` per group of runs that acted alike) only
    where a trace is wanted.
    """

    def __init__(
        self,
        P: int,
        deadline: np.ndarray,
        size: int | np.ndarray,
        *,
        active: np.ndarray | None = None,
        states: list[State] | None = None,
        log: bool = False,
    ) -> None:
        B = int(deadline.shape[0])
        self.B, self.P = B, P
        self.size = np.broadcast_to(np.asarray(size, dtype=np.int64), (B,))  # outcomes of each run's space
        self.deadline = deadline.astype(np.int64, copy=False)
        self.live = np.ones(B, dtype=bool) if active is None else active.copy()
        self.standing = np.full(B, -1, dtype=np.int64)
        self.proposer = np.full(B, -1, dtype=np.int64)
        self.accepted = np.zeros(B, dtype=np.int64)
        self.end = np.full(B, DEADLINE, dtype=np.int64)
        self.walker = np.full(B, -1, dtype=np.int64)
        self.agreed = np.full(B, -1, dtype=np.int64)
        self.rounds = np.where(self.live, self.deadline, 0)
        self.last = np.full((B, P), -1, dtype=np.int64)  # each party's last offer
        self.stamp = np.full((B, P), -1, dtype=np.int64)  # when it was made (a clock over offers)
        self.clock = 0
        self.round = 0
        self.last_mover = np.zeros(B, dtype=np.int64)  # who acts last in a round (set by turns)
        self.states = states
        self.log: list[tuple[int, int, int, np.ndarray, np.ndarray]] | None = [] if log else None

    def time(self, rows: np.ndarray) -> np.ndarray:
        """The normalised time of the current round in each of ``rows``."""
        d = self.deadline[rows]
        return np.where(d > 1, self.round / np.maximum(d - 1, 1), 1.0)

    def last_other(self, rows: np.ndarray, p: int) -> np.ndarray:
        """The most recent offer by a party other than ``p`` in each of ``rows`` (-1: none yet)."""
        if self.P == 2:
            return self.last[rows, 1 - p]
        others = [q for q in range(self.P) if q != p]
        st = self.stamp[rows][:, others]
        lo = self.last[rows][:, others]
        pos = np.argmax(st, axis=1)
        return np.where(st.max(axis=1) >= 0, lo[np.arange(rows.size), pos], -1)

    def _finish(self, rows: np.ndarray, end: int, k: int) -> None:
        self.end[rows] = end
        self.rounds[rows] = k
        self.live[rows] = False
        self.changed = True

    def _note(self, k: int, p: int, action: int, rows: np.ndarray, offers: np.ndarray) -> None:
        if self.log is not None and rows.size:
            self.log.append((k, p, action, rows, offers))


def turns(
    board: Board,
    policies: Sequence[Any],
    opener: int | np.ndarray = 0,
    *,
    breaks_at: np.ndarray | None = None,
) -> Generator[int, tuple[str, int | None], Board]:
    """Play the protocol on ``board`` until every run has ended; return the board.

    ``policies[p]`` plays party p in every run (:data:`OUTSIDE` for a party played from outside: the
    generator yields p at its turn and takes ``(move, offer)`` back, ``move`` one of ``offer``, ``accept``,
    ``walk``). ``opener`` is one party for all runs or one per run. ``breaks_at[b]``: run b breaks down
    after that many rounds without agreement (absent or at least ``deadline[b]``: never).
    """
    P, deadline, live = board.P, board.deadline, board.live
    openers = np.asarray(opener, dtype=np.int64)
    per_run = openers.ndim > 0
    groups = [int(o) for o in np.unique(openers)] if per_run else [int(openers)]
    board.last_mover[:] = (openers - 1) % P
    outside = any(pol is OUTSIDE for pol in policies)
    trusts = [pol is not OUTSIDE and bool(getattr(pol, "trusted", False)) for pol in policies]
    if outside and board.B != 1:
        raise ValueError("a party played from outside needs a batch of one run")
    states = board.states
    horizon = int(deadline[live].max()) if live.any() else 0
    everyone = np.arange(board.B)
    small = int(board.size.min()) if board.B else 0  # offers below it need no check against each run's space
    deadlines = set(np.unique(deadline[live]).tolist())
    for k in range(horizon):
        board.round = k
        if k:
            if k in deadlines:
                ending = live & (deadline <= k)
                live &= ~ending
            if breaks_at is not None:
                broke = np.flatnonzero(live & (breaks_at <= k))
                if broke.size:
                    board._finish(broke, BREAKDOWN, k)
        if not live.any():
            break
        if states is not None:
            t = board.time(everyone).tolist()
            for b in np.flatnonzero(live).tolist():
                states[b].round = k
                states[b].time = t[b]
        board.changed = True
        for j in range(P):
            for o in groups:
                if board.changed:  # the live runs of each opener, recomputed only when a run has ended
                    group_rows = {
                        g: np.flatnonzero(live & (openers == g)) if per_run else np.flatnonzero(live)
                        for g in groups
                    }
                    board.changed = False
                rows = group_rows[o]
                if rows.size == 0:
                    continue
                p = (o + j) % P
                policy = policies[p]
                given: int | None = None
                if policy is OUTSIDE:
                    move, given = yield p
                    code = _MOVES.get(move, REJECT)
                    dec = np.array([REJECT if code == ACCEPT and board.standing[0] < 0 else code])
                elif k or j:  # after the opener's first turn every live run has a standing offer
                    dec = np.asarray(policy.respond(board, rows))
                else:
                    stand = board.standing[rows]
                    dec = np.zeros(rows.size, dtype=np.int64)  # REJECT: propose
                    has = np.flatnonzero(stand >= 0)
                    if has.size:
                        dec[has] = policy.respond(board, rows[has])
                trusted = trusts[p]
                if dec.any():
                    said_yes = dec == ACCEPT
                    yes = rows[said_yes]
                    if yes.size:
                        board._note(k, p, ACCEPTED, yes, board.standing[yes])
                        if P == 2:  # one acceptance is every other party's
                            done = yes
                        else:
                            board.accepted[yes] += 1
                            done = yes[board.accepted[yes] == P - 1]
                        if done.size:
                            board.agreed[done] = board.standing[done]
                            board._finish(done, AGREEMENT, k + 1)
                    if trusted:  # never walks away
                        prow = rows[~said_yes]
                    else:
                        walk = rows[dec == WALK]
                        if walk.size:
                            board._note(k, p, WALKED, walk, np.full(walk.size, -1, dtype=np.int64))
                            board.walker[walk] = p
                            board._finish(walk, WALK_AWAY, k + 1)
                        prow = rows[dec == REJECT]
                    if prow.size == 0:
                        continue
                else:
                    prow = rows
                if policy is OUTSIDE:
                    offers = np.array([-1 if given is None else int(given)], dtype=np.int64)
                else:
                    offers = np.asarray(policy.propose(board, prow), dtype=np.int64)
                if trusted:
                    pass  # its offers are outcome indices of each run's space, by construction
                elif offers.min() < 0:  # a proposal of -1 is a walk-away
                    gone = offers < 0
                    w = prow[gone]
                    board._note(k, p, WALKED, w, np.full(w.size, -1, dtype=np.int64))
                    board.walker[w] = p
                    board._finish(w, WALK_AWAY, k + 1)
                    prow, offers = prow[~gone], offers[~gone]
                    if prow.size == 0:
                        continue
                if not trusted and offers.max() >= small and (bad := offers >= board.size[prow]).any():
                    who = "the outside party" if policy is OUTSIDE else type(policy).__name__
                    raise ValueError(f"{who} offered {int(offers[bad][0])}, not an outcome index")
                board.standing[prow] = offers
                board.proposer[prow] = p
                board.accepted[prow] = 0
                board.last[prow, p] = offers
                board.stamp[prow, p] = board.clock
                board.clock += 1
                board._note(k, p, OFFERED, prow, offers)
                if states is not None:
                    for b, x in zip(prow.tolist(), offers.tolist(), strict=True):
                        st = states[b]
                        st.standing = x
                        st.proposer = p
                        st.offers.append(x)
                        st.offerers.append(p)
    return board


def play(
    board: Board,
    policies: Sequence[Any],
    opener: int | np.ndarray = 0,
    *,
    breaks_at: np.ndarray | None = None,
) -> Board:
    """:func:`turns` with no party played from outside."""
    gen = turns(board, policies, opener, breaks_at=breaks_at)
    try:
        next(gen)
    except StopIteration as stop:
        return stop.value
    raise ValueError("a party is played from outside: use turns() and send its moves")


class ObjectPolicy:
    """``Negotiator`` objects (one per run) as a policy: each run's negotiator is asked in turn."""

    def __init__(self, negotiators: Sequence[Negotiator]) -> None:
        self.negotiators = list(negotiators)

    def respond(self, board: Board, rows: np.ndarray) -> np.ndarray:
        states = board.states
        assert states is not None
        out = np.empty(rows.size, dtype=np.int64)
        for m, b in enumerate(rows.tolist()):
            neg = self.negotiators[b]
            resp = neg.respond(states[b], int(board.standing[b]))
            code = _MOVES.get(resp)
            if code is None:
                raise ValueError(f"{type(neg).__name__}.respond returned {resp!r}")
            out[m] = code
        return out

    def propose(self, board: Board, rows: np.ndarray) -> np.ndarray:
        states = board.states
        assert states is not None
        out = np.empty(rows.size, dtype=np.int64)
        size = board.size
        for m, b in enumerate(rows.tolist()):
            neg = self.negotiators[b]
            x = neg.propose(states[b])
            if x is None:
                out[m] = -1
                continue
            x = int(x)
            if not 0 <= x < size[b]:
                raise ValueError(f"{type(neg).__name__}.propose returned {x}, not an outcome index")
            out[m] = x
        return out


def breakdown_rounds(rng: np.random.Generator, risk: float, count: int = 1) -> np.ndarray | None:
    """Rounds after which runs break down, for a per-round breakdown probability ``risk``.

    After each round without agreement the talks end with probability ``risk``: the number of rounds
    played before the breakdown is geometric, P(m) = (1 - risk)^(m-1) · risk for m = 1, 2, ...
    (Binmore, Rubinstein and Wolinsky 1986). None when ``risk`` is 0 (no draw is made).
    """
    if risk <= 0.0:
        return None
    return rng.geometric(min(float(risk), 1.0), size=count).astype(np.int64)
