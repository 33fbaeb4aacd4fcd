"""The strategy catalog: every strategy by name, built in or installed.

The registry's data and :func:`~accord.strategies.base.register` live in :mod:`accord.strategies.base`,
below the strategy modules that register themselves; this module sits above them and loads them (the
built-in modules on first lookup, the ``accord.strategies`` entry points only when a listing or a name
not built in asks).
"""

from __future__ import annotations

import difflib

from accord.errors import InputError
from accord.strategies.base import (
    _CLASSES,
    _FIELD,
    _INFO,
    _REGISTRY,
    DEFAULT_PROTOCOL,
    ENTRY_POINTS,
    Negotiator,
    StrategyInfo,
    load_class,
    register,
)

_loaded = False
_entry_points_loaded = False


def load_builtin() -> None:
    """Import the built-in strategy modules (importing registers them)."""
    global _loaded
    if _loaded:
        return
    from accord.strategies import (  # noqa: F401
        agents,
        aspiration,
        belief_based,
        boa,
        random_,
        single_text,
        time_based,
        tit_for_tat,
    )

    _loaded = True


def _load_entry_points() -> None:
    """Register every class installed under the ``accord.strategies`` entry-point group by its name
    (once; only when a listing or a name not built in asks, so a broken package never stops a run
    of built-in strategies)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINTS):
        where = f"entry point {ENTRY_POINTS}:{ep.name}"
        cls = load_class(ep.value, where)
        taken = _CLASSES.get(ep.name)
        if taken is cls:
            continue  # its module registered it under this name (``@register``)
        if taken is not None:
            owner = f"{taken.__module__}:{taken.__qualname__}"
            raise InputError(None, where, f"a strategy name not taken (it names {owner})", ep.name)
        info = getattr(cls, "info", None)
        if not isinstance(info, StrategyInfo):
            doc = (cls.__doc__ or "").strip().splitlines()
            info = StrategyInfo(ep.name, "out-of-tree", ep.value, doc[0] if doc else "")
            cls.info = info  # type: ignore[attr-defined]
        register(ep.name)(cls)


def available(protocol: str | None = DEFAULT_PROTOCOL) -> dict[str, StrategyInfo]:
    """Every registered strategy name with its declared info: those playing ``protocol`` (default:
    alternating offers), or every one for ``protocol=None``. Installed entry points included."""
    load_builtin()
    _load_entry_points()
    return dict(sorted((n, i) for n, i in _INFO.items() if protocol is None or i.protocol == protocol))


def is_registered(name: str) -> bool:
    """``name`` is a registered strategy (built in, or installed: those are loaded only if needed)."""
    load_builtin()
    if name not in _REGISTRY and ":" not in name:
        _load_entry_points()
    return name in _REGISTRY


def make(name: str, **params: object) -> Negotiator:
    """Build the strategy called ``name`` (a registered name or ``module:Class``); unknown names get
    the nearest names suggested."""
    load_builtin()
    factory = _REGISTRY.get(name)
    if factory is None and ":" not in name:
        _load_entry_points()
        factory = _REGISTRY.get(name)
    if factory is None:
        if ":" in name:
            factory = load_class(name)
        else:
            near = difflib.get_close_matches(name, list(_REGISTRY), n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            expected = f"a strategy (accord strategies lists them) or module:Class{hint}"
            raise InputError(None, _FIELD, expected, name)
    try:
        return factory(**params)  # type: ignore[no-any-return]
    except TypeError as exc:
        raise InputError(None, f"{_FIELD}.{name}", f"valid parameters ({exc})") from None
