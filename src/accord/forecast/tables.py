"""Stakeholder (actor) tables: CSV, long-form CSV and YAML, with per-issue scales.

The policy-forecasting community works from a flat table, one row per stakeholder, with capability
(clout, power, influence), position on a bounded issue scale and salience in [0, 1] (Bueno de Mesquita
1994; Scholz, Calbert & Smith 2011; the KTAB and DECIDE tools, see docs/models/forecasting.md).

Accepted inputs
- Wide CSV: header ``Actor,Capability,Position,Salience`` (case-insensitive; ``stakeholder``/``name`` for
  actor, ``clout``/``power``/``influence`` for capability). Lines starting with ``#`` are comments.
- Long CSV: the same plus an ``Issue`` column, one row per actor and issue.
- Directive comments declare scales: ``# scale: 0 .. 100`` (or ``# scale ISSUE: 0 .. 100``) and anchors
  ``# anchor: 75 = lifting civilian sanctions`` (or ``# anchor ISSUE: ...``); ``# salience: 0 .. 100``
  says saliences are written on 0-100 and are divided by 100.
- YAML: ``{name, issues: {ISSUE: {scale: [lo, hi], anchors: {value: label}}}, actors: [{actor, capability,
  position, salience[, issue]}]}``; the same mapping under a ``stakeholders:`` key of a scenario file.
- Any number may be a distribution (see ``accord.forecast.distributions``).
Other columns (sources, notes, basis) are kept as row notes and do not enter the models.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.forecast.distributions import Distribution, DistributionSpecError, parse_distribution

COLUMNS = ("actor", "capability", "position", "salience")
ALIASES = {
    "actor": "actor", "stakeholder": "actor", "name": "actor", "player": "actor",
    "capability": "capability", "capabilities": "capability", "clout": "capability", "power": "capability",
    "influence": "capability",
    "position": "position", "salience": "salience", "issue": "issue", "dimension": "issue",
}  # fmt: skip
QUANTITIES = ("capability", "position", "salience")
#: Most rows an actor table may hold (the forecasting models are quadratic in the number of actors).
MAX_ROWS = 2_000
DEFAULT_ISSUE = "issue"
_DIRECTIVE = re.compile(r"^#\s*(scale|anchor|salience)(?:\s+([^:\s]+))?\s*:\s*(.*)$", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(\S+)\s*(?:\.\.|,|to)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Scale:
    """The declared range of an issue (``None`` ends when undeclared) and labelled anchor points."""

    lo: float | None = None
    hi: float | None = None
    anchors: tuple[tuple[float, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.lo, "max": self.hi, "anchors": {f"{v:g}": t for v, t in self.anchors}}


@dataclass(frozen=True)
class IssueData:
    """One issue's actors and arrays: what the one-dimensional models take."""

    name: str
    actors: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    scale: Scale = Scale()

    @property
    def weight(self) -> np.ndarray:
        """Effective power c·s of each actor."""
        return self.capability * self.salience


