"""A pydantic validation error of a scenario document as one message: the dotted field, what was expected
and what was given (:func:`explain`, :func:`explain_first`), as every loader of :mod:`accord.io` reports it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from accord.io import schema as S
from accord.io import schema_talks as T
from accord.yaml_dialect import Loc

__all__ = ["explain", "explain_first"]

_MISSING = {
    "steps": "`steps`, the number of evenly spaced points (at least 2): a real issue must be discretised",
    "deadline": "`deadline`, the number of rounds (at least 1)",
    "protocol": "a `protocol` block with at least `deadline: <rounds>`",
    "issues": "an `issues` block (at least one issue)",
    "parties": "a `parties` block (at least two parties)",
}
_KINDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "list_type": "a list",
    "tuple_type": "a pair [x, score]",
}
_BOUNDS = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}
_KNOWN_KEYS = S.field_names()


def _known_keys() -> set[str]:
    """Every key of the foundation format and of its talks blocks (for "did you mean")."""
    global _ALL_KEYS
    if _ALL_KEYS is None:
        talks = {
            f
            for m in vars(T).values()
            if isinstance(m, type) and issubclass(m, BaseModel) and m is not BaseModel
            for f in m.model_fields
        }
        _ALL_KEYS = set(_KNOWN_KEYS) | talks | set(T.TALKS_KEYS)
    return _ALL_KEYS


_ALL_KEYS: set[str] | None = None


def explain(err: Mapping[str, Any]) -> tuple[Loc, str, object]:
    """(location, expected, got) for one pydantic error."""
    kind = err["type"]
    raw: list[str | int] = [p for p in err["loc"] if p not in S.TAGS]
    got = err.get("input")
    ctx = err.get("ctx") or {}
    if raw and raw[-1] == "[key]":
        raw.pop()
        got = raw[-1] if raw else got
        if kind == "label":
            return tuple(raw), "a value label: text, a number or true/false", got
        return tuple(raw), "a name: non-empty text without leading or trailing spaces", got
    loc = tuple(raw)
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        return loc, _MISSING.get(last, f"the required key `{last}`"), None
    if kind == "extra_forbidden":
        if len(loc) == 1 and last in S.RESERVED_KEYS:
            return loc, f"a key this version reads: `{last}` ({S.RESERVED_KEYS[last]}) is planned", None
        close = difflib.get_close_matches(last, sorted(_known_keys()), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return loc, f"no key `{last}` here{hint}", None
    if kind in _KINDS:
        return loc, _KINDS[kind], got
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "?")
        return loc, f"a number {_BOUNDS[kind]} {bound}", got
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        what = {"parties": "parties", "issues": "issue" if n == 1 else "issues"}.get(last, "entries")
        return loc, f"at least {n} {what}", got if not isinstance(got, dict | list) else len(got)
    if kind == "literal_error":
        return loc, f"one of {ctx.get('expected')}", got
    if kind == "issue_form" and isinstance(got, dict) and "type" in got:
        return (*loc, "type"), "an issue type: categorical, integer or real", got["type"]
    if kind == "value_error":
        return loc, str(err["msg"]).removeprefix("Value error, "), got
    msg = str(err["msg"])
    return loc, msg.removeprefix("Input should be "), got


def explain_first(errors: list[Any], explainer: Any = None) -> tuple[Loc, str, object]:
    """:func:`explain` of the first error (or ``explainer``'s); a missing key whose misspelling is given beside it says so
    (pydantic reports ``deadline`` missing, and an unknown ``deadlin`` later or, where a block allows
    further keys, not at all)."""
    loc, expected, got = (explainer or explain)(errors[0])
    given = errors[0].get("input")
    if errors[0]["type"] == "missing" and loc and isinstance(given, Mapping):
        key = str(loc[-1])
        close = difflib.get_close_matches(key, [str(k) for k in given if k != key], n=1, cutoff=0.6)
        if close:
            return loc, f"{expected} (`{close[0]}` is given: did you mean `{key}`?)", got
    return loc, expected, got
