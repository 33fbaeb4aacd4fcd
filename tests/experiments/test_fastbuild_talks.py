"""Patched talks scenarios equal, field by field, the scenario built in full from the drawn document.

Reference: :func:`accord.io.talks.talks_from_document` (or :func:`accord.io.yaml_scenario.
scenario_from_dict` for a plain scenario) on the document with the drawn values written in, the path every
scenario file takes. The comparison below is the test's own: every dataclass field, arrays and floats bit
for bit (0.0 and -0.0 differ), expressions by their text, mappings in key order.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from accord.errors import InputError
from accord.experiments import params as P
from accord.experiments.fastbuild import _BASE_KINDS, Patcher, same_talks
from accord.io.talks import talks_from_document
from accord.io.yaml_scenario import read_document, scenario_from_dict
from accord.model.expr import Expression
from accord.model.space import OutcomeSpace

from .conftest import HANOI, TOY

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def full_build(doc: Mapping, file: str = "doc.yaml") -> object:
    if any(doc.get(k) is not None for k in ("tracks", "private", "implementation")):
        return talks_from_document(doc, file)
    return scenario_from_dict(doc, file)


def assert_same(a: object, b: object, where: str = "scenario") -> None:
    """Field by field, exactly."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), where
    elif isinstance(a, Expression):
        assert (a.text, a.flags_used, a.issues_used) == (b.text, b.flags_used, b.issues_used), where
        assert a.space.issues == b.space.issues, where
    elif isinstance(a, OutcomeSpace):
        assert a.issues == b.issues, where
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            if f.compare:
                assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, Mapping):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert a == b and math.copysign(1, a) == math.copysign(1, b), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ------------------------------------------------------------------------- every number made uncertain
PROBABILITIES = {"beliefs", "probability", "p_true", "p_false", "above", "inspection_rate"}
PROBABILITIES |= {"detection_probability", "breakdown_risk"}
NON_NEGATIVE = {"weights", "audience_cost", "inspection_cost", "nuisance_cost", "share"}
ANY_NUMBER = {"value", "reservation", "min_utility", "prestige", "offset"}
WHOLE = {"rounds", "deadline"}


def _field(path: tuple, doc: Mapping) -> str | None:
    """The schema field a number sits in (None: not a number the test makes uncertain)."""
    if any(p in ("forecast", "outcome", "status_quo", "irreversible", "at") for p in path):
        return None
    if path[0] == "parties" and len(path) >= 3:
        party = doc["parties"][path[1]]
        if path[2] == "weights":
            return "weights" if path[3] in party.get("scores", {}) else None
        if path[2] == "scores":
            table = party["scores"][path[3]]
            functions = {"linear", "triangular", "piecewise", "constant"}
            return "scores" if len(path) == 5 and not set(table) & functions else None
        if path[2] == "discount":
            return "discount"
    for p in (path[-1], path[-2] if len(path) > 1 else None):
        if p in PROBABILITIES | NON_NEGATIVE | ANY_NUMBER | WHOLE:
            return str(p)
    return None


def _distribution(field: str, x: float) -> dict:
    if field in WHOLE:
        return {"choice": [int(x), int(x) + 1, int(x) + 2]}
    if field == "discount":
        return {"triangular": [x - 0.2, x, x]}
    if field in PROBABILITIES:
        return {"uniform": [max(0.0, x - 0.15), min(1.0, x + 0.15)]}
    if field in NON_NEGATIVE:
        return {"uniform": [max(0.0, x - 0.1), x + 0.1]}
    return {"uniform": [x - 0.1, x + 0.1]}


def every_number_uncertain(doc: dict) -> tuple[dict, int]:
    """The document with every number of a patchable field replaced by a distribution around it."""
    out = copy.deepcopy(doc)
    count = 0

    def walk(node: object, path: tuple) -> None:
        nonlocal count
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in list(items):
            here = (*path, k)
            if not path and k in ("issues", "sources", "history", "notes", "variants", "format_version"):
                continue
            if isinstance(v, int | float) and not isinstance(v, bool):
                field = _field(here, out)
                if field is not None:
                    node[k] = _distribution(field, v)  # type: ignore[index]
                    count += 1
            else:
                walk(v, here)

    walk(out, ())
    return out, count


