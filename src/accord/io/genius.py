"""GENIUS XML domains and profiles (the ANAC 2010-2019 lingua franca): reading and writing.

A GENIUS scenario is one domain file (root ``<negotiation_template>``) plus one linear-additive
profile (root ``<utility_space>``) per party. The reading rules follow GENIUS 10.4's own reader
(``genius.core.DomainImpl``, ``genius.core.utility.AdditiveUtilitySpace.loadTreeRecursive`` and
``Evaluator{Discrete,Integer,Real}``); docs/formats.md states each rule with its source:

- only an element's direct children count: issues are the ``<issue>`` children of the
  ``<objective>`` tree (objectives nest, issues do not), values and evaluations the ``<item>``
  children of an issue (items nested deeper, e.g. in ``<similarity_function>``, are ignored);
- an issue's type is its ``type`` attribute, else ``vtype``/``etype``, else discrete;
- discrete: the evaluation of a value divided by the largest evaluation the profile gives that
  issue (``EvaluatorDiscrete.normalize``: always, not only when one exceeds 1; all 0 when that
  largest evaluation is below 1e-5); items naming a value the domain lacks are skipped with a
  warning but still count for the largest evaluation; an item whose evaluation is absent or
  ``null`` gives that value no evaluation;
- integer: ``offset + slope * (v - lowerbound)``, clipped to [0, 1];
- real: ``linear`` ``parameter1 * v + parameter0`` clipped to [0, 1], ``constant`` ``parameter0``,
  ``triangular`` (``parameter0`` = lower, ``parameter1`` = upper, ``parameter2`` = top; not clipped),
  evaluated on the real range discretised into ``real_steps`` evenly spaced points (ends included);
- U(ω) = min(1, Σ_i w_i · eval_i(ω_i)) with the weights as written (never renormalised: the ANAC Laptop
  weights sum to 1.0001, and GENIUS's ``AdditiveUtilitySpace.getUtility`` caps the sum at 1; so does
  accord, with ``Preferences.cap`` set when the largest sum exceeds 1);
- ``discount_factor`` defaults to 1 (a value ≤ 0, > 1 or unparsable means 1, with a warning);
  ``reservation`` defaults to 0 (unparsable means 0, with a warning).

Utilities are never computed here: the readers build :class:`~accord.model.preferences.Preferences`
(per-issue score arrays and weights) and evaluation is left to ``Preferences.evaluate_all``.
"""

from __future__ import annotations

import contextlib
import math
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from accord.errors import InputError
from accord.io.genius_writer import write_genius
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.space import OutcomeSpace

__all__ = [
    "DEFAULT_REAL_STEPS",
    "FormatWarning",
    "read_genius_domain",
    "read_genius_profile",
    "write_genius",
    "read_xml",
    "domain_from_element",
    "profile_from_element",
]

#: ``<utility_space type=...>`` of GENIUS profiles that are not linear-additive: ``nonlinear`` is read by
#: :mod:`accord.io.genius_nonlinear` (through the folder loader), the others are refused.
NONLINEAR_TYPES = ("nonlinear", "constraint", "custom")

#: Points a GENIUS real issue is discretised into unless the caller says otherwise.
DEFAULT_REAL_STEPS = 11
#: Most values one issue of a GENIUS or GeniusWeb file may have (integer ranges, real steps): as many as an
#: accord YAML issue (``accord.io.schema.MAX_ISSUE_VALUES``), checked before the values are made.
MAX_ISSUE_VALUES = 1_000_000

_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")


class FormatWarning(UserWarning):
    """A GENIUS/GeniusWeb file holds a bad optional value that was replaced by its default."""


def warn(file: object, field: str, message: str) -> None:
    """Emit a :class:`FormatWarning` naming the file and the field."""
    warnings.warn(FormatWarning(f"{file}: {field}: {message}"), stacklevel=3)


# ----------------------------------------------------------------------------------------------
# XML plumbing
# ----------------------------------------------------------------------------------------------


