"""Builders of patched scenarios (:mod:`accord.experiments.fastbuild`): the checks a drawn value must pass
(the schema's limits: probabilities, finite numbers, weights, discounts), and one builder per set of
edited paths composed of closures once, then called per run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import is_dataclass, replace
from typing import Any

import numpy as np

from accord.io.uncertain import Path

_SCORE_FUNCTIONS = ("linear", "triangular", "piecewise", "constant")
_PROB, _NUMBER, _NONNEG = "prob", "number", "nonneg"


def _num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _check(v: object, rule: str) -> float | None:
    """``v`` as the schema would store it (a float), or None if the schema would refuse it."""
    if not (type(v) is float or _num(v)):
        return None
    x = float(v)  # type: ignore[arg-type]
    if not -math.inf < x < math.inf or rule == _PROB and not 0.0 <= x <= 1.0 or rule == _NONNEG and x < 0.0:
        return None
    return x


#: What the schema (accord.io.schema_talks) accepts for each talks field: a probability, any finite
#: number, or a number >= 0 (stakes: audience_cost >= 0, prestige any number).
_RULES = {
    "belief": _PROB,
    "fact_probability": _PROB,
    "signal": _PROB,
    "demand": _PROB,
    "breakdown": _PROB,
    "protocol_risk": _PROB,
    "mandate": _NUMBER,
    "verification_all": _PROB,
    "verification_party": _PROB,
    "verification_cost": _NONNEG,
    "step_rate": _PROB,
    "action": _PROB,
    "threat_share": _NONNEG,
}
_BASE_KINDS = frozenset(
    {"deadline", "protocol_risk", "weight", "score", "term", "discount", "reservation", "reservation_offset"}
    | {"strategy"}
)
#: The protocol's fields a run may draw, and their kinds (the deadline and the per-round breakdown risk).
_PROTOCOL_KINDS = {("protocol", "deadline"): "deadline", ("protocol", "breakdown_risk"): "protocol_risk"}
_NO_PLAN: Any = object()


_MAX = float(np.finfo(np.float64).max)
#: The values each check accepts, as a closed interval of floats (NaN fails every comparison): a
#: probability, any finite number, a number >= 0, a weight (>= 0), a discount factor (0 < d <= 1).
_BOUNDS = {
    _PROB: (0.0, 1.0),
    _NUMBER: (-_MAX, _MAX),
    _NONNEG: (0.0, _MAX),
    "weight": (0.0, _MAX),
    "score": (-_MAX, _MAX),
    "term": (-_MAX, _MAX),
    "reservation": (-_MAX, _MAX),
    "reservation_offset": (-_MAX, _MAX),
    "discount": (5e-324, 1.0),  # the smallest float above 0
}


class _Unsupported(Exception):
    """A model object the compiled builder does not know how to copy (then :meth:`Patcher._base` does)."""


class _Leaf:
    """A field set from value ``i`` (through ``fn`` when the field is not the value itself)."""

    __slots__ = ("i", "fn")

    def __init__(self, i: int, fn: Callable[[object], object] | None) -> None:
        self.i, self.fn = i, fn


def _put(tree: dict[Any, Any], where: tuple, leaf: _Leaf) -> bool:
    """Adds a leaf at ``where``; False if it collides with another edit (the same field twice, or a
    field inside a field another path replaces whole)."""
    node = tree
    for key in where[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return False
    if where[-1] in node:
        return False
    node[where[-1]] = leaf
    return True


def _protocol_with(tp: Any, deadline: int, risk: float) -> Any:
    """The protocol with a drawn deadline and breakdown risk (the same object when neither changed)."""
    same = (deadline, risk) == (tp.deadline, tp.breakdown_risk)
    return tp if same else replace(tp, deadline=deadline, breakdown_risk=risk)


def _each_party(names: tuple[str, ...]) -> Callable[[object], object]:
    def each(x: object) -> dict[str, object]:
        return {n: x for n in names}

    return each


def _compose(
    root: Any,
    edits: dict[Any, Any],
    posts: dict[tuple, tuple[str, int | None, int | None]],
    walk_away: Callable[[str, Any, Any], float],
    checks: list[tuple[int, float, float]],
    counts: list[int],
    texts: list[int],
    talks: bool,
) -> Callable[[list[object], Any], Any]:
    """One builder for one set of paths: the checks of :func:`_check` and :meth:`Patcher._base` (numbers
    within bounds, whole numbers stored as floats as the schema stores them; counts ints >= 1; strategies
    text), then the copies of the objects on the way to the edited fields, innermost first, as
    :meth:`Patcher._base`/:meth:`Patcher._talks` make them: a frozen model object gets a copy of its
    template's ``__dict__`` with the new fields (as :func:`_copy`), a tuple or list becomes a tuple, a
    mapping a dict, an array a read-only copy. A talks scenario gets ``document``.

    The tree of edits is resolved once per set of paths into nested closures (each knows its template and
    the keys it sets), so a run pays no lookup of paths or templates. Raises :class:`_Unsupported` for an
    object it cannot copy.
    """

    def literal(key: object) -> object:
        if type(key) not in (int, str):
            raise _Unsupported(key)
        return key

    def leaf(v: _Leaf) -> Callable[[list[object], Any], object]:
        i, fn = v.i, v.fn
        if fn is None:
            return lambda x, document: x[i]
        return lambda x, document: fn(x[i])

    def plan(tmpl: Any, node: dict[Any, Any], at: tuple) -> Callable[[list[object], Any], Any]:
        obj = is_dataclass(tmpl) and not isinstance(tmpl, type) and hasattr(tmpl, "__dict__")
        seq = type(tmpl) in (tuple, list)
        if not (obj or seq or isinstance(tmpl, np.ndarray | Mapping)):
            raise _Unsupported(at)
        kids: list[tuple[object, Callable[[list[object], Any], object]]] = []
        for k, v in node.items():
            if isinstance(v, _Leaf):
                kids.append((literal(k), leaf(v)))
                continue
            try:
                sub = tmpl.__dict__[k] if obj else tmpl[k]
            except (KeyError, IndexError, TypeError) as exc:
                raise _Unsupported((*at, k)) from exc
            kids.append((literal(k), plan(sub, v, (*at, k))))
        if isinstance(tmpl, np.ndarray):
            if any(not isinstance(v, _Leaf) or v.fn is not None for v in node.values()):
                raise _Unsupported(at)
            cells = [(k, v.i) for k, v in node.items()]

            def array(x: list[object], document: Any) -> Any:
                out = tmpl.copy()
                for k, i in cells:
                    out[k] = x[i]
                out.setflags(write=False)
                return out

            return array
        if not obj:

            def container(x: list[object], document: Any) -> Any:
                out = list(tmpl) if seq else dict(tmpl)
                for k, f in kids:
                    out[k] = f(x, document)
                return tuple(out) if seq else out

            return container
        cls, base = type(tmpl), tmpl.__dict__
        top = talks and not at
        name, res, off = posts.get(at, (None, None, None))
        post = at in posts

        def model_object(x: list[object], document: Any) -> Any:
            d = base.copy()
            for k, f in kids:
                d[k] = f(x, document)
            if top:
                d["document"] = document
            out = object.__new__(cls)
            object.__setattr__(out, "__dict__", d)
            if post:
                d["reservation"] = float(  # type: ignore[arg-type]
                    walk_away(name, out, None if off is None else x[off]) if res is None else x[res]
                )
            return out

        return model_object

    build_tree = plan(root, edits, ())

    def build(x: list[object], document: Any) -> Any:
        x = list(x)
        for i, lo, hi in checks:
            v = x[i]
            if type(v) is not float:
                v = _check(v, _NUMBER)
                if v is None:
                    return None
                x[i] = v
            if not lo <= v <= hi:
                return None
        for i in counts:
            if not (type(x[i]) is int and x[i] >= 1):
                return None
        for i in texts:
            if not isinstance(x[i], str):
                return None
        return build_tree(x, document)

    return build


def _action_index(step: object, party: object, item: object) -> int | None:
    """Index in the built step's actions of the action written at ``step[party]`` (``[item]``).

    The builder (:meth:`accord.io.talks._Builder.implementation`) takes the parties in the order the step
    names them and each party's actions in its order, skipping ``null``.
    """
    if not isinstance(step, Mapping) or party in ("name", "inspection_rate"):
        return None
    j = 0
    for key, raw in step.items():
        if key in ("name", "inspection_rate") or raw is None:
            continue
        items = raw if isinstance(raw, list) else [raw]
        if key == party:
            if item is None and not isinstance(raw, list) and isinstance(raw, Mapping):
                return j
            if isinstance(raw, list) and isinstance(item, int) and 0 <= item < len(raw):
                return j + item if isinstance(raw[item], Mapping) else None
            return None
        j += len(items)
    return None


def _doc_plan(paths: tuple[Path, ...]) -> tuple | None:
    """The tree of containers ``set_paths`` copies for ``paths`` (None if a path lies inside another)."""
    tree: dict[Any, Any] = {}
    for i, path in enumerate(paths):
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                return None
        if not path or path[-1] in node:
            return None
        node[path[-1]] = i

    def freeze(node: dict[Any, Any]) -> tuple:
        return tuple(
            (k, None, v) if isinstance(v, int) and not isinstance(v, bool) else (k, freeze(v), -1)
            for k, v in node.items()
        )

    return freeze(tree)


def _write(node: Any, plan: tuple, vals: list[object]) -> Any:
    t = type(node)
    out = dict(node) if t is dict or t is not list and isinstance(node, Mapping) else list(node)
    for key, sub, i in plan:
        out[key] = vals[i] if sub is None else _write(out[key], sub, vals)
    return out