@dataclass(frozen=True)
class ActorTable:
    """Actors × issues. Arrays have shape (issues, actors); ``present`` marks who takes part in each issue.

    ``distributions`` maps (quantity, issue index, actor index) to the distribution of an uncertain cell;
    the arrays hold the nominal values.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    present: np.ndarray
    scales: tuple[Scale, ...]
    distributions: Mapping[tuple[str, int, int], Distribution] = field(default_factory=dict)
    file: str | None = None
    name: str | None = None
    notes: tuple[dict[str, str], ...] = ()

    def issue_index(self, issue: str | None) -> int:
        if issue is None:
            if len(self.issues) != 1:
                raise InputError(
                    self.file, "issue", f"one of {', '.join(self.issues)} (the table has several)"
                )
            return 0
        if issue not in self.issues:
            raise InputError(self.file, "issue", f"one of {', '.join(self.issues)}", issue)
        return self.issues.index(issue)

    def issue_data(self, issue: str | int | None = None) -> IssueData:
        """The actors taking part in one issue with their nominal (or current) values."""
        d = issue if isinstance(issue, int) else self.issue_index(issue)
        m = self.present[d]
        return IssueData(
            self.issues[d],
            tuple(a for a, p in zip(self.actors, m, strict=True) if p),
            self.capability[d, m].copy(),
            self.position[d, m].copy(),
            self.salience[d, m].copy(),
            self.scales[d],
        )

    def with_values(self, capability: np.ndarray, position: np.ndarray, salience: np.ndarray) -> ActorTable:
        """The same table with other numbers (one Monte Carlo draw, one sensitivity perturbation)."""
        return replace(self, capability=capability, position=position, salience=salience)

    def scale_range(self, d: int) -> tuple[float, float]:
        """The declared scale of issue ``d``, else the range of the positions on it."""
        s = self.scales[d]
        xs = self.position[d, self.present[d]]
        lo = s.lo if s.lo is not None else float(xs.min())
        hi = s.hi if s.hi is not None else float(xs.max())
        return lo, hi


def read_table(path: str | Path) -> ActorTable:
    """Read an actor table from a ``.csv`` / ``.tsv`` / ``.txt`` or ``.yaml`` / ``.yml`` file."""
    from accord.yaml_dialect import parse, read_text

    p = Path(path)
    if not p.exists():
        raise InputError(str(path), None, "an existing actor table file (.csv or .yaml)", "no such file")
    text = read_text(p, "actor table file")
    if p.suffix.lower() in (".yaml", ".yml"):
        data, _node = parse(text, str(path))
        if isinstance(data, dict) and "stakeholders" in data:
            return table_from_mapping(data["stakeholders"], str(path), "stakeholders")
        return table_from_mapping(data, str(path))
    return parse_csv(text, str(path), delimiter="\t" if p.suffix.lower() == ".tsv" else ",")


# --------------------------------------------------------------------------------------------- CSV


def parse_csv(text: str, file: str | None = None, delimiter: str = ",") -> ActorTable:
    """Parse a wide or long actor table from CSV text (see the module docstring for the format)."""
    scales: dict[str | None, dict[str, Any]] = {}
    sal_div = 1.0
    data_lines: list[int] = []  # first physical line of each data row

    def records_of_lines() -> Any:
        """Physical lines fed to the CSV reader; comment and blank lines only between records."""
        nonlocal sal_div
        inside = False  # within a quoted field that spans lines
        for no, raw in enumerate(text.splitlines(keepends=True), start=1):
            s = raw.strip()
            if not inside:
                if not s:
                    continue
                if s.startswith("#"):
                    m = _DIRECTIVE.match(s)
                    if m:
                        sal_div = _directive(m, scales, sal_div, file, no)
                    continue
                data_lines.append(no)
            if raw.count('"') % 2 == 1:
                inside = not inside
            yield raw

    reader = csv.reader(records_of_lines(), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise InputError(file, None, f"an actor table of at most {MAX_ROWS:,} rows")
    except csv.Error as exc:
        no = data_lines[-1] if data_lines else 1
        what = (
            f"cells of at most {csv.field_size_limit():,} characters"
            if "field limit" in str(exc)
            else "well-formed CSV (every quoted cell closed by a quote)"
        )
        raise InputError(file, f"row {no}", what, str(exc)) from None
    if not rows:
        raise InputError(file, "row 1", "a header row actor,capability,position,salience", "an empty table")
    header_no = data_lines[0]
    header = [h.strip() for h in rows[0]]
    cols: dict[str, int] = {}
    for k, h in enumerate(header):
        key = ALIASES.get(h.lower())
        if key is not None and key not in cols:
            cols[key] = k
    for c in COLUMNS:
        if c not in cols:
            raise InputError(
                file, f"row {header_no}, column {c}", f"a column named {c!r} in the header", header
            )
    records = []
    for no, row in zip(data_lines[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in row):
            continue
        rec: dict[str, Any] = {"_row": f"row {no}", "_sep": ", column "}
        for k, h in enumerate(header):
            key = ALIASES.get(h.lower(), h)
            if cols.get(key, k) != k:
                key = h
            rec[key] = row[k].strip() if k < len(row) else ""
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise InputError(file, f"row {no}", f"{len(header)} cells like the header", len(row))
        records.append(rec)
    return _build(records, file, scales, sal_div, long_form="issue" in cols)


def _directive(m: re.Match[str], scales: dict, sal_div: float, file: str | None, no: int) -> float:
    kind, issue, rest = m.group(1).lower(), m.group(2), m.group(3).strip()
    entry = scales.setdefault(issue, {"anchors": []})
    if kind == "anchor":
        am = re.match(r"^(\S+)\s*=\s*(.+)$", rest)
        if am is None or _float(am.group(1)) is None:
            raise InputError(file, f"row {no}, anchor", "'# anchor: VALUE = label'", rest)
        entry["anchors"].append((_float(am.group(1)), am.group(2).strip()))
        return sal_div
    rm = _RANGE.match(rest)
    lo, hi = (_float(rm.group(1)), _float(rm.group(2))) if rm else (None, None)
    if lo is None or hi is None or not lo < hi:
        raise InputError(file, f"row {no}, {kind}", f"'# {kind}: LOW .. HIGH' with LOW < HIGH", rest)
    if kind == "salience":
        if lo != 0:
            raise InputError(file, f"row {no}, salience", "a salience range starting at 0", rest)
        return hi
    entry["lo"], entry["hi"] = lo, hi
    return sal_div


def _float(s: str) -> float | None:
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# -------------------------------------------------------------------------------------------- YAML


def table_from_mapping(data: object, file: str | None = None, where: str = "") -> ActorTable:
    """Build a table from parsed YAML/JSON: ``{name?, issues?, actors: [...]}`` (see module docstring).

    ``where`` prefixes field names in error messages (e.g. ``stakeholders`` inside a scenario file).
    """
    pre = f"{where}." if where else ""
    if not isinstance(data, dict):
        raise InputError(file, where or None, "a mapping with an 'actors' list", type(data).__name__)
    unknown = set(data) - {"name", "issues", "actors", "sources", "description", "notes"}
    if unknown:
        raise InputError(
            file, f"{pre}{sorted(unknown)[0]}", "only name, description, issues, actors, sources, notes"
        )
    actors = data.get("actors")
    if not isinstance(actors, list) or not actors:
        raise InputError(file, f"{pre}actors", "a non-empty list of {actor, capability, position, salience}")
    if len(actors) > MAX_ROWS:
        raise InputError(file, f"{pre}actors", f"at most {MAX_ROWS:,} rows", f"{len(actors):,} rows")
    scales: dict[str | None, dict[str, Any]] = {}
    issues = data.get("issues") or {}
    if not isinstance(issues, dict):
        raise InputError(file, f"{pre}issues", "a mapping issue -> {scale: [low, high], anchors: {...}}")
    for name, spec in issues.items():
        scales[str(name)] = _yaml_scale(spec, file, f"{pre}issues.{name}")
    records = []
    long_form = any(isinstance(a, dict) and "issue" in a for a in actors)
    for k, a in enumerate(actors):
        if not isinstance(a, dict):
            raise InputError(
                file, f"{pre}actors[{k}]", "a mapping {actor, capability, position, salience}", a
            )
        rec = {str(key).lower(): v for key, v in a.items()}
        rec = {ALIASES.get(key, key): v for key, v in rec.items()}
        rec["_row"], rec["_sep"] = f"{pre}actors[{k}]", "."
        records.append(rec)
    table = _build(records, file, scales, 1.0, long_form=long_form)
    return replace(table, name=str(data["name"]) if data.get("name") is not None else None)


def _yaml_scale(spec: object, file: str | None, field_: str) -> dict[str, Any]:
    out: dict[str, Any] = {"anchors": []}
    if spec is None:
        return out
    if not isinstance(spec, dict):
        raise InputError(file, field_, "a mapping {scale: [low, high], anchors: {value: label}}", spec)
    sc = spec.get("scale")
    if sc is not None:
        ok = isinstance(sc, list) and len(sc) == 2 and all(isinstance(v, int | float) for v in sc)
        if not ok or not sc[0] < sc[1]:
            raise InputError(file, f"{field_}.scale", "[low, high] with low < high", sc)
        out["lo"], out["hi"] = float(sc[0]), float(sc[1])
    anchors = spec.get("anchors") or {}
    if not isinstance(anchors, dict):
        raise InputError(file, f"{field_}.anchors", "a mapping value -> label", anchors)
    for v, label in anchors.items():
        fv = _float(str(v))
        if fv is None:
            raise InputError(file, f"{field_}.anchors", "numeric anchor values", v)
        out["anchors"].append((fv, str(label)))
    return out


# ------------------------------------------------------------------------------------------ common


def _build(
    records: Sequence[dict[str, Any]], file: str | None, scales: dict, sal_div: float, long_form: bool
) -> ActorTable:
    if not records:
        raise InputError(file, "rows", "at least one actor row", "none")
    actors: list[str] = []
    issues: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    cells: list[tuple[str, str, dict[str, Any]]] = []
    for rec in records:
        where = rec["_row"] + rec["_sep"]
        for c in COLUMNS + (("issue",) if long_form else ()):
            v = rec.get(c)
            if v is None or (isinstance(v, str) and not v.strip()):
                raise InputError(file, f"{where}{c}", f"a value in column {c!r}", "an empty cell")
        name = str(rec["actor"]).strip()
        issue = str(rec["issue"]).strip() if long_form else None
        key = (name, issue or "")
        if key in seen:
            what = f"actor {name!r} once per issue" if long_form else "each actor once"
            raise InputError(file, f"{where}actor", what, f"{name!r} again (first at {seen[key]})")
        seen[key] = rec["_row"]
        if name not in actors:
            actors.append(name)
        if issue is not None and issue not in issues:
            issues.append(issue)
        cells.append((name, issue or "", rec))
    named = [k for k in scales if k is not None]
    if not long_form:
        if len(named) > 1:
            raise InputError(file, "scale", "one issue in a table without an issue column", named)
        issues = [named[0] if named else DEFAULT_ISSUE]
    for key in named:
        if key not in issues:
            raise InputError(file, f"scale {key}", f"an issue of the table ({', '.join(issues)})", key)
    scale_objs = [_merge_scale(scales.get(None), scales.get(iss)) for iss in issues]
    m, n = len(issues), len(actors)
    arr = {q: np.zeros((m, n)) for q in QUANTITIES}
    present = np.zeros((m, n), dtype=bool)
    dists: dict[tuple[str, int, int], Distribution] = {}
    notes = []
    for name, issue, rec in cells:
        d = issues.index(issue) if long_form else 0
        a = actors.index(name)
        present[d, a] = True
        sc = scale_objs[d]
        domains = {
            "capability": (0.0, math.inf, "a number >= 0"),
            "salience": (0.0, 1.0 * sal_div, f"a number in [0, {sal_div:g}]"),
            "position": (
                sc.lo if sc.lo is not None else -math.inf,
                sc.hi if sc.hi is not None else math.inf,
                f"a number in the declared scale [{sc.lo:g}, {sc.hi:g}]" if sc.lo is not None else "a number",
            ),
        }
        for q in QUANTITIES:
            lo, hi, expected = domains[q]
            val, dist = _cell(rec[q], lo, hi, expected, file, rec["_row"] + rec["_sep"] + q)
            div = sal_div if q == "salience" else 1.0
            arr[q][d, a] = val / div
            if dist is not None:
                if div != 1.0:
                    dist = Distribution(dist.kind, tuple(p / div for p in dist.params), 0.0, 1.0)
                dists[(q, d, a)] = dist
        notes.append(
            {k: str(v) for k, v in rec.items() if k not in COLUMNS + ("issue",) and not k.startswith("_")}
        )
    for d, iss in enumerate(issues):
        w = arr["capability"][d] * arr["salience"][d] * present[d]
        if not (w > 0).any():
            raise InputError(file, f"issue {iss}", "at least one actor with capability > 0 and salience > 0")
    return ActorTable(
        tuple(actors), tuple(issues), arr["capability"], arr["position"], arr["salience"], present,
        tuple(scale_objs), dists, file, None, tuple(notes),
    )  # fmt: skip


def _merge_scale(default: dict | None, specific: dict | None) -> Scale:
    d, s = default or {}, specific or {}
    lo = s["lo"] if "lo" in s else d.get("lo")
    hi = s["hi"] if "hi" in s else d.get("hi")
    return Scale(lo, hi, tuple(sorted(s.get("anchors") or d.get("anchors") or [])))


def _cell(
    v: object, lo: float, hi: float, expected: str, file: str | None, where: str
) -> tuple[float, Distribution | None]:
    if isinstance(v, int | float) and not isinstance(v, bool):
        x = float(v)
    else:
        try:
            dist = parse_distribution(v, lo, hi)
        except DistributionSpecError as exc:
            raise InputError(file, where, f"{expected}, or a distribution: {exc}", v) from None
        if dist is not None:
            return dist.nominal, dist
        x = _float(str(v).strip()) if isinstance(v, str) else None
        if x is None:
            raise InputError(file, where, expected, v)
    if not (math.isfinite(x) and lo <= x <= hi):
        raise InputError(file, where, expected, v)
    return x, None