#: What GENIUS's own parser (``genius.core.xml.SimpleDOMParser``) accepts that XML does not, and how
#: it reads it: a raw ``&`` stays a character; attributes may touch (``type="a"vtype="a"``); an XML
#: declaration may follow a comment.
_LENIENT = (
    (re.compile(r"&(?![A-Za-z][\w.-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)"), "&amp;", "a raw '&'"),
    (re.compile(r'"(?=[A-Za-z_][\w.:-]*\s*=\s*")'), '" ', "attributes without a space between them"),
    (re.compile(r"<\?xml[^>]*\?>"), "", "an XML declaration not at the start"),
)


def read_xml(path: str | Path) -> ET.Element:
    """Parse an XML file as GENIUS would: Latin-1 when the bytes are not valid UTF-8, and the few
    departures from XML that GENIUS's own parser reads (a raw ``&``, attributes without a space
    between them, an XML declaration after a comment), each with a warning naming the file.

    Several GENIUS distribution files hold such text (shared/data/genius/SOURCES.md; docs/formats.md).
    Anything else malformed raises :class:`InputError` naming the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, "a readable file", exc.strerror) from None
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        first_error = exc
    try:
        text = data.decode("utf-8")
        notes = []
    except UnicodeDecodeError:
        text = _DECL.sub(b"", data).decode("latin-1")
        notes = ["not valid UTF-8; read as Latin-1"]
    repaired = text
    for pattern, replacement, what in _LENIENT:
        fixed = pattern.sub(replacement, repaired)
        if fixed != repaired:
            notes.append(f"{what} read as GENIUS's parser reads it")
            repaired = fixed
    if notes:
        try:
            root = ET.fromstring(repaired)
        except ET.ParseError:
            pass
        else:
            warn(path, "encoding" if len(notes) == 1 and "Latin-1" in notes[0] else "XML", "; ".join(notes))
            return root
    raise InputError(str(path), None, "well-formed XML", str(first_error)) from None


def _number(text: str | None, file: object, field: str, expected: str = "a number") -> float:
    try:
        x = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(str(file), field, expected, text) from None
    if not math.isfinite(x):
        raise InputError(str(file), field, expected, text)
    return x


def _integer(text: str | None, file: object, field: str, expected: str = "an integer") -> int:
    x = _number(text, file, field, expected)
    if x != int(x):
        raise InputError(str(file), field, expected, text)
    return int(x)


def _issue_type(el: ET.Element) -> str:
    """GENIUS's rule (``DomainImpl.buildTreeRecursive``): ``type`` wins, else ``vtype``; none is discrete."""
    for attr in ("type", "vtype", "etype"):
        t = el.get(attr)
        if t and t.strip():
            return t.strip().lower()
    return "discrete"


def children(el: ET.Element, tag: str) -> list[ET.Element]:
    """The direct children of ``el`` named ``tag`` (GENIUS's ``SimpleElement.getChildByTagName``)."""
    return [c for c in el if c.tag == tag]


def _tree_children(root: ET.Element, tag: str) -> list[ET.Element]:
    """The ``tag`` children of the root, its ``<utility_space>`` and its nested ``<objective>`` elements,
    in document order: where GENIUS looks for issues and weights (never inside an issue)."""
    found: list[ET.Element] = []

    def walk(el: ET.Element) -> None:
        for c in el:
            if c.tag == tag:
                found.append(c)
            elif c.tag in ("objective", "utility_space"):
                walk(c)

    walk(root)
    return found


def issue_elements(root: ET.Element) -> list[ET.Element]:
    """The ``<issue>`` elements of a domain or profile, as GENIUS finds them (issues inside issues, or
    inside any other element, are not issues)."""
    return _tree_children(root, "issue")


def weight_elements(root: ET.Element) -> list[ET.Element]:
    """The ``<weight>`` elements of a profile: direct children of the objective tree."""
    return _tree_children(root, "weight")


# ----------------------------------------------------------------------------------------------
# Domain
# ----------------------------------------------------------------------------------------------


