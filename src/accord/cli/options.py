"""Bounds of the command line's numeric options, checked by Typer before any work (exit 2, a usage line)."""

from __future__ import annotations

from accord.model.scenario import MAX_ROUNDS

#: Largest seed accepted (seeds are non-negative; run k uses seed + k).
MAX_SEED = 2**63 - 1

__all__ = ["MAX_ROUNDS", "MAX_SEED"]