def check_draws(doc: dict, seeds: range, file: str = "doc.yaml") -> int:
    """Patched == full for each seed; returns the number of uncertain values per run."""
    unc = P.find_uncertain(doc)
    patcher = Patcher(doc, full_build(P.nominal_document(doc, unc), file))
    assert patcher.can([u.path for u in unc]), [u.name for u in unc if patcher.kind(u.path) is None]
    for seed in seeds:
        values, _ = P.sample_values(doc, unc, seed)
        mine = patcher.scenario(values)
        full = full_build(P.set_paths(doc, values), file)
        assert mine is not None
        assert_same(mine, full, f"seed {seed}")
        assert patcher.verify(values, full)
    return len(unc)


# ---------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("variant", P.variants_of(read_document(HANOI)))
def test_hanoi_draws_patch_exactly(variant):
    doc = P.apply_variant(read_document(HANOI), variant)
    n = check_draws(doc, range(12))
    assert n >= 15  # the file's own distributions (the working level's rounds drop out with its stage)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_of_every_scenario_patches_exactly(path):
    raw = read_document(path)
    for variant in P.variants_of(raw):
        nominal = P.apply_variant(P.nominal_document(raw), variant)
        nominal["protocol"].setdefault("breakdown_risk", 0.05)  # the plain protocol's risk drawn too
        doc, count = every_number_uncertain(nominal)
        assert isinstance(doc["protocol"]["breakdown_risk"], dict)
        assert count > 10
        assert check_draws(doc, range(4), str(path)) == count


def toy_with_facts() -> dict:
    """A plain scenario with a private fact and no tracks: its one stage is the foundation protocol."""
    import yaml

    doc = yaml.safe_load(TOY)
    doc["private"] = {
        "facts": {"hidden": {"true_value": True, "beliefs": {"buyer": {"uniform": [0.2, 0.9]}}}}
    }
    doc["parties"]["buyer"]["terms"] = [
        {"when": "hidden and warranty == none", "value": {"uniform": [-0.3, 0]}}
    ]
    doc["parties"]["seller"]["strategy"] = {"choice": ["boulware", "conceder", "linear"]}
    doc["implementation"] = {
        "schedule": [
            {"seller": "warranty = two_years", "buyer": {"do": "price = mid", "detection_probability": 0.4}}
        ],
        "verification": {
            "inspection_rate": {"uniform": [0.1, 0.9]},
            "inspection_cost": {"uniform": [0, 0.1]},
        },
    }
    doc["implementation"]["schedule"][0]["buyer"]["detection_probability"] = {"beta": [2, 5]}
    doc["protocol"]["breakdown_risk"] = {"uniform": [0.0, 0.3]}
    return doc


def test_the_single_stage_follows_deadline_risk_and_strategies():
    doc = toy_with_facts()
    assert check_draws(doc, range(15)) == 13  # 6 in the toy, 7 added here
    unc = P.find_uncertain(doc)
    patcher = Patcher(doc, full_build(P.nominal_document(doc, unc)))
    runs = [
        (P.sample_values(doc, unc, s)[0], patcher.scenario(P.sample_values(doc, unc, s)[0]))
        for s in range(15)
    ]
    assert {ts.stages[0].rounds for _, ts in runs} == {3, 5, 8}
    assert all(ts.stages[0].breakdown_risk == v[("protocol", "breakdown_risk")] for v, ts in runs)
    assert len({ts.stages[0].breakdown_risk for _, ts in runs}) == 15