def domain_from_element(
    root: ET.Element, file: object, real_steps: int = DEFAULT_REAL_STEPS
) -> tuple[list[Issue], list[int]]:
    """Issues of a parsed domain (``<negotiation_template>``) and their GENIUS indices.

    Issues are the direct ``<issue>`` children of the objective tree, in document order (nested
    objectives are flattened); values are an issue's direct ``<item>`` children.
    """
    if not 1 <= real_steps <= MAX_ISSUE_VALUES:
        raise InputError(
            str(file), "real_steps", f"1 to {MAX_ISSUE_VALUES:,} points per real issue", real_steps
        )
    issues: list[Issue] = []
    indices: list[int] = []
    for pos, el in enumerate(issue_elements(root)):
        name = el.get("name")
        where = f"issue {name!r}" if name else f"issue #{pos + 1}"
        if not name:
            raise InputError(str(file), where, "a name attribute")
        raw_index = el.get("index")
        index = _integer(raw_index, file, f"{where} index") if raw_index is not None else pos + 1
        kind = _issue_type(el)
        if kind == "discrete":
            values = []
            for item in children(el, "item"):
                v = item.get("value")
                if v is None:
                    raise InputError(str(file), f"{where} item", "a value attribute")
                values.append(v)
            if not values:
                raise InputError(str(file), where, "at least one <item>")
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:  # GENIUS evaluates a value by its name: a value listed twice is one value
                warn(file, where, f"values listed twice, kept once: {twice[:8]}")
                values = list(dict.fromkeys(values))
            issues.append(Issue.categorical(name, values))
        elif kind == "integer":
            # GENIUS (DomainImpl) reads an integer issue's bounds from its own attributes, never <range>.
            bounds = "an integer attribute of the <issue> (GENIUS reads no <range> for integer issues)"
            lo = _integer(el.get("lowerbound"), file, f"{where} lowerbound", bounds)
            hi = _integer(el.get("upperbound"), file, f"{where} upperbound", bounds)
            if hi < lo:
                raise InputError(str(file), f"{where} upperbound", f"at least lowerbound {lo}", hi)
            if hi - lo + 1 > MAX_ISSUE_VALUES:
                raise InputError(
                    str(file),
                    f"{where} upperbound",
                    f"at most {MAX_ISSUE_VALUES:,} values (upperbound - lowerbound + 1)",
                    hi - lo + 1,
                )
            issues.append(Issue.integer(name, lo, hi))
        elif kind == "real":
            rng = el.find("range")
            src = rng if rng is not None else el
            lo_f = _number(src.get("lowerbound"), file, f"{where} range lowerbound")
            hi_f = _number(src.get("upperbound"), file, f"{where} range upperbound")
            if hi_f < lo_f:
                raise InputError(str(file), f"{where} range upperbound", f"at least {lo_f}", hi_f)
            issues.append(Issue.real(name, lo_f, hi_f, real_steps))
        else:
            raise InputError(str(file), f"{where} type", "discrete, integer or real", kind)
        indices.append(index)
    if not issues:
        raise InputError(str(file), "issue", "at least one <issue>")
    return issues, indices


def read_genius_domain(path: str | Path, real_steps: int = DEFAULT_REAL_STEPS) -> list[Issue]:
    """Issues of a GENIUS domain file.

    A real issue (a continuous range in GENIUS) is discretised into ``real_steps`` evenly spaced
    points, both ends included (default 11).
    """
    root = read_xml(path)
    if root.tag != "negotiation_template":
        raise InputError(str(path), "root", "<negotiation_template> (a GENIUS domain)", f"<{root.tag}>")
    return domain_from_element(root, path, real_steps)[0]


# ----------------------------------------------------------------------------------------------
# Profile
# ----------------------------------------------------------------------------------------------


#: Below this largest evaluation GENIUS scores every value of a discrete issue 0 (``EvaluatorDiscrete.normalize``).
GENIUS_MIN_MAX_EVALUATION = 0.00001


