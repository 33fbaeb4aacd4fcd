"""Protocols by name, beside the strategies' registry: what ``protocol: {type: NAME}`` in a scenario runs.

A protocol is registered as a :class:`ProtocolInfo`: its name, a one-line description, its citation, the
keys of the scenario's ``protocol`` block it reads, the strategy it gives a party by default, and the
function that runs it (:class:`RunProtocol`). That function runs B negotiations of one compiled scenario
at once, one per seed (a single run is B = 1), and returns one
:class:`~accord.protocols.alternating.Result` per run; a protocol written as arrays (the single text)
keeps its state on a leading run axis. Built in: ``alternating_offers`` and ``single_text``. Installed
packages add protocols through the entry-point group ``accord.protocols`` (each entry point names a
``ProtocolInfo`` object, ``"mypkg.protocols:MY_PROTOCOL"``); ``accord protocols`` lists them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol as TypingProtocol

from accord.errors import InputError
from accord.model.scenario import CompiledScenario, Scenario
from accord.protocols import single_text
from accord.protocols.alternating import Result, run_alternating
from accord.strategies.base import load_object
from accord.strategies.spec import build_negotiator

#: Entry-point group through which installed packages add protocols.
ENTRY_POINTS = "accord.protocols"
ALTERNATING = "alternating_offers"
#: Keys every ``protocol`` block may hold, whatever its type.
COMMON_KEYS = ("type", "deadline")


class RunProtocol(TypingProtocol):
    """How a protocol is run: B negotiations of ``compiled``, one per seed, one result each.

    ``negotiators`` holds one strategy per party, in scenario order: a spec string (built by the
    protocol, e.g. one object per run or one array policy for all B runs) or a strategy object. A
    ``deadline`` of None is the scenario's; ``options`` are the scenario's protocol settings.
    """

    def __call__(
        self,
        compiled: CompiledScenario,
        negotiators: Sequence[object],
        *,
        seeds: Sequence[int],
        deadline: int | None = None,
        options: Mapping[str, object] | None = None,
    ) -> Sequence[Result]: ...


@dataclass(frozen=True)
class ProtocolInfo:
    """A registered protocol (what ``accord protocols`` lists)."""

    name: str
    description: str
    citation: str
    run: RunProtocol
    #: Keys of the scenario's ``protocol`` block this protocol reads besides ``type`` and ``deadline``.
    keys: tuple[str, ...] = ()
    #: The strategy a party plays when neither the command line nor the scenario names one.
    default_strategy: str = "boulware"
    #: Checks the scenario's protocol settings (raises InputError naming the file and field), or None.
    check: Callable[[Scenario], None] | None = None


def _run_alternating(
    compiled: CompiledScenario,
    negotiators: Sequence[object],
    *,
    seeds: Sequence[int],
    deadline: int | None = None,
    options: Mapping[str, object] | None = None,
) -> list[Result]:
    """Alternating offers run by run (:func:`accord.protocols.alternating.run_alternating`), each run with
    fresh negotiators built from the specs (objects given are used as they are)."""
    out = []
    for s in seeds:
        negs = [build_negotiator(x) if isinstance(x, str) else x for x in negotiators]
        out.append(run_alternating(compiled, negs, deadline=deadline, seed=s))  # type: ignore[arg-type]
    return out


_PROTOCOLS: dict[str, ProtocolInfo] = {}


def register_protocol(info: ProtocolInfo) -> ProtocolInfo:
    """Register ``info`` under its name (the same object twice is harmless; another under a taken name
    is an error)."""
    old = _PROTOCOLS.get(info.name)
    if old is not None and old is not info:
        raise ValueError(f"protocol name {info.name!r} registered twice")
    _PROTOCOLS[info.name] = info
    return info


register_protocol(
    ProtocolInfo(
        ALTERNATING,
        "Stacked alternating offers: parties in turn accept the standing offer, counter it, or walk away",
        "Rubinstein (1982), Perfect equilibrium in a bargaining model, Econometrica 50(1); Aydoğan et al. "
        "(2017), Alternating offers protocols for multilateral negotiation",
        _run_alternating,
        keys=("opener",),
        default_strategy="boulware",
    )
)
register_protocol(
    ProtocolInfo(
        single_text.PROTOCOL,
        "Mediated single text: a mediator proposes a change to one text each step; it moves if all accept",
        "Raiffa (1982), The Art and Science of Negotiation; Klein, Faratin, Sayama & Bar-Yam "
        "(2003), Protocols for negotiating complex contracts, IEEE Intelligent Systems 18(6)",
        single_text.run_single_text,
        keys=("start",),
        default_strategy="hill_climber",
        check=single_text.check_options,
    )
)

_entry_points_loaded = False


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINTS):
        where = f"entry point {ENTRY_POINTS}:{ep.name}"
        info = load_object(ep.value, where)
        if not isinstance(info, ProtocolInfo):
            raise InputError(None, where, "a ProtocolInfo object", type(info).__name__)
        try:
            register_protocol(info)
        except ValueError as exc:
            raise InputError(None, where, "a protocol name not taken", str(exc)) from None


def available_protocols() -> dict[str, ProtocolInfo]:
    """Every registered protocol by name, installed entry points included."""
    _load_entry_points()
    return dict(sorted(_PROTOCOLS.items()))


def protocol_of(scenario: Scenario) -> ProtocolInfo:
    """The protocol ``scenario`` names, its settings checked; unknown names get the nearest suggested."""
    known = available_protocols()
    name = scenario.protocol.type
    info = known.get(name)
    if info is None:
        near = difflib.get_close_matches(name, list(known), n=2)
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise InputError(scenario.path, "protocol.type", f"a protocol among {list(known)}{hint}", name)
    allowed = (*COMMON_KEYS, *info.keys)
    given = [*scenario.protocol.options] + (["opener"] if scenario.protocol.opener is not None else [])
    for key in given:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean `{near[0]}`?)" if near else ""
            raise InputError(
                scenario.path, f"protocol.{key}", f"a key {name} reads: {', '.join(allowed)}{hint}"
            )
    if info.check is not None:
        info.check(scenario)
    return info


def default_strategy(scenario: Scenario) -> str:
    """The strategy a party of ``scenario`` plays by default under its protocol."""
    return protocol_of(scenario).default_strategy


def run_protocol(
    scenarios: Sequence[Scenario],
    negotiators: Sequence[Sequence[object]],
    *,
    seeds: Sequence[int],
    deadline: int | None,
    compile_fn: Callable[[Scenario], CompiledScenario],
) -> list[Result]:
    """Run negotiation k of ``scenarios[k]`` with ``negotiators[k]`` and ``seeds[k]``, under each scenario's
    protocol; consecutive runs of one scenario with the same strategies run as one batch."""
    out: list[Result] = []
    k = 0
    while k < len(scenarios):
        sc, negs = scenarios[k], list(negotiators[k])
        j = k + 1
        while j < len(scenarios) and scenarios[j] is sc and list(negotiators[j]) == negs:
            j += 1
        info = protocol_of(sc)
        out.extend(
            info.run(compile_fn(sc), negs, seeds=seeds[k:j], deadline=deadline, options=sc.protocol.options)
        )
        k = j
    return out
