"""Exact comparison of scenarios, field by field and arrays bit for bit: how a patched scenario is checked
against the full build (:meth:`accord.experiments.fastbuild.Patcher.verify`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

__all__ = ["same_scenario", "same_talks"]


def _equal(a: Any, b: Any) -> bool:  # noqa: PLR0911
    """Exact structural equality of model objects: same types, every field, floats and arrays bit for bit
    (so 0.0 and -0.0 differ), expressions by their text and space, mappings in the same key order."""
    if a is b:
        return True
    t = type(a)
    if t is not type(b):
        return False
    if t is float:
        return a.hex() == b.hex()
    if t in (int, bool, str, bytes, type(None)):
        return a == b
    if isinstance(a, np.ndarray | np.generic):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    from accord.model.expr import Expression
    from accord.model.space import OutcomeSpace

    if isinstance(a, Expression):
        same = (a.text, a.issues_used, a.flags_used) == (b.text, b.issues_used, b.flags_used)
        return same and _equal(a.space, b.space)
    if isinstance(a, OutcomeSpace):
        return _equal(a.issues, b.issues)
    if is_dataclass(a):
        return all(_equal(getattr(a, f.name), getattr(b, f.name)) for f in fields(a) if f.compare)
    if isinstance(a, Mapping):
        return _equal(list(a), list(b)) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def same_scenario(a: Any, b: Any) -> bool:
    """Two scenarios are the same in every field (arrays bit for bit); see :func:`_equal`."""
    return _equal(a, b)


def same_talks(a: Any, b: Any) -> bool:
    """Two talks scenarios are the same in every field: base scenario, stages, private information,
    implementation, variants, document and history (arrays bit for bit)."""
    return _equal(a, b)


def _same(a: Any, b: Any) -> bool:
    """Two scenarios compile alike: same parties, protocol, arrays and strategies (the older, looser check)."""
    if a.party_names != b.party_names or a.protocol != b.protocol or a.space.names != b.space.names:
        return False
    ca, cb = a.compile(), b.compile()
    if not (np.array_equal(ca.utilities, cb.utilities) and np.array_equal(ca.acceptable, cb.acceptable)):
        return False
    if not (np.array_equal(ca.reservations, cb.reservations) and np.array_equal(ca.discounts, cb.discounts)):
        return False
    return all(p.strategy == q.strategy for p, q in zip(a.parties, b.parties, strict=True))
