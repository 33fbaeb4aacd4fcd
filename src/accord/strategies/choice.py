"""Which negotiators play a scenario: a spec string to a negotiator, and one spec per party.

Used by every front end (``accord.api``, the experiment worker, the web app) so a name means the same
strategy everywhere; the grammar of a spec is :mod:`accord.strategies.spec`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from accord.errors import InputError
from accord.model.scenario import Scenario
from accord.strategies.base import Negotiator
from accord.strategies.catalog import make

__all__ = ["negotiator_for", "resolve_negotiators", "negotiators_per_run"]


def negotiator_for(spec: str) -> Negotiator:
    """Build a negotiator from a name or a spec such as ``aspiration(e=2)`` or ``boa(...)``."""
    if "(" in spec:
        from accord.strategies.spec import parse_negotiator  # the parser loads only for specs with arguments

        return parse_negotiator(spec)
    return make(spec.strip())


def resolve_negotiators(
    scenario: Scenario, names: Sequence[str] | None, default: str = "boulware"
) -> list[str]:
    """One negotiator spec per party: given per party, one for all, or each party's own strategy, else
    ``default`` (the protocol's default strategy: :func:`accord.protocols.registry.resolve_negotiators`)."""
    n = len(scenario.parties)
    if not names:
        return [p.strategy or default for p in scenario.parties]
    names = [s.strip() for s in names if s.strip()]
    if len(names) == 1:
        return names * n
    if len(names) != n:
        raise InputError(
            None,
            "negotiators",
            f"one strategy for all parties or one per party ({n}: {', '.join(scenario.party_names)})",
            ",".join(names),
        )
    return list(names)


def negotiators_per_run(
    specs: Sequence[Sequence[str]], reusable: Callable[[list[Negotiator]], bool]
) -> list[list[Negotiator]]:
    """The negotiators of each run, from its specs (one per party). Runs with the same specs share one set
    where ``reusable`` says its negotiators keep no state between runs (their setup resets them)."""
    shared: dict[tuple[str, ...], list[Negotiator]] = {}
    out: list[list[Negotiator]] = []
    for run in specs:
        key = tuple(run)
        got = shared.get(key)
        if got is None:
            got = [negotiator_for(s) for s in key]
            if reusable(got):
                shared[key] = got
        out.append(got)
    return out