def _java_double(text: str) -> float | None:
    """``text`` read as Java's ``Double.valueOf`` reads a decimal (surrounding blanks and a d/f suffix
    allowed); None when it is not a finite number."""
    t = text.strip()
    if t[-1:] in ("d", "D", "f", "F"):
        t = t[:-1]
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _discrete_scores(el: ET.Element, issue: Issue, file: object, where: str) -> np.ndarray:
    """Scores of a discrete issue, as ``EvaluatorDiscrete`` computes them.

    Direct ``<item>`` children only (the last item of a value wins, as in GENIUS's map); each
    evaluation is divided by the largest evaluation of the issue, whether or not it exceeds 1. Items
    naming a value the domain lacks are skipped with a warning (they still count for the largest
    evaluation, as in GENIUS). A value without a usable evaluation is an InputError: GENIUS fails
    (NullPointerException) on every bid holding it.
    """
    raw: dict[str, float] = {}
    absent: list[str] = []
    for item in children(el, "item"):
        v = item.get("value")
        if v is None:
            raise InputError(str(file), f"{where} item", "a value attribute")
        text = item.get("evaluation")
        if text is None or text.strip() == "null":
            continue
        x = _java_double(text)
        if x is None:
            warn(file, f"{where} item {v!r} evaluation", f"expected a number, got {text!r}; item skipped")
            continue
        raw[v] = x
        try:
            issue.index_of(v)
        except KeyError:
            absent.append(v)
    if absent:
        warn(file, where, f"values not in the domain skipped: {absent[:8]}")
    ev = np.full(issue.size, np.nan)
    for v, x in raw.items():
        with contextlib.suppress(KeyError):
            ev[issue.index_of(v)] = x
    missing = [issue.values[i] for i in np.flatnonzero(np.isnan(ev))]
    if missing:
        raise InputError(
            str(file),
            where,
            "an <item> with a numeric evaluation for every value of the domain "
            "(GENIUS cannot evaluate a bid holding the others either)",
            missing[:8],
        )
    top = max(raw.values())
    if top < GENIUS_MIN_MAX_EVALUATION:
        return np.zeros(issue.size)
    return ev / top


def _evaluator_scores(el: ET.Element, ev: ET.Element, issue: Issue, file: object, where: str) -> np.ndarray:
    def param(*names: str) -> float:
        for n in names:
            if ev.get(n) is not None:
                return _number(ev.get(n), file, f"{where} evaluator {n}")
        raise InputError(str(file), f"{where} evaluator", f"attribute {names[0]}")

    if issue.kind == "integer":
        low_attr = el.get("lowerbound")
        lower = _integer(low_attr, file, f"{where} lowerbound") if low_attr is not None else issue.lower
        slope = param("slope", "parameter1")
        offset = param("offset", "parameter0")
        return np.clip(slope * (issue.numeric - float(lower)) + offset, 0.0, 1.0)
    ftype = (ev.get("ftype") or "").strip().lower()
    x = issue.numeric
    if ftype == "linear":
        return np.clip(param("parameter1") * x + param("parameter0"), 0.0, 1.0)
    if ftype == "constant":
        return np.full(issue.size, param("parameter0"))
    if ftype == "triangular":
        lo, hi, top = param("parameter0"), param("parameter1"), param("parameter2")
        with np.errstate(divide="ignore", invalid="ignore"):
            up = (x - lo) / (top - lo)
            down = 1.0 - (x - top) / (hi - top)
        return np.where(x < lo, 0.0, np.where(x < top, up, np.where(x < hi, down, 0.0)))
    raise InputError(str(file), f"{where} evaluator ftype", "linear, constant or triangular", ftype)


def discount_factor(root: ET.Element, file: object) -> float:
    """A profile's ``discount_factor``: 1 when absent, or, with a warning, outside (0, 1]."""
    discount = optional_number(root, "discount_factor", file)
    if discount is None:
        return 1.0
    if not 0.0 < discount <= 1.0:
        warn(file, "discount_factor", f"{discount} is outside (0, 1]; using 1")
        return 1.0
    return discount


def optional_number(root: ET.Element, tag: str, file: object) -> float | None:
    """The ``value`` of the first ``tag`` element, None when absent or not a number (with a warning)."""
    el = root.find(f".//{tag}")
    if el is None or el.get("value") is None:
        return None
    text = el.get("value")
    try:
        x = float(text)  # type: ignore[arg-type]
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        default = 1 if tag == "discount_factor" else 0
        warn(file, tag, f"expected a number, got {text!r}; using {default}")
        return None
    return x


