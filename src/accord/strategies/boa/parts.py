"""BOA parts by name: build one from a registered name or a spec, list them.

Importing this module loads accord's own parts (:mod:`~accord.strategies.boa.bidding`, ``models``,
``acceptance``). The ANAC agents register theirs when :mod:`accord.strategies.agents` is imported, which
every lookup through the strategy catalog (:mod:`accord.strategies.catalog`: ``make``, specs on the command
line, ``accord strategies --boa``) does first; this module, below the agents (a BOA negotiator resolves
its parts here), does not import them.
"""

from __future__ import annotations

import difflib
import inspect

from accord.errors import InputError
from accord.strategies.boa import acceptance, bidding, models  # noqa: F401  (importing registers them)
from accord.strategies.boa.components import (
    _CLASSES,
    _FACTORIES,
    _INFOS,
    _PRESETS,
    KINDS,
    Component,
    ComponentInfo,
)
from accord.strategies.grammar import FIELD, Spec, parse, plain


def available_components(kind: str | None = None) -> dict[str, ComponentInfo]:
    """Registered components (of one ``kind`` or all), keyed by ``kind:name`` when all."""
    if kind is not None:
        return dict(sorted(_INFOS[kind].items()))
    return {f"{k}:{n}": i for k in KINDS for n, i in sorted(_INFOS[k].items())}


def parameters(kind: str, name: str) -> list[str]:
    """Names of the constructor parameters of a registered component, in order (presets excluded)."""
    sig = inspect.signature(_CLASSES[kind][name].__init__)
    return [p for p in sig.parameters if p != "self" and p not in _PRESETS[kind][name]]


def make_component(kind: str, name: str, *args: object, **params: object) -> Component:
    """Build the ``kind`` component called ``name``; bad names and parameters raise InputError."""
    field = f"negotiators.boa.{kind}"
    factory = _FACTORIES[kind].get(name)
    if factory is None:
        names = sorted(_FACTORIES[kind])
        near = difflib.get_close_matches(name, names, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        if not any(c.__module__.startswith("accord.strategies.agents") for c in _CLASSES[kind].values()):
            hint += "; the ANAC agents' parts are registered once accord.strategies.agents is imported"
        raise InputError(None, field, f"a {kind} component among {names}{hint}", name)
    positional = parameters(kind, name)
    allowed = positional + list(_PRESETS[kind][name])
    for key in params:
        if key not in allowed:
            raise InputError(None, f"{field}.{name}", f"a parameter among {allowed}", key)
    if len(args) > len(positional):
        raise InputError(None, f"{field}.{name}", f"at most {len(positional)} positional parameters", args)
    for key, value in zip(positional, args, strict=False):
        if key in params:
            raise InputError(None, f"{field}.{name}", "each parameter given once", key)
        params[key] = value
    try:
        return factory(**params)
    except (TypeError, ValueError) as exc:
        raise InputError(None, f"{field}.{name}", f"valid parameters ({exc})", params or args) from None


def as_component(kind: str, spec: object) -> Component:
    """A component from an instance, a registered name, or a spec string such as ``ac_const(0.9)``."""
    if isinstance(spec, Component):
        return spec
    if isinstance(spec, str | Spec):
        return build_component(kind, spec)
    raise InputError(None, f"negotiators.boa.{kind}", f"a {kind} component name or object", spec)


def build_component(kind: str, spec: str | Spec) -> Component:
    """A BOA component of ``kind`` ("bidding", "model", "acceptance") from a spec."""
    s = parse(spec) if isinstance(spec, str) else spec
    where = f"{FIELD}.boa.{kind}.{s.name}"
    args = [plain(a, where) for a in s.args]
    kwargs = {k: plain(v, f"{where}.{k}") for k, v in s.kwargs.items()}
    return make_component(kind, s.name, *args, **kwargs)
