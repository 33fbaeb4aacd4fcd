"""GENIUS nonlinear utility spaces (``<utility_space type="nonlinear">``, the ANAC 2014 domains).

The rules follow GENIUS 10.4's ``NonlinearUtilitySpace`` (``loadNonlinearSpace``, ``loadUtilityFunction``,
``loadHyperRectangles``), ``UtilityFunction.getUtility`` and ``{Inclusive,Exclusive}HyperRectangle``;
docs/formats.md states each:

- the utility function is the first ``<ufun>`` of the first ``<utility>`` element of the profile's first
  child element (the ``<objective>``); ``maxutility`` of that ``<utility>`` divides every utility;
- a ``<ufun>`` adds (``aggregation="sum"``, also GENIUS's default for an unknown word) the utilities of its
  ``<hyperRectangle>`` children and of its nested ``<ufun>`` children times their ``weight`` (the
  outermost ufun's own weight is not used); ``min``/``max`` aggregation is refused (no distributed file
  uses it, and it does not decompose into terms);
- a hyperRectangle with ``<INCLUDES index min max>`` bounds is worth ``utility`` · ``weight`` (default 1)
  when every bounded issue's value lies in [min, max]; with ``<EXCLUDES>`` bounds (they win over INCLUDES
  in one rectangle, as in GENIUS) when at least one lies outside; with neither, always. Bounds name issues
  by their GENIUS index and compare the integer value itself (bounds on other issue types are refused:
  GENIUS fails on them with a ClassCastException);
- U(ω) = min(1, F(ω) / maxutility); ``reservation`` and ``discount_factor`` as in additive profiles.

Each rectangle becomes a non-additive :class:`~accord.model.preferences.Term` whose condition is an
expression over the issues (written in accord's expression language, evaluated on arrays of outcomes);
the additive part is zero, and the cap at 1 is :attr:`Preferences.cap`.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import numpy as np

from accord.errors import InputError
from accord.io.genius import discount_factor, optional_number
from accord.model.expr import Expression
from accord.model.preferences import Preferences, Term
from accord.model.space import OutcomeSpace

__all__ = ["NONLINEAR", "is_nonlinear", "nonlinear_profile_from_element"]

#: ``<utility_space type=...>`` read by this module.
NONLINEAR = "nonlinear"

#: Rectangles per profile accepted (the ANAC 2014 files hold up to 150; bounds memory and time).
MAX_RECTANGLES = 100_000


def is_nonlinear(root: ET.Element) -> bool:
    return (root.get("type") or "").strip().lower() == NONLINEAR


def _float(el: ET.Element, attr: str, file: object, where: str) -> float:
    text = el.get(attr)
    try:
        x = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(str(file), f"{where} {attr}", "a number", text) from None
    if not math.isfinite(x):
        raise InputError(str(file), f"{where} {attr}", "a finite number", text)
    return x


def _int(el: ET.Element, attr: str, file: object, where: str) -> int:
    text = el.get(attr)
    try:
        return int((text or "").strip())  # Java's Integer.parseInt: digits only
    except ValueError:
        raise InputError(
            str(file), f"{where} {attr}", "an integer (GENIUS's Integer.parseInt)", text
        ) from None


def _condition(
    space: OutcomeSpace, rect: ET.Element, positions: dict[int, int], file: object, where: str
) -> Expression:
    """The condition under which ``rect`` pays: an Expression evaluated on digit arrays."""
    inc = [c for c in rect if c.tag == "INCLUDES"]
    exc = [c for c in rect if c.tag == "EXCLUDES"]
    bounds_el, exclusive = (exc, True) if exc else (inc, False)
    bounds: list[tuple[int, int, int]] = []  # (issue position, lowest digit, highest digit)
    parts: list[str] = []
    for b in bounds_el:
        index = _int(b, "index", file, f"{where} {b.tag}")
        if index not in positions:
            raise InputError(
                str(file),
                f"{where} {b.tag} index",
                f"an issue index of the domain {sorted(positions)}",
                index,
            )
        k = positions[index]
        issue = space.issues[k]
        if issue.kind != "integer":
            raise InputError(
                str(file), f"{where} {b.tag} index={index}", "a bound on an integer issue", issue.kind
            )
        lo, hi = _int(b, "min", file, f"{where} {b.tag}"), _int(b, "max", file, f"{where} {b.tag}")
        first, last = int(issue.values[0]), int(issue.values[-1])
        bounds.append((k, lo - first, hi - first))
        lo, hi = max(lo, first), min(hi, last)  # the text names values of the issue only
        if lo > hi:
            parts.append("false")
        elif (lo, hi) != (first, last):
            parts.append(f"({issue.name} >= {lo} and {issue.name} <= {hi})")
    if not bounds_el:
        text = "true"
    else:
        text = "false" if "false" in parts else " and ".join(parts) or "true"
        if exclusive:
            text = {"true": "false", "false": "true"}.get(text, f"not ({text})")

    def fn(digits: list[np.ndarray], env: object) -> np.ndarray:
        if not bounds:
            return np.True_
        inside = None
        for k, lo_d, hi_d in bounds:
            d = digits[k]
            ok = (d >= lo_d) & (d <= hi_d)
            inside = ok if inside is None else inside & ok
        return ~inside if exclusive else inside

    return Expression(text, space, frozenset(space.issues[k].name for k, _, _ in bounds), frozenset(), fn)


def _terms(
    ufun: ET.Element,
    scale: float,
    space: OutcomeSpace,
    positions: dict[int, int],
    file: object,
    out: list[Term],
    depth: int = 0,
) -> None:
    where = "ufun" if depth == 0 else f"ufun (nested {depth})"
    agg = (ufun.get("aggregation") or "sum").strip().lower()
    if agg in ("min", "max"):
        raise InputError(
            str(file), f"{where} aggregation", "sum (min and max aggregation are not supported)", agg
        )
    if depth > 50:
        raise InputError(str(file), where, "ufun elements nested at most 50 deep")
    for j, rect in enumerate(c for c in ufun if c.tag == "hyperRectangle"):
        rw = f"{where} hyperRectangle #{j + 1}"
        value = _float(rect, "utility", file, rw)
        if rect.get("weight") is not None:
            value *= _float(rect, "weight", file, rw)
        if len(out) >= MAX_RECTANGLES:
            raise InputError(
                str(file), "hyperRectangle", f"at most {MAX_RECTANGLES:,} rectangles per profile"
            )
        out.append(
            Term(_condition(space, rect, positions, file, rw), value * scale, f"hyperRectangle #{j + 1}")
        )
    for inner in (c for c in ufun if c.tag == "ufun"):
        w = _float(inner, "weight", file, f"{where} ufun") if inner.get("weight") is not None else 1.0
        _terms(inner, scale * w, space, positions, file, out, depth + 1)


def nonlinear_profile_from_element(
    root: ET.Element, file: object, space: OutcomeSpace, issue_indices: Sequence[int]
) -> Preferences:
    """Preferences of a parsed ``<utility_space type="nonlinear">`` over the domain's ``space``
    (``issue_indices``: the GENIUS index of each issue of the space)."""
    first = next(iter(root), None)
    utility = None if first is None else next((c for c in first if c.tag == "utility"), None)
    if utility is None:
        raise InputError(str(file), "utility", "a <utility maxutility=...> element in the <objective>")
    top = _float(utility, "maxutility", file, "utility")
    if top <= 0:
        raise InputError(
            str(file), "utility maxutility", "a number above 0 (every utility is divided by it)", top
        )
    ufun = next((c for c in utility if c.tag == "ufun"), None)
    if ufun is None:
        raise InputError(str(file), "utility", "a <ufun> element")
    positions = {int(ix): k for k, ix in enumerate(issue_indices)}
    terms: list[Term] = []
    # GENIUS divides the sum by maxutility; each term's value is divided here (the same to a few ulps)
    _terms(ufun, 1.0, space, positions, file, terms)
    terms = [Term(t.condition, t.value / top, t.note) for t in terms]
    discount = discount_factor(root, file)
    reservation = optional_number(root, "reservation", file)
    best = sum(t.value for t in terms if t.value > 0)
    n = len(space.issues)
    return Preferences(
        space,
        np.zeros(n),
        tuple(np.zeros(i.size) for i in space.issues),
        terms=tuple(terms),
        reservation=0.0 if reservation is None else reservation,
        discount=discount,
        cap=1.0 if best > 1.0 else None,
    )