def test_the_patch_applies_to_the_base_and_talks_templates_alike():
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    ts = full_build(P.nominal_document(doc, unc))
    old_style = Patcher(doc, ts.scenario)
    old_style.talks_template = ts
    values, _ = P.sample_values(doc, unc, 7)
    assert same_talks(old_style.scenario(values), Patcher(doc, ts).scenario(values))
    # build() gives base scenarios only: with talks values it leaves the run to the full path
    assert old_style.build(values) is None
    base_only = {p: v for p, v in values.items() if p[0] == "parties"}
    assert old_style.build(base_only) is not None


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("private", "facts", "undeclared_sites_exist", "beliefs", "usa"), 1.2, "beliefs"),
        (("private", "signals", 0, "p_false"), float("nan"), "p_false"),
        (("tracks", 0, "rounds"), 2.5, "rounds"),
        (("tracks", 0, "rounds"), True, "rounds"),
        (("tracks", 0, "rounds"), 0, "rounds"),
        (("tracks", 1, "stakes", "usa", "audience_cost"), -0.1, "audience_cost"),
        (("implementation", "verification", "inspection_rate", "dprk"), 1.5, "inspection_rate"),
        (
            ("implementation", "schedule", 3, "dprk", 1, "detection_probability"),
            "high",
            "detection_probability",
        ),
    ],
)
def test_invalid_values_take_the_full_path_which_reports_them(path, value, field):
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    patcher = Patcher(doc, full_build(P.nominal_document(doc, unc)))
    values, _ = P.sample_values(doc, unc, 3)
    values[path] = value
    assert patcher.can(list(values))
    assert patcher.scenario(values) is None
    with pytest.raises(InputError) as err:
        full_build(P.set_paths(doc, values))
    assert field in str(err.value.field)


def test_what_the_patch_leaves_to_the_full_build():
    doc = P.apply_variant(read_document(HANOI), "base")
    patcher = Patcher(doc, full_build(P.nominal_document(doc)))
    for path in [
        ("tracks", 0, "name"),
        ("tracks", 0, "agenda", 0),
        ("tracks", 7, "rounds"),
        ("private", "facts", "undeclared_sites_exist", "true_value"),
        ("private", "facts", "nonexistent", "beliefs", "usa"),
        ("private", "facts", "undeclared_sites_exist", "beliefs", "dprk"),  # dprk knows the truth
        ("private", "signals", 0, "when"),
        ("implementation", "status_quo", "yongbyon"),
        ("implementation", "threat", "components", 0, "at"),
        ("implementation", "schedule", 3, "dprk", 0, "detection_probability"),  # a plain `issue = value`
        ("variants", "phased_verified", "implementation", "verification", "inspection_rate", "dprk"),
    ]:
        assert patcher.kind(path) is None, path
    assert patcher.kind(("implementation", "schedule", 3, "dprk", 1, "detection_probability")) == "action"
    plain = Patcher(doc, full_build(P.nominal_document(doc)).scenario)  # no talks template: base paths only
    assert plain.kind(("tracks", 0, "rounds")) is None


def test_a_patch_that_disagrees_with_the_full_build_is_switched_off():
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    patcher = Patcher(doc, full_build(P.nominal_document(doc, unc)))
    one, _ = P.sample_values(doc, unc, 1)
    two, _ = P.sample_values(doc, unc, 2)
    assert not patcher.verify(one, full_build(P.set_paths(doc, two)))
    assert not patcher.can(list(one))


def test_same_talks_sees_one_number_deep_in_the_implementation():
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    values, _ = P.sample_values(doc, unc, 4)
    a = full_build(P.set_paths(doc, values))
    b = full_build(P.set_paths(doc, values))
    assert same_talks(a, b)
    impl = b.implementation
    step = impl.steps[3]
    act = dataclasses.replace(
        step.actions[1], detection_probability=step.actions[1].detection_probability + 1e-12
    )
    steps = (*impl.steps[:3], dataclasses.replace(step, actions=(step.actions[0], act, *step.actions[2:])))
    steps += impl.steps[4:]
    assert not same_talks(a, dataclasses.replace(b, implementation=dataclasses.replace(impl, steps=steps)))
    zero = dataclasses.replace(b.stages[1], stakes={**b.stages[1].stakes})
    assert same_talks(a, dataclasses.replace(b, stages=(b.stages[0], zero)))


