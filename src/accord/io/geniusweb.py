"""GeniusWeb JSON domains and LinearAdditiveUtilitySpace profiles (ANAC 2020-2023, ANL): reading and writing.

Format (shared/reference/formats.md §1.2; GeniusWeb ``geniusweb.issuevalue`` and
``geniusweb.profile.utilityspace``):

- domain: ``{"name", "issuesValues": {issue: {"values": [...]} | {"range": {"low", "high", "step"}}}}``;
  a range holds ``low, low + step, ...`` up to ``high`` (computed in exact decimals);
- profile: ``{"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights", "domain", "name",
  "reservationBid"?}}``; value-set utilities under ``discreteutils``/``DiscreteValueSetUtilities``
  (a utility per value, used as is) or ``numberutils``/``NumberValueSetUtilities`` (linear
  interpolation between (lowValue, lowUtility) and (highValue, highUtility), 0 outside that range,
  computed in decimals and rounded half-up to 8 places as GeniusWeb does);
- the reservation value is the utility of ``reservationBid`` (0 without one); there is no discount.

GeniusWeb sums utilities in exact decimals; we sum in float64 (differences of a few ulps).
"""

from __future__ import annotations

import json
import warnings
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

from accord.errors import InputError
from accord.io.genius import MAX_ISSUE_VALUES, FormatWarning, warn
from accord.io.genius_writer import _prepare, check_linear_additive, safe_stem
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Scenario
from accord.model.space import OutcomeSpace

__all__ = [
    "EXACT_RESERVATION_KEY",
    "read_geniusweb_domain",
    "read_geniusweb_profile",
    "write_geniusweb",
    "read_json",
    "domain_from_json",
    "profile_from_json",
]

SPACE_KEY = "LinearAdditiveUtilitySpace"
#: Extra key (inside the LinearAdditiveUtilitySpace object) holding accord's exact reservation value.
EXACT_RESERVATION_KEY = "accordReservationValue"
#: Extra key holding a utility cap (GENIUS's min(sum, 1), docs/formats.md): GeniusWeb itself has none.
CAP_KEY = "accordUtilityCap"
_DISCRETE_KEYS = ("DiscreteValueSetUtilities", "discreteutils")
_NUMBER_KEYS = ("NumberValueSetUtilities", "numberutils")
_EIGHT = Decimal("1.00000000")


def read_json(path: str | Path) -> object:
    """Parse a JSON file (numbers as Decimal, so GeniusWeb's decimal arithmetic can be followed)."""
    from accord.yaml_dialect import MAX_DEPTH, read_text

    path = Path(path)
    text = read_text(path, "GeniusWeb JSON file")
    depth = deepest = 0
    for ch in text:  # nesting checked before parsing: the parser recurses once per level
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(str(path), None, f"JSON nested at most {MAX_DEPTH} deep", f"{deepest} levels")
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"line {exc.lineno}", "valid JSON", exc.msg) from None
    except (RecursionError, ValueError) as exc:  # ValueError: an integer of more than 4,300 digits
        raise InputError(str(path), None, "valid JSON of ordinary size", type(exc).__name__) from None


#: Largest magnitude of a number read (utilities, weights, bounds): beyond it sums and products of
#: utilities overflow floating point, which would make every utility infinite.
_MAX_MAGNITUDE = Decimal("1e15")


def _dec(x: object, file: object, field: str) -> Decimal:
    d: Decimal | None = None
    if isinstance(x, Decimal) and x.is_finite():
        d = x
    elif isinstance(x, int | float) and not isinstance(x, bool):
        d = Decimal(repr(x))
    if d is None or not d.is_finite():
        raise InputError(str(file), field, "a number", x)
    if abs(d) > _MAX_MAGNITUDE:
        raise InputError(str(file), field, "a number of magnitude at most 1e15", str(d)[:40])
    return d


def _obj(x: object, file: object, field: str, expected: str) -> dict:
    if not isinstance(x, dict):
        raise InputError(str(file), field, expected, x)
    return x


