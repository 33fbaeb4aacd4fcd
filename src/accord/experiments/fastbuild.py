"""Scenarios for drawn values without re-reading the document: patch the nominal scenario.

Most uncertain numbers are plain numbers the scenario builders copy into model objects: a weight, an entry
of a score table, a walk-away value, a discount factor, a term's value, the deadline and breakdown risk, a
party's default strategy; in the talks blocks a belief or a fact's probability, a signal's likelihoods, a
demand's threshold, a stage's rounds and breakdown risk, a mandate's floor, a leader's stakes, the
inspection rates, detection probabilities and costs of the implementation, a threat component's share. For
those, a run's scenario is the nominal one with those entries replaced (new objects only where something
changed, the rest shared), built in tens of microseconds instead of validating and building the whole
document again (:func:`accord.io.yaml_scenario.scenario_from_dict`,
:func:`accord.io.talks.talks_from_document`). Anything else (a score *function*'s parameter, a value label,
an expression, a path absent from the document) takes the full path.

The patch is checked against the full build the first time a set of paths is patched
(:meth:`Patcher.verify`: every field of every model object compared exactly, arrays bit for bit); if
they differ in any way, the patch is switched off. Invalid values (a negative weight, a probability
above 1, a fractional number of rounds) also take the full path, which reports them.

``values`` must set every uncertain number of the document (as :func:`accord.experiments.params.
sample_values` does): the full build cannot read a distribution, the patch starts from nominal values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from accord.experiments.params import Path, set_paths
from accord.experiments.patch_build import (
    _BASE_KINDS,
    _BOUNDS,
    _NO_PLAN,
    _NONNEG,
    _NUMBER,
    _PROTOCOL_KINDS,
    _RULES,
    _SCORE_FUNCTIONS,
    _action_index,
    _check,
    _compose,
    _doc_plan,
    _each_party,
    _Leaf,
    _protocol_with,
    _put,
    _Unsupported,
    _write,
)
from accord.experiments.patch_compare import _equal, same_scenario, same_talks

__all__ = ["Patcher", "same_scenario", "same_talks"]


def _copy(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` without running ``__init__`` again, for frozen model objects whose new
    values were checked here (a few hundred nanoseconds instead of several microseconds)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _mapping(node: object, key: object) -> Any:
    return node.get(key) if isinstance(node, Mapping) else None


class Patcher:
    """Builds the scenario of a set of drawn values from the nominal scenario, or says it cannot.

    ``template`` is the nominal scenario: a :class:`~accord.model.scenario.Scenario`, or a
    :class:`~accord.model.talks.TalksScenario` (then ``talks_template`` is it and ``template`` its base
    scenario). ``doc`` is the document with its distributions, ``values`` map paths to drawn numbers.
    """

    def __init__(self, doc: Mapping[str, Any], template: Any, talks_template: Any = None) -> None:
        if hasattr(template, "stages"):
            talks_template, template = template, template.scenario
        self.doc = doc
        self.template = template
        self.names = template.party_names
        self.ok = True
        self.checked: set[frozenset[Path]] = set()
        self._specs: dict[Path, tuple | None] = {}
        self._res: dict[str, tuple | None] = {}
        self._plans: dict[tuple[Path, ...], Any] = {}
        self.talks_template = talks_template

    @property
    def talks_template(self) -> Any:
        """The nominal TalksScenario when the scenario has talks (None for a plain scenario)."""
        return self._talks_template

    @talks_template.setter
    def talks_template(self, ts: Any) -> None:
        self._talks_template = ts
        self._specs.clear()
        self._plans.clear()

    # ---------------------------------------------------------------------------------------- classify
    def kind(self, path: Path) -> str | None:
        """What a path sets, if the patch can set it (``weight``, ``belief``, ``rounds``, ...), else None."""
        spec = self._spec(path)
        return None if spec is None else spec[0]

    def can(self, paths: list[Path]) -> bool:
        return self.ok and all(self._spec(p) is not None for p in paths)

    def _spec(self, path: Path) -> tuple | None:
        try:
            return self._specs[path]
        except KeyError:
            spec = self._specs[path] = self._base_spec(path) or self._talks_spec(path)
            return spec

    def _base_spec(self, path: Path) -> tuple | None:
        if path in _PROTOCOL_KINDS:
            return (_PROTOCOL_KINDS[path],)
        if len(path) < 3 or path[0] != "parties" or path[1] not in self.names:
            return None
        party = _mapping(self.doc.get("parties"), path[1])
        if not isinstance(party, Mapping):
            return None
        name, field, space = str(path[1]), path[2], self.template.space
        if len(path) == 3 and field in ("reservation", "discount", "strategy") and field in party:
            return (str(field), name)
        if len(path) == 4 and field == "reservation" and path[3] == "offset":
            spec = party.get("reservation")
            ok = isinstance(spec, Mapping) and isinstance(spec.get("outcome"), Mapping) and "offset" in spec
            return ("reservation_offset", name) if ok else None
        if len(path) == 4 and field == "weights" and path[3] in (party.get("weights") or {}):
            ok = path[3] in (party.get("scores") or {}) and path[3] in space.names
            return ("weight", name, space.issue_position(str(path[3]))) if ok else None
        if len(path) == 5 and field == "scores" and path[3] in space.names:
            table = _mapping(party.get("scores"), path[3])
            if isinstance(table, Mapping) and not set(table) & set(_SCORE_FUNCTIONS) and path[4] in table:
                k = space.issue_position(str(path[3]))
                iss = space.issues[k]
                try:
                    j = iss.index_of(str(path[4]) if iss.kind in ("categorical", "ordinal") else path[4])
                except KeyError:
                    return None
                return ("score", name, k, j)
        if len(path) == 5 and field == "terms" and path[4] == "value" and isinstance(path[3], int):
            terms = party.get("terms")
            pr = self.template.parties[self.names.index(name)].preferences
            if isinstance(terms, list) and 0 <= path[3] < min(len(terms), len(pr.terms)):
                return ("term", name, path[3])
        return None

    def _talks_spec(self, path: Path) -> tuple | None:  # noqa: C901, PLR0911, PLR0912 (one case per field)
        ts = self.talks_template
        if ts is None or len(path) < 3:
            return None
        head, n = path[0], len(path)
        block = self.doc.get(str(head))
        if head == "private" and isinstance(block, Mapping):
            priv = ts.private
            if path[1] == "facts" and path[2] in priv.names:
                fact = _mapping(block.get("facts"), path[2])
                f = priv.fact_index(str(path[2]))
                if n == 5 and path[3] == "beliefs" and path[4] in (_mapping(fact, "beliefs") or {}):
                    return ("belief", f, path[4]) if path[4] in priv.facts[f].beliefs else None
                if n == 4 and path[3] == "probability" and priv.facts[f].probability is not None:
                    return ("fact_probability", f)
            k = path[2]
            if n == 4 and path[1] == "signals" and isinstance(k, int) and 0 <= k < len(priv.signals):
                return ("signal", k, path[3]) if path[3] in ("p_true", "p_false") else None
            if n == 4 and path[1] == "demands" and isinstance(k, int) and 0 <= k < len(priv.demands):
                return ("demand", k) if path[3] == "above" else None
            return None
        if head == "tracks" and isinstance(block, list) and len(block) == len(ts.stages):
            k = path[1]
            if not (isinstance(k, int) and 0 <= k < len(block) and isinstance(block[k], Mapping)):
                return None
            stage = ts.stages[k]
            if n == 3 and path[2] == "rounds":
                return ("rounds", k)
            if n == 3 and path[2] == "breakdown_risk":
                return ("breakdown", k)
            if n == 5 and path[2] == "mandates" and path[4] == "min_utility" and path[3] in stage.mandates:
                return ("mandate", k, path[3])
            if n == 5 and path[2] == "stakes" and path[4] in ("audience_cost", "prestige"):
                return ("stakes", k, path[3], path[4]) if path[3] in stage.stakes else None
            return None
        impl = ts.implementation
        if head != "implementation" or impl is None or not isinstance(block, Mapping):
            return None
        if path[1] == "verification":
            field = path[2]
            if field in ("inspection_rate", "detection_probability"):
                if n == 3:
                    return ("verification_all", field)
                per = getattr(impl.verification, str(field))
                written = _mapping(block.get("verification"), field)
                if n == 4 and path[3] in per and isinstance(written, Mapping) and path[3] in written:
                    return ("verification_party", field, path[3])
            if n == 3 and field in ("inspection_cost", "nuisance_cost"):
                return ("verification_cost", field)
            return None
        if path[1] == "schedule" and isinstance(path[2], int):
            k = path[2]
            steps = block.get("schedule")
            if not (isinstance(steps, list) and 0 <= k < min(len(steps), len(impl.steps))):
                return None
            if n == 5 and path[3] == "inspection_rate" and path[4] in impl.steps[k].inspection_rate:
                return ("step_rate", k, path[4])
            if path[-1] == "detection_probability" and n in (5, 6):
                j = _action_index(steps[k], path[3], path[4] if n == 6 else None)
                acts = impl.steps[k].actions
                if j is not None and j < len(acts) and acts[j].party == path[3]:
                    return ("action", k, j)
            return None
        if path[1] == "threat" and n == 5 and path[2] == "components" and path[4] == "share":
            i = path[3]
            if isinstance(i, int) and 0 <= i < len(impl.threat):
                return ("threat_share", i)
        return None

    # ------------------------------------------------------------------------------------------- build
    def scenario(self, values: Mapping[Path, object], document: bool = True) -> Any | None:
        """The run's scenario: a TalksScenario when the template has talks, else a Scenario; None for the
        full path.

        A TalksScenario's ``document`` is the document with ``values`` written in, as the full build keeps
        it. ``document=False`` skips writing it (about 35 container copies for Hanoi's 17 values) and
        leaves the nominal document there: for callers that never read ``ts.document`` (the talks engines,
        the implementation and the metrics read the model objects; :mod:`accord.experiments.questions`
        reads the document).
        """
        plan = self._plan(tuple(values))
        if plan is None:
            return None
        specs, base_ix, talks_ix, doc_plan, fast = plan
        vals = list(values.values())
        ts = self.talks_template
        if fast is not None:
            if ts is None or not document:
                return fast(vals, None if ts is None else ts.document)
            doc = set_paths(self.doc, values) if doc_plan is None else _write(self.doc, doc_plan, vals)
            return fast(vals, doc)
        sc = self._base([(specs[i], vals[i]) for i in base_ix])
        if sc is None or ts is None:
            return sc
        if not document:
            doc = ts.document
        else:
            doc = set_paths(self.doc, values) if doc_plan is None else _write(self.doc, doc_plan, vals)
        return self._talks(sc, [(specs[i], vals[i]) for i in talks_ix], doc)

    def _plan(self, paths: tuple[Path, ...]) -> tuple | None:
        """Per set of paths (in order): their specs, which are base and talks paths, the document plan."""
        plan = self._plans.get(paths, _NO_PLAN)
        if plan is _NO_PLAN:
            if len(self._plans) > 64:
                self._plans.clear()
            specs = [self._spec(p) for p in paths]
            if None in specs:
                plan = None
            else:
                base = [i for i, s in enumerate(specs) if s[0] in _BASE_KINDS]  # type: ignore[index]
                talks = [i for i, s in enumerate(specs) if s[0] not in _BASE_KINDS]  # type: ignore[index]
                plan = (specs, base, talks, _doc_plan(paths), self._compile(specs))  # type: ignore[arg-type]
            self._plans[paths] = plan
        return plan

    def _compile(self, specs: list[tuple]) -> Callable[[list[object], Any], Any] | None:  # noqa: C901, PLR0912
        """The builder of one set of paths, or None where :meth:`_base`/:meth:`_talks` must do it.

        Every spec names one field deep in the model objects (``parties[i].preferences.weights[k]``,
        ``stages[k].stakes[party].prestige``, ...). The builder copies exactly the objects on the way to
        those fields, as :meth:`_base` and :meth:`_talks` do (the same containers, the same derived
        fields: a party's preferences and its walk-away value whenever the party is touched, the
        protocol when the deadline changes), but decides once per set of paths which objects, fields and
        checks, instead of once per run. ``builder(vals, document)`` takes the values in path order and
        the document to store on a talks scenario; it returns None when a value is invalid.
        """
        ts = self.talks_template
        if ts is None and not specs:
            return lambda vals, document: self.template
        has_base = any(s[0] in _BASE_KINDS for s in specs)
        if ts is not None and has_base and self.doc.get("tracks") is None:
            return None  # the single stage follows deadline and strategies: left to _talks
        edits: dict[Any, Any] = {}  # nested: model key -> sub-edits, or a leaf (_Leaf)
        posts: dict[tuple, tuple[str, int | None, int | None]] = {}  # preferences -> (party, value, offset)
        checks: list[tuple[int, float, float]] = []
        counts: list[int] = []
        texts: list[int] = []
        root: tuple = ("scenario",) if ts is not None else ()
        touched: dict[int, int | None] = {}  # party index -> index of its reservation value (or None)
        offsets: dict[int, int] = {}  # party index -> index of its walk-away offset
        for i, (kind, *a) in enumerate(specs):
            fn: Callable[[object], object] | None = None
            if kind in ("deadline", "rounds"):
                counts.append(i)
            elif kind == "strategy":
                texts.append(i)
            elif kind == "stakes":
                checks.append((i, *_BOUNDS[_NONNEG if a[2] == "audience_cost" else _NUMBER]))
            else:
                checks.append((i, *_BOUNDS[_RULES.get(kind, kind)]))
            if kind in _BASE_KINDS and kind not in ("deadline", "protocol_risk"):
                p = self.names.index(a[0])
                touched.setdefault(p, None)
                at: tuple = (*root, "parties", p)
                pref = (*at, "preferences")
                if kind == "reservation":
                    touched[p] = i
                    continue
                if kind == "reservation_offset":
                    offsets[p] = i
                    continue
                if kind == "strategy":
                    where = (*at, "strategy")
                elif kind == "weight":
                    where = (*pref, "weights", a[1])
                elif kind == "score":
                    where = (*pref, "scores", a[1], a[2])
                elif kind == "term":
                    where = (*pref, "terms", a[1], "value")
                else:  # discount
                    where = (*pref, "discount")
            elif kind in ("deadline", "protocol_risk"):
                where = (*root, "protocol", "deadline" if kind == "deadline" else "breakdown_risk")
            elif kind == "rounds":
                where = ("stages", a[0], "rounds")
            elif kind == "breakdown":
                where = ("stages", a[0], "breakdown_risk")
            elif kind == "belief":
                where = ("private", "facts", a[0], "beliefs", a[1])
            elif kind == "fact_probability":
                where = ("private", "facts", a[0], "probability")
            elif kind == "signal":
                where = ("private", "signals", a[0], a[1])
            elif kind == "demand":
                where = ("private", "demands", a[0], "above")
            elif kind == "mandate":
                where = ("stages", a[0], "mandates", a[1], "min_utility")
            elif kind == "stakes":
                where = ("stages", a[0], "stakes", a[1], a[2])
            elif kind == "verification_all":
                where = ("implementation", "verification", a[0])
                fn = _each_party(self.names)
            elif kind == "verification_party":
                where = ("implementation", "verification", a[0], a[1])
            elif kind == "verification_cost":
                where = ("implementation", "verification", a[0])
            elif kind == "step_rate":
                where = ("implementation", "steps", a[0], "inspection_rate", a[1])
            elif kind == "action":
                where = ("implementation", "steps", a[0], "actions", a[1], "detection_probability")
            elif kind == "threat_share":
                where = ("implementation", "threat", a[0], "share")
            else:
                return None
            if not _put(edits, where, _Leaf(i, fn)):
                return None
        for p, res in touched.items():
            pref = (*root, "parties", p, "preferences")
            node = edits
            for key in pref:
                node = node.setdefault(key, {})
                if not isinstance(node, dict):
                    return None
            posts[pref] = (self.names[p], res, offsets.get(p))
        root_obj = ts if ts is not None else self.template
        try:
            return _compose(root_obj, edits, posts, self._reservation, checks, counts, texts, ts is not None)
        except _Unsupported:
            return None

    def build(self, values: Mapping[Path, object]) -> Any | None:
        """The base scenario with ``values`` set; None when a value needs the full path (it is invalid, or
        it sets something the patch cannot), or when it sets a talks block (:meth:`scenario` does those)."""
        specs = [self._spec(p) for p in values]
        if any(s is None or s[0] not in _BASE_KINDS for s in specs):
            return None
        return self._base(list(zip(specs, values.values(), strict=True)))  # type: ignore[arg-type]

    def _base(self, items: list[tuple[tuple, object]]) -> Any | None:  # noqa: C901, PLR0912
        sc = self.template
        if not items:
            return sc
        deadline, risk = sc.protocol.deadline, sc.protocol.breakdown_risk
        by_party: dict[str, list[tuple[tuple, object]]] = {}
        for spec, v in items:
            if spec[0] == "deadline":
                if not (type(v) is int and v >= 1):
                    return None
                deadline = v
            elif spec[0] == "protocol_risk":
                if (risk := _check(v, _RULES[spec[0]])) is None:  # type: ignore[assignment]
                    return None
            else:
                by_party.setdefault(spec[1], []).append((spec, v))
        parties = list(sc.parties)
        for name, vals in by_party.items():
            i = self.names.index(name)
            old = parties[i]
            pr = old.preferences
            w: np.ndarray | None = None
            scores: list[np.ndarray] | None = None
            terms: list[Any] | None = None
            disc, strategy, res, off = pr.discount, old.strategy, None, None
            for spec, v in vals:
                kind = spec[0]
                if kind == "strategy":
                    if not isinstance(v, str):
                        return None
                    strategy = v
                    continue
                x = _check(v, _NUMBER)
                if x is None:
                    return None
                if kind == "weight":
                    if x < 0:
                        return None
                    if w is None:
                        w = pr.weights.copy()
                    w[spec[2]] = x
                elif kind == "score":
                    k = spec[2]
                    if scores is None:
                        scores = list(pr.scores)
                    if scores[k] is pr.scores[k]:
                        scores[k] = scores[k].copy()
                    scores[k][spec[3]] = x
                elif kind == "term":
                    j = spec[2]
                    if terms is None:
                        terms = list(pr.terms)
                    terms[j] = _copy(terms[j], value=x)
                elif kind == "discount":
                    if not 0 < x <= 1:
                        return None
                    disc = x
                elif kind == "reservation_offset":
                    off = x
                else:  # reservation
                    res = x
            changes: dict[str, Any] = {"discount": disc}
            if w is not None:
                changes["weights"] = _frozen(w)
            if scores is not None:
                changes["scores"] = tuple(
                    s if s is t else _frozen(s) for s, t in zip(scores, pr.scores, strict=True)
                )
            if terms is not None:
                changes["terms"] = tuple(terms)
            prefs = _copy(pr, **changes)
            prefs.__dict__["reservation"] = float(self._reservation(name, prefs, off) if res is None else res)
            parties[i] = _copy(old, preferences=prefs, strategy=strategy)
        return _copy(sc, parties=tuple(parties), protocol=_protocol_with(sc.protocol, deadline, risk))

    def _reservation(self, name: str, prefs: Any, offset: float | None = None) -> float:
        """A walk-away value written as a status-quo outcome moves with the preferences; a number stays.

        The utility of the outcome is summed in :meth:`Preferences.evaluate`'s order (issue by issue, then
        the terms) in Python floats, which round exactly as numpy's float64 does; then the outcome's
        ``offset`` is added (``offset``: a drawn one; None: the number written in the document).
        """
        if name not in self._res:
            self._res[name] = self._outcome_of(name)
        at = self._res[name]
        if at is None:
            return float(self.template.parties[self.names.index(name)].preferences.reservation)
        digits, conds = at
        w, s = prefs.weights.tolist(), prefs.scores
        u = w[0] * s[0].item(digits[0])
        for k in range(1, len(digits)):
            u = u + w[k] * s[k].item(digits[k])
        for t, c in zip(prefs.terms, conds, strict=True):
            u = u + t.value * (1.0 if c else 0.0)
        u = u if prefs.cap is None else min(u, prefs.cap)
        if offset is None:
            written = _mapping(_mapping(_mapping(self.doc.get("parties"), name), "reservation"), "offset")
            offset = (
                float(written) if isinstance(written, int | float) and not isinstance(written, bool) else 0.0
            )
        return float(u) + float(offset)

    def _outcome_of(self, name: str) -> tuple | None:
        spec = _mapping(_mapping(self.doc.get("parties"), name), "reservation")
        if not (isinstance(spec, Mapping) and isinstance(spec.get("outcome"), Mapping)):
            return None
        pr = self.template.parties[self.names.index(name)].preferences
        space = pr.space
        labels = {
            k: (str(v) if space.issue(k).kind in ("categorical", "ordinal") else v)
            for k, v in spec["outcome"].items()
        }
        digits = space.digits(np.int64(space.index(labels)))
        conds = tuple(bool(t.condition.evaluate_digits(digits, pr.flags)) for t in pr.terms)
        return tuple(int(d) for d in digits), conds

    def _talks(  # noqa: C901, PLR0912 (one case per field)
        self, sc: Any, items: list[tuple[tuple, object]], document: dict[str, Any]
    ) -> Any | None:
        ts = self.talks_template
        priv, impl = ts.private, ts.implementation
        lists: dict[str, list[Any]] = {}

        def edit(name: str, source: tuple) -> list[Any]:
            if name not in lists:
                lists[name] = list(source)
            return lists[name]

        ver: dict[str, Any] = {}
        for (kind, *a), v in items:
            if kind == "rounds":
                if not (type(v) is int and v >= 1):
                    return None
                stages = edit("stages", ts.stages)
                stages[a[0]] = _copy(stages[a[0]], rounds=v)
                continue
            rule = _RULES[kind] if kind != "stakes" else _NONNEG if a[2] == "audience_cost" else _NUMBER
            x = _check(v, rule)
            if x is None:
                return None
            if kind == "belief":
                facts = edit("facts", priv.facts)
                beliefs = dict(facts[a[0]].beliefs)
                beliefs[a[1]] = x
                facts[a[0]] = _copy(facts[a[0]], beliefs=beliefs)
            elif kind == "fact_probability":
                facts = edit("facts", priv.facts)
                facts[a[0]] = _copy(facts[a[0]], probability=x)
            elif kind == "signal":
                signals = edit("signals", priv.signals)
                signals[a[0]] = _copy(signals[a[0]], **{a[1]: x})
            elif kind == "demand":
                demands = edit("demands", priv.demands)
                demands[a[0]] = _copy(demands[a[0]], above=x)
            elif kind == "breakdown":
                stages = edit("stages", ts.stages)
                stages[a[0]] = _copy(stages[a[0]], breakdown_risk=x)
            elif kind in ("mandate", "stakes"):
                stages = edit("stages", ts.stages)
                attr = "mandates" if kind == "mandate" else "stakes"
                per = dict(getattr(stages[a[0]], attr))
                per[a[1]] = _copy(per[a[1]], **{"min_utility" if kind == "mandate" else a[2]: x})
                stages[a[0]] = _copy(stages[a[0]], **{attr: per})
            elif kind == "verification_all":
                ver[a[0]] = {n: x for n in sc.party_names}
            elif kind == "verification_party":
                per = dict(ver.get(a[0], getattr(impl.verification, a[0])))
                per[a[1]] = x
                ver[a[0]] = per
            elif kind == "verification_cost":
                ver[a[0]] = x
            elif kind == "step_rate":
                steps = edit("steps", impl.steps)
                rates = dict(steps[a[0]].inspection_rate)
                rates[a[1]] = x
                steps[a[0]] = _copy(steps[a[0]], inspection_rate=rates)
            elif kind == "action":
                steps = edit("steps", impl.steps)
                acts = list(steps[a[0]].actions)
                acts[a[1]] = _copy(acts[a[1]], detection_probability=x)
                steps[a[0]] = _copy(steps[a[0]], actions=tuple(acts))
            else:  # threat_share
                threat = edit("threat", impl.threat)
                threat[a[0]] = _copy(threat[a[0]], share=x)
        if sc is not self.template and self.doc.get("tracks") is None:
            # the foundation protocol as the single stage (accord.io.talks): its deadline, risk, strategies
            stages = edit("stages", ts.stages)
            pr, strategies = sc.protocol, {p.name: p.strategy for p in sc.parties if p.strategy}
            risk = pr.breakdown_risk
            stages[0] = _copy(stages[0], rounds=pr.deadline, strategies=strategies, breakdown_risk=risk)
        changes: dict[str, Any] = {"scenario": sc, "document": document}
        if "stages" in lists:
            changes["stages"] = tuple(lists["stages"])
        if {"facts", "signals", "demands"} & set(lists):
            changes["private"] = _copy(
                priv, **{k: tuple(lists[k]) for k in ("facts", "signals", "demands") if k in lists}
            )
        if ver or "steps" in lists or "threat" in lists:
            ic: dict[str, Any] = {k: tuple(lists[k]) for k in ("steps", "threat") if k in lists}
            if ver:
                ic["verification"] = _copy(impl.verification, **ver)
            changes["implementation"] = _copy(impl, **ic)
        return _copy(ts, **changes)

    # ------------------------------------------------------------------------------------------- check
    def verify(self, values: Mapping[Path, object], full: Any) -> bool:
        """True if the patch gives exactly the scenario the full build gave for ``values`` (every field of
        every object, arrays bit for bit; a Scenario or a TalksScenario); else switches the patch off."""
        try:
            mine = self.scenario(values)
            same = mine is not None and _equal(mine, full)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            same = False
        self.ok = bool(same)
        return self.ok