def test_fields_no_scenario_file_draws():
    doc = P.apply_variant(read_document(HANOI), "base")
    doc["private"]["facts"]["leak"] = {"probability": {"uniform": [0.2, 0.8]}, "beliefs": {"dprk": 0.5}}
    doc["private"]["demands"][0]["above"] = {"uniform": [0.4, 0.6]}
    doc["private"]["signals"][1]["p_true"] = {"beta": [3, 7]}
    doc["tracks"][0]["mandates"]["usa"]["min_utility"] = {"uniform": [0.2, 0.4]}
    doc["tracks"][1]["stakes"]["dprk"]["prestige"] = {"normal": [0.05, 0.02]}
    doc["implementation"]["verification"]["nuisance_cost"] = {"uniform": [0.0, 0.05]}
    doc["implementation"]["schedule"][3]["inspection_rate"]["dprk"] = {"uniform": [0.8, 1.0]}
    doc["implementation"]["threat"]["components"][2]["share"] = {"uniform": [0.2, 0.4]}
    assert check_draws(doc, range(10)) == 17 + 4 + 8  # the file's 17, its 4 failure priors, the 8 above


def test_without_the_document_only_the_document_differs():
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    template = full_build(P.nominal_document(doc, unc))
    patcher = Patcher(doc, template)
    values, _ = P.sample_values(doc, unc, 9)
    lean = patcher.scenario(values, document=False)
    assert lean.document is template.document
    assert_same(
        dataclasses.replace(lean, document=P.set_paths(doc, values)), full_build(P.set_paths(doc, values))
    )


def _object_by_object(patcher: Patcher, values: dict) -> object:
    """The scenario :meth:`Patcher._base` and :meth:`Patcher._talks` build, one object at a time (the
    route the generated plan of a set of paths replaces)."""
    specs = [patcher._spec(p) for p in values]
    items = list(zip(specs, values.values(), strict=True))
    sc = patcher._base([it for it in items if it[0][0] in _BASE_KINDS])
    if sc is None or patcher.talks_template is None:
        return sc
    doc = P.set_paths(patcher.doc, values)
    return patcher._talks(sc, [it for it in items if it[0][0] not in _BASE_KINDS], doc)


_BAD = [-0.5, 1.5, -0.0, 0.0, 1.0, 2, 0, 3.5, math.nan, math.inf, -math.inf, True, "x", None, 10**400, 7]


@pytest.mark.parametrize("variant", ["base", "walk_away"])
def test_generated_plans_build_what_the_object_by_object_route_builds(variant):
    """For Hanoi's paths: the generated plan is used, and for drawn values and for values of every type
    and edge (negative, above 1, -0.0, NaN, infinite, bool, text, fractional counts) it gives what the
    object-by-object route gives: the same scenario field by field, or None (the full path) alike."""
    doc = P.apply_variant(read_document(HANOI), variant)
    unc = P.find_uncertain(doc)
    patcher = Patcher(doc, full_build(P.nominal_document(doc, unc)))
    for seed in range(20):
        values, _ = P.sample_values(doc, unc, seed)
        assert patcher._plan(tuple(values))[4] is not None
        assert_same(patcher.scenario(values), _object_by_object(patcher, values), f"seed {seed}")
    for u in unc:
        for bad in _BAD:
            values = {**P.sample_values(doc, unc, 1)[0], u.path: bad}
            try:
                ref = _object_by_object(patcher, values)
            except OverflowError:
                with pytest.raises(OverflowError):
                    patcher.scenario(values)
                continue
            got = patcher.scenario(values)
            assert (got is None) == (ref is None), (u.name, bad)
            if ref is not None:
                assert_same(got, ref, f"{u.name}={bad!r}")


def test_generated_plans_of_plain_scenarios_and_other_path_sets():
    """A plain scenario (no talks), a subset of the paths, one path, no path: plan and object-by-object
    route agree; a set of paths where one lies inside another takes no plan."""
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    ts = full_build(P.nominal_document(doc, unc))
    plain = Patcher(doc, ts.scenario)
    talks = Patcher(doc, ts)
    base_paths = [u.path for u in unc if u.path[0] == "parties"]
    values, _ = P.sample_values(doc, unc, 3)
    for patcher, keys in ((plain, base_paths), (talks, base_paths), (talks, list(values)[9:]), (talks, [])):
        for k in range(len(keys) + 1):
            sub = {p: values[p] for p in keys[:k]}
            assert_same(patcher.scenario(sub), _object_by_object(patcher, sub), f"{len(sub)} paths")
    assert plain.scenario({}) is ts.scenario
    assert plain._compile([("weight", "usa", 0), ("weight", "usa", 0)]) is None  # the same field twice