def domain_from_json(data: object, file: object) -> list[Issue]:
    """Issues of a GeniusWeb domain object ``{"name", "issuesValues": {...}}`` (issue order as written)."""
    d = _obj(data, file, None, 'a GeniusWeb domain object {"name", "issuesValues"}')
    iv = _obj(d.get("issuesValues"), file, "issuesValues", "an object {issue: {values | range}}")
    if not iv:
        raise InputError(str(file), "issuesValues", "at least one issue")
    issues = []
    for name, spec in iv.items():
        where = f"issuesValues.{name}"
        spec = _obj(spec, file, where, 'an object {"values": [...]} or {"range": {...}}')
        if "values" in spec:
            vals = spec["values"]
            if not isinstance(vals, list) or not vals or not all(isinstance(v, str) for v in vals):
                raise InputError(str(file), f"{where}.values", "a non-empty list of strings", vals)
            issues.append(Issue.categorical(name, vals))
        elif "range" in spec:
            r = _obj(spec["range"], file, f"{where}.range", 'an object {"low", "high", "step"}')
            low, high, step = (_dec(r.get(k), file, f"{where}.range.{k}") for k in ("low", "high", "step"))
            if step <= 0 or high < low:
                raise InputError(str(file), f"{where}.range", "step > 0 and high >= low", r)
            n = int((high - low) // step) + 1
            if n > MAX_ISSUE_VALUES:
                raise InputError(
                    str(file),
                    f"{where}.range",
                    f"at most {MAX_ISSUE_VALUES:,} values ((high - low) / step + 1)",
                    n,
                )
            dvals = [low + i * step for i in range(n)]
            if all(v == v.to_integral_value() for v in (low, high, step)):
                issues.append(Issue(name, "integer", tuple(int(v) for v in dvals), float(low), float(high)))
            else:
                issues.append(Issue(name, "real", tuple(float(v) for v in dvals), float(low), float(high)))
        else:
            raise InputError(str(file), where, 'an object {"values": [...]} or {"range": {...}}', spec)
    return issues


def read_geniusweb_domain(path: str | Path) -> list[Issue]:
    """Issues of a GeniusWeb domain file."""
    return domain_from_json(read_json(path), path)


def _number_scores(u: dict, issue: Issue, file: object, where: str) -> np.ndarray:
    lv, lu, hv, hu = (
        _dec(u.get(k), file, f"{where}.{k}") for k in ("lowValue", "lowUtility", "highValue", "highUtility")
    )
    if hv <= lv:
        raise InputError(str(file), f"{where}.highValue", f"a number above lowValue {lv}", hv)
    if issue.kind not in ("integer", "real"):
        raise InputError(str(file), where, f"value utilities for the discrete issue {issue.name!r}")
    out = np.zeros(issue.size)
    for k, v in enumerate(issue.values):
        x = Decimal(v) if isinstance(v, int) else Decimal(repr(float(v)))
        if lv <= x <= hv:
            out[k] = float((lu + (hu - lu) * (x - lv) / (hv - lv)).quantize(_EIGHT, rounding=ROUND_HALF_UP))
    return out


def _value_scores(u: dict, issue: Issue, file: object, where: str) -> np.ndarray:
    vu = _obj(u.get("valueUtilities"), file, f"{where}.valueUtilities", "an object {value: utility}")
    out = np.full(issue.size, np.nan)
    for v, x in vu.items():
        try:
            k = issue.index_of(v)
        except KeyError:
            raise InputError(
                str(file), f"{where}.valueUtilities", f"a value of {list(issue.values)[:12]}", v
            ) from None
        out[k] = float(_dec(x, file, f"{where}.valueUtilities.{v}"))
    missing = np.isnan(out)
    if missing.any():
        warn(file, where, f"no utility for {[issue.values[i] for i in np.flatnonzero(missing)]}; using 0")
        out[missing] = 0.0
    return out


def profile_from_json(data: object, file: object, space: OutcomeSpace | None = None) -> Preferences:
    """Preferences of a GeniusWeb LinearAdditiveUtilitySpace profile object.

    ``space`` defaults to the domain embedded in the profile. The reservation value is the exact
    number under ``accordReservationValue`` if present (written by :func:`write_geniusweb`), else the
    utility of ``reservationBid``, else 0.
    """
    top = _obj(data, file, None, f'a GeniusWeb profile object {{"{SPACE_KEY}": ...}}')
    if SPACE_KEY not in top:
        raise InputError(
            str(file),
            None,
            f"a {SPACE_KEY} profile (other GeniusWeb profile kinds are not supported)",
            list(top)[:3],
        )
    p = _obj(top[SPACE_KEY], file, SPACE_KEY, "an object")
    if space is None:
        space = OutcomeSpace(domain_from_json(p.get("domain"), file))
    utils = _obj(p.get("issueUtilities"), file, "issueUtilities", "an object {issue: utilities}")
    wts = _obj(p.get("issueWeights"), file, "issueWeights", "an object {issue: weight}")
    for key in list(utils) + list(wts):
        if key not in space.names:
            raise InputError(
                str(file), f"issueUtilities/issueWeights.{key}", f"an issue of the domain {list(space.names)}"
            )
    weights = np.empty(len(space.issues))
    scores = []
    for k, issue in enumerate(space.issues):
        where = f"issueUtilities.{issue.name}"
        if issue.name not in wts:
            raise InputError(str(file), f"issueWeights.{issue.name}", "a weight for every issue")
        weights[k] = float(_dec(wts[issue.name], file, f"issueWeights.{issue.name}"))
        u = _obj(utils.get(issue.name), file, where, "utilities for every issue")
        dkey = next((kk for kk in _DISCRETE_KEYS if kk in u), None)
        nkey = next((kk for kk in _NUMBER_KEYS if kk in u), None)
        if dkey is not None:
            scores.append(
                _value_scores(
                    _obj(u[dkey], file, f"{where}.{dkey}", "an object"), issue, file, f"{where}.{dkey}"
                )
            )
        elif nkey is not None:
            scores.append(
                _number_scores(
                    _obj(u[nkey], file, f"{where}.{nkey}", "an object"), issue, file, f"{where}.{nkey}"
                )
            )
        else:
            raise InputError(str(file), where, f"one of {list(_DISCRETE_KEYS + _NUMBER_KEYS)}", list(u)[:3])
    cap = float(_dec(p[CAP_KEY], file, CAP_KEY)) if CAP_KEY in p else None
    prefs = Preferences(space, weights, tuple(scores), cap=cap)
    if EXACT_RESERVATION_KEY in p:
        return prefs.with_reservation(float(_dec(p[EXACT_RESERVATION_KEY], file, EXACT_RESERVATION_KEY)))
    bid = p.get("reservationBid")
    if bid is None:
        return prefs
    b = _obj(bid, file, "reservationBid", 'an object {"issuevalues": {...}}')
    values = _obj(b.get("issuevalues"), file, "reservationBid.issuevalues", "an object {issue: value}")
    values = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
    idx = space.index(values, file=str(file), field="reservationBid.issuevalues")
    return prefs.with_reservation(float(prefs.evaluate(idx)))


def read_geniusweb_profile(path: str | Path, space: OutcomeSpace | None = None) -> Preferences:
    """Preferences of a GeniusWeb profile file (``space`` defaults to the embedded domain)."""
    return profile_from_json(read_json(path), path, space)


def _label(v: object) -> str:
    return repr(v) if isinstance(v, float) else str(v)


def write_geniusweb(
    scenario: Scenario, folder: str | Path, overwrite: bool = False, exact_reservation: bool = True
) -> list[Path]:
    """Write ``scenario`` as GeniusWeb JSON: ``domain.json`` plus ``<party>.json`` per party.

    Every issue is written as a discrete value set (numeric values labelled ``str(value)``) with
    ``DiscreteValueSetUtilities``, so utilities survive bit for bit. GeniusWeb has no reservation
    value, only a ``reservationBid``: we write the outcome whose utility is the smallest at or above
    the reservation value, which keeps the set of acceptable outcomes but raises the number itself
    to that outcome's utility (none is written when the reservation is ≤ 0; the best outcome when it
    is above every utility). With ``exact_reservation`` the exact number is also stored under
    ``accordReservationValue``, which our reader prefers; strict GeniusWeb parsers may reject the
    unknown key, so turn it off for files meant for GeniusWeb itself. Discount factors are dropped
    (GeniusWeb has deadlines only), with a :class:`FormatWarning`. Linear-additive only.
    """
    folder = Path(folder)
    out = str(folder)
    check_linear_additive(scenario, out, "GeniusWeb JSON")
    space, parties = scenario.space, scenario.parties
    stems = [safe_stem(p.name, out) for p in parties]
    _prepare(folder, ".json", overwrite)
    domain = {
        "name": scenario.name,
        "issuesValues": {iss.name: {"values": [_label(v) for v in iss.values]} for iss in space.issues},
    }
    domain_stem = "domain"
    while domain_stem in stems:
        domain_stem += "_"
    paths = [folder / f"{domain_stem}.json"]
    _dump(domain, paths[0])
    for p, stem in zip(parties, stems, strict=True):
        prefs = p.preferences
        if prefs.discount != 1.0:
            warnings.warn(
                FormatWarning(
                    f"{out}: parties.{p.name}.discount: GeniusWeb has no discount factor; {prefs.discount} dropped"
                ),
                stacklevel=2,
            )
        body: dict[str, object] = {
            "issueUtilities": {
                iss.name: {
                    "DiscreteValueSetUtilities": {
                        "valueUtilities": {_label(v): float(s) for v, s in zip(iss.values, sc, strict=True)}
                    }
                }
                for iss, sc in zip(space.issues, prefs.scores, strict=True)
            },
            "issueWeights": {iss.name: float(w) for iss, w in zip(space.issues, prefs.weights, strict=True)},
            "domain": domain,
            "name": p.name,
        }
        if prefs.reservation > 0.0:
            u = prefs.evaluate_all()
            above = np.flatnonzero(u >= prefs.reservation)
            best = int(above[np.argmin(u[above])]) if above.size else int(np.argmax(u))
            body["reservationBid"] = {"issuevalues": {k: _label(v) for k, v in space.outcome(best).items()}}
        if exact_reservation:
            body[EXACT_RESERVATION_KEY] = float(prefs.reservation)
        if prefs.cap is not None:
            body[CAP_KEY] = float(prefs.cap)
        paths.append(folder / f"{stem}.json")
        _dump({SPACE_KEY: body}, paths[-1])
    return paths


def _dump(obj: object, path: Path) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
