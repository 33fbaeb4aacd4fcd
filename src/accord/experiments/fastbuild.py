"""Scenarios for drawn values without re-reading the document: patch the nominal scenario's arrays.

Most uncertain numbers are plain numbers the scenario builder copies into arrays: a weight, an entry of
a score table, a walk-away value, a discount factor, a term's value, the deadline, a party's default
strategy. For those, a run's scenario is the nominal scenario with those entries replaced, built in a
few microseconds instead of validating and building the whole document again. Anything else (a score
*function*'s parameter, a block of tracks or implementation, a path absent from the document) takes the
full path, :func:`accord.io.yaml_scenario.scenario_from_dict`.

The patch is checked against the full build when it is set up (one set of drawn values, every array and
setting compared exactly); if they differ in any way, the patch is not used. Invalid values (a negative
weight, a discount of 0) also take the full path, which reports them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from accord.experiments.params import Path

__all__ = ["Patcher"]

_SCORE_FUNCTIONS = ("linear", "triangular", "piecewise", "constant")


def _num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


class Patcher:
    """Builds the scenario of a set of drawn values from a template (the nominal scenario), or says it cannot."""

    def __init__(self, doc: Mapping[str, Any], template: Any) -> None:
        self.doc = doc
        self.template = template
        self.names = template.party_names
        self.ok = True
        self.checked: set[frozenset[Path]] = set()
        self.talks_template: Any = None  # the nominal TalksScenario when the scenario has talks
        self._kinds: dict[Path, str | None] = {}

    # ---------------------------------------------------------------------------------------- classify
    def kind(self, path: Path) -> str | None:
        """What a path sets, if the patch can set it: weight, score, reservation, discount, term, deadline, strategy."""
        if path not in self._kinds:
            self._kinds[path] = self._kind(path)
        return self._kinds[path]

    def _kind(self, path: Path) -> str | None:
        doc = self.doc
        if path == ("protocol", "deadline"):
            return "deadline"
        if len(path) < 3 or path[0] != "parties" or path[1] not in self.names:
            return None
        party = doc.get("parties", {}).get(path[1], {})
        field = path[2]
        if len(path) == 3 and field in ("reservation", "discount", "strategy") and field in party:
            return field
        if len(path) == 4 and field == "weights" and path[3] in party.get("weights", {}):
            return "weight" if path[3] in party.get("scores", {}) else None
        if len(path) == 5 and field == "scores":
            table = party.get("scores", {}).get(path[3])
            if isinstance(table, Mapping) and not set(table) & set(_SCORE_FUNCTIONS) and path[4] in table:
                return "score"
        if len(path) == 5 and field == "terms" and path[4] == "value" and isinstance(path[3], int):
            return "term"
        return None

    def can(self, paths: list[Path]) -> bool:
        return self.ok and all(self.kind(p) is not None for p in paths)

    # ------------------------------------------------------------------------------------------- build
    def build(self, values: Mapping[Path, object]) -> Any | None:
        """The scenario with ``values`` set, or None when a value needs the full path (e.g. it is invalid)."""
        from accord.model.preferences import Preferences, Term
        from accord.model.scenario import Party, Protocol

        sc = self.template
        space = sc.space
        per_party: dict[str, dict[Path, object]] = {}
        deadline = sc.protocol.deadline
        for path, v in values.items():
            kind = self.kind(path)
            if kind == "deadline":
                if not (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
                    return None
                deadline = v
            else:
                per_party.setdefault(str(path[1]), {})[path] = v
        parties = list(sc.parties)
        for name, vals in per_party.items():
            i = self.names.index(name)
            old = parties[i]
            pr = old.preferences
            w = np.array(pr.weights, dtype=np.float64)
            scores = [np.array(s, dtype=np.float64) for s in pr.scores]
            terms = list(pr.terms)
            disc, strategy, res = pr.discount, old.strategy, None
            for path, v in vals.items():
                kind = self.kind(path)
                if kind == "strategy":
                    if not isinstance(v, str):
                        return None
                    strategy = v
                    continue
                if not _num(v):
                    return None
                x = float(v)  # type: ignore[arg-type]
                if kind == "weight":
                    if x < 0:
                        return None
                    w[space.issue_position(str(path[3]))] = x
                elif kind == "score":
                    k = space.issue_position(str(path[3]))
                    iss = space.issues[k]
                    label = str(path[4]) if iss.kind in ("categorical", "ordinal") else path[4]
                    try:
                        scores[k][iss.index_of(label)] = x
                    except KeyError:
                        return None
                elif kind == "term":
                    j = int(path[3])
                    if not 0 <= j < len(terms):
                        return None
                    terms[j] = Term(terms[j].condition, x, terms[j].note)
                elif kind == "discount":
                    if not 0 < x <= 1:
                        return None
                    disc = x
                elif kind == "reservation":
                    res = x
            prefs = Preferences(space, w, tuple(scores), tuple(terms), pr.constraints, 0.0, disc, pr.flags)
            if res is None:
                res = self._reservation(name, prefs, pr.reservation)
            parties[i] = Party(old.name, prefs.with_reservation(float(res)), strategy, old.description)
        proto = sc.protocol if deadline == sc.protocol.deadline else Protocol(deadline, sc.protocol.opener)
        return replace(sc, parties=tuple(parties), protocol=proto)

    def _reservation(self, name: str, prefs: Any, nominal: float) -> float:
        """A walk-away value written as a status-quo outcome moves with the preferences; a number stays."""
        spec = self.doc.get("parties", {}).get(name, {}).get("reservation")
        if isinstance(spec, Mapping) and isinstance(spec.get("outcome"), Mapping):
            space = prefs.space
            labels = {
                k: (str(v) if space.issue(k).kind in ("categorical", "ordinal") else v)
                for k, v in spec["outcome"].items()
            }
            return float(prefs.evaluate(np.int64(space.index(labels))))
        return nominal

    # ------------------------------------------------------------------------------------------- check
    def verify(self, values: Mapping[Path, object], full: Any) -> bool:
        """True if the patch gives exactly the scenario the full build gave for ``values``; else disables it."""
        try:
            mine = self.build(values)
            same = mine is not None and _same(mine, full)
        except (KeyError, ValueError, TypeError, IndexError):
            same = False
        self.ok = bool(same)
        return self.ok


def _same(a: Any, b: Any) -> bool:
    if a.party_names != b.party_names or a.protocol != b.protocol or a.space.names != b.space.names:
        return False
    ca, cb = a.compile(), b.compile()
    if not (np.array_equal(ca.utilities, cb.utilities) and np.array_equal(ca.acceptable, cb.acceptable)):
        return False
    if not (np.array_equal(ca.reservations, cb.reservations) and np.array_equal(ca.discounts, cb.discounts)):
        return False
    return all(p.strategy == q.strategy for p, q in zip(a.parties, b.parties, strict=True))