def check_linear_profile(root: ET.Element, file: object) -> None:
    """InputError for a GENIUS profile that is not linear-additive: ``constraint`` and ``custom`` spaces
    are not supported; ``nonlinear`` ones (ANAC 2014's hyper-rectangles) are read by
    :func:`accord.io.genius_nonlinear.nonlinear_profile_from_element` (``load_folder`` does)."""
    kind = (root.get("type") or "").strip().lower()
    if kind == "nonlinear":
        raise InputError(
            str(file),
            "utility_space type",
            "a linear-additive profile here (read nonlinear ones with accord.io.folder.load_folder)",
            root.get("type"),
        )
    if kind in NONLINEAR_TYPES:
        raise InputError(
            str(file),
            "utility_space type",
            "a linear-additive or nonlinear profile (GENIUS constraint and custom utility spaces, with "
            "their own Java code, are not supported)",
            root.get("type"),
        )


def profile_from_element(
    root: ET.Element,
    file: object,
    space: OutcomeSpace,
    issue_indices: Sequence[int] | None = None,
) -> Preferences:
    """Preferences from a parsed ``<utility_space>`` profile over ``space``.

    Profile issues are matched to the space's issues by name, else by GENIUS index
    (``issue_indices``, default 1..n in order). Weights are matched by the profile issue's index.
    """
    check_linear_profile(root, file)
    indices = list(issue_indices) if issue_indices is not None else list(range(1, len(space.issues) + 1))
    elements = issue_elements(root)
    by_name: dict[str, int] = {}
    for j, el in enumerate(elements):
        by_name.setdefault(el.get("name") or "", j)
    by_index: dict[str, int] = {}
    for j, el in enumerate(elements):
        by_index.setdefault((el.get("index") or "").strip(), j)
    weights_by_index: dict[int, tuple[str | None, ET.Element]] = {}
    for w in weight_elements(root):
        raw = w.get("index")
        if raw is None:
            continue
        weights_by_index.setdefault(_integer(raw, file, "weight index"), (w.get("value"), w))

    used: set[int] = set()
    weights = np.empty(len(space.issues))
    scores: list[np.ndarray] = []
    for k, issue in enumerate(space.issues):
        where = f"issue {issue.name!r}"
        j = by_name.get(issue.name)
        if j is None or j in used:
            j = by_index.get(str(indices[k]))
        if j is None or j in used:
            raise InputError(str(file), where, "an <issue> for every issue of the domain")
        used.add(j)
        el = elements[j]
        raw_index = el.get("index")
        w_index = _integer(raw_index, file, f"{where} index") if raw_index is not None else indices[k]
        if w_index not in weights_by_index:
            raise InputError(str(file), f"weight index={w_index}", f"a <weight> for issue {issue.name!r}")
        weights[k] = _number(weights_by_index[w_index][0], file, f"weight index={w_index} value")
        evaluator = el.find("evaluator")
        if evaluator is not None and issue.kind in ("integer", "real"):
            scores.append(_evaluator_scores(el, evaluator, issue, file, where))
        elif children(el, "item"):
            scores.append(_discrete_scores(el, issue, file, where))
        elif issue.kind == "integer":
            warn(file, where, "integer issue without <evaluator>; GENIUS evaluates it as 0")
            scores.append(np.zeros(issue.size))
        else:
            raise InputError(
                str(file), where, "<item> evaluations or an <evaluator> (GENIUS cannot evaluate it either)"
            )
    extra = [elements[j].get("name") for j in range(len(elements)) if j not in used]
    if extra:
        raise InputError(str(file), "issue", f"an issue of the domain {list(space.names)}", extra[0])

    discount = discount_factor(root, file)
    reservation = optional_number(root, "reservation", file)
    # GENIUS's AdditiveUtilitySpace.getUtility returns min(sum, 1): a cap only where it can bind
    top = sum(float(np.max(w * s)) for w, s in zip(weights, scores, strict=True))
    return Preferences(
        space,
        weights,
        tuple(scores),
        reservation=0.0 if reservation is None else reservation,
        discount=discount,
        cap=1.0 if top > 1.0 else None,
    )


def read_genius_profile(
    path: str | Path, space: OutcomeSpace, issue_indices: Sequence[int] | None = None
) -> Preferences:
    """Preferences of a GENIUS profile (``<utility_space>``) over the domain's ``space``."""
    root = read_xml(path)
    if root.tag != "utility_space":
        raise InputError(str(path), "root", "<utility_space> (a GENIUS profile)", f"<{root.tag}>")
    return profile_from_element(root, path, space, issue_indices)
