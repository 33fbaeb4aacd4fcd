"""Negotiator specs: a strategy named with its parameters, in one short string.

Grammar (spaces are ignored)::

    spec  := NAME [ "(" [ arg ("," arg)* ] ")" ]
    arg   := NAME "=" value | value                 positional arguments come first
    value := NUMBER | "quoted string" | true | false | none | spec

Examples: ``boulware``, ``aspiration(e=2)``, ``aspiration(2)``, ``mypkg.agents:MyAgent(e=2)`` (a
user's class by module and name, see :func:`accord.strategies.base.load_class`),
``boa(bidding=boulware, model=frequency, acceptance=ac_combi(t=0.98))``,
``boa(time_dependent(e=0.1), bayesian, ac_const(0.9))`` (positional: bidding, model, acceptance),
``hardheaded``. A bare name as a parameter value is a string (``measure=max``) or, for the parts of a
BOA negotiator, a component name. A list of specs is separated by top-level commas
(:func:`split_specs`). Unknown names raise :class:`~accord.errors.InputError` with the nearest names
suggested; bad parameters raise InputError naming the strategy and what was expected.
"""

from __future__ import annotations

import inspect

from accord.errors import InputError
from accord.strategies.base import Negotiator
from accord.strategies.boa.components import KINDS
from accord.strategies.boa.parts import available_components
from accord.strategies.catalog import is_registered, make
from accord.strategies.grammar import FIELD, Spec, parse, plain, split_specs

__all__ = [
    "FIELD",
    "Spec",
    "build_negotiator",
    "build_negotiators",
    "parse",
    "parse_negotiator",
    "split_specs",
]


BOA_PARTS = ("bidding", "model", "acceptance")


def build_negotiator(spec: str | Spec) -> Negotiator:
    """The negotiator a spec describes (a registered strategy, possibly ``boa(...)``)."""
    s = parse(spec) if isinstance(spec, str) else spec
    where = f"{FIELD}.{s.name}"
    if s.name == "boa":
        if len(s.args) > len(BOA_PARTS):
            raise InputError(
                None, where, "at most three positional parts (bidding, model, acceptance)", s.args
            )
        params: dict[str, object] = dict(zip(BOA_PARTS, s.args, strict=False))
        for k, v in s.kwargs.items():
            if k not in BOA_PARTS:
                raise InputError(None, where, f"a parameter among {list(BOA_PARTS)}", k)
            if k in params:
                raise InputError(None, where, "each part given once", k)
            params[k] = v
        return make("boa", **params)
    _check_name(s.name)
    proto = make(s.name)  # raises InputError with suggestions for unknown names
    if not s.called:
        return proto
    allowed = [p for p in inspect.signature(type(proto).__init__).parameters if p != "self"]
    if len(s.args) > len(allowed):
        raise InputError(None, where, f"at most {len(allowed)} positional parameters {allowed}", s.args)
    kw = {k: plain(v, f"{where}.{k}") for k, v in zip(allowed, s.args, strict=False)}
    for k, v in s.kwargs.items():
        if k not in allowed:
            raise InputError(None, where, f"a parameter among {allowed}", k)
        if k in kw:
            raise InputError(None, where, "each parameter given once", k)
        kw[k] = plain(v, f"{where}.{k}")
    try:
        return make(s.name, **kw)
    except ValueError as exc:
        raise InputError(None, where, f"valid parameters ({exc})", kw) from None


def _check_name(name: str) -> None:
    """A BOA component named where a negotiator is expected gets a pointed hint."""
    if is_registered(name) or ":" in name:
        return
    for kind in KINDS:
        if name in available_components(kind):
            raise InputError(
                None,
                FIELD,
                f"a strategy; {name!r} is a BOA {kind} component, use it as boa({kind}={name})",
                name,
            )


def build_negotiators(text: str) -> list[Negotiator]:
    """One negotiator per top-level comma-separated spec."""
    return [build_negotiator(s) for s in split_specs(text)]


#: The name accord.api uses.
parse_negotiator = build_negotiator
