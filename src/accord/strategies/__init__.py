"""Negotiating strategies: one small class per strategy, registered next to its definition.

Use :func:`make` to build one by name and :func:`available` to list them.
"""

from accord.strategies.base import (
    ACCEPT,
    REJECT,
    WALK,
    Context,
    Negotiator,
    State,
    StrategyInfo,
    register,
)
from accord.strategies.catalog import available, make

__all__ = [
    "ACCEPT",
    "REJECT",
    "WALK",
    "Context",
    "Negotiator",
    "State",
    "StrategyInfo",
    "available",
    "make",
    "register",
]
