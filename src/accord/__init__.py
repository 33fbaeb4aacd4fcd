"""accord: model, simulate and forecast negotiations.

Importing ``accord`` is light: the public functions load their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load",
    "analyze",
    "run",
    "run_many",
    "compile_scenario",
    "Negotiator",
    "register",
    "make_negotiator",
    "AccordError",
    "InputError",
]

_LAZY = {
    "load": ("accord.api", "load"),
    "analyze": ("accord.api", "analyze"),
    "run": ("accord.api", "run"),
    "run_many": ("accord.api", "run_many"),
    "compile_scenario": ("accord.api", "compile_scenario"),
    "Negotiator": ("accord.strategies.base", "Negotiator"),
    "register": ("accord.strategies.base", "register"),
    "make_negotiator": ("accord.strategies.catalog", "make"),
    "AccordError": ("accord.errors", "AccordError"),
    "InputError": ("accord.errors", "InputError"),
}

if TYPE_CHECKING:  # pragma: no cover
    from accord.api import analyze, compile_scenario, load, run, run_many  # noqa: F401
    from accord.errors import AccordError, InputError  # noqa: F401
    from accord.strategies.base import Negotiator, register  # noqa: F401
    from accord.strategies.catalog import make as make_negotiator  # noqa: F401


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(mod), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'accord' has no attribute {name!r}")
