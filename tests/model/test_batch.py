"""Batched compilation equals, bit for bit, stacking the per-run compilation.

References: :func:`accord.model.beliefs.compile_worlds` and :meth:`accord.model.scenario.Scenario.compile`
run on each scenario alone. Scenarios: draws of the Hanoi file (patched and built in full) and generated
documents with terms, constraints, terms and constraints on private facts, zero weights on negative scores
(products of -0.0), walk-away values given as outcomes, and batches mixing structures.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from accord.experiments import params as P
from accord.experiments.fastbuild import Patcher
from accord.io.talks import talks_from_document
from accord.io.yaml_scenario import read_document, scenario_from_dict
from accord.model.batch import compile_many, compile_worlds_many
from accord.model.beliefs import PrivateInfo, compile_worlds
from accord.model.preferences import Preferences, Term

HANOI = Path(__file__).resolve().parents[2] / "scenarios" / "hanoi-2019.yaml"


def assert_like_compile_worlds(scenarios, private):
    U, A, res = compile_worlds_many(scenarios, private)
    privs = private if isinstance(private, list) else [private] * len(scenarios)
    ref = [compile_worlds(sc, pr) for sc, pr in zip(scenarios, privs, strict=True)]
    U_ref = np.stack([r.utilities for r in ref])
    assert U.shape == U_ref.shape and U.dtype == np.float64
    assert U.tobytes() == U_ref.tobytes()  # bit for bit, the sign of zero included
    assert A.shape == U.shape and A.dtype == bool
    assert np.array_equal(A, np.stack([r.acceptable for r in ref]))
    assert res.tobytes() == np.stack([r.reservations for r in ref]).tobytes()
    assert not U.flags.writeable and not A.flags.writeable
    return U, A, res


def assert_like_compile(scenarios):
    U, A, res = compile_many(scenarios)
    ref = [sc.compile() for sc in scenarios]
    assert np.ascontiguousarray(U).tobytes() == np.stack([c.utilities for c in ref]).tobytes()
    assert np.array_equal(A, np.stack([c.acceptable for c in ref]))
    assert res.tobytes() == np.stack([c.reservations for c in ref]).tobytes()
    return U, A, res


# ------------------------------------------------------------------------------------------------ Hanoi
@pytest.fixture(scope="module")
def hanoi_runs():
    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    template = talks_from_document(P.nominal_document(doc, unc), "h")
    patcher = Patcher(doc, template)
    draws = [P.sample_values(doc, unc, s)[0] for s in range(40)]
    patched = [patcher.scenario(v) for v in draws]
    full = [talks_from_document(P.set_paths(doc, v), "h") for v in draws[:8]]
    return template, patched, full


def test_hanoi_draws_compile_as_one_batch(hanoi_runs):
    template, patched, full = hanoi_runs
    U, A, _ = assert_like_compile_worlds([t.scenario for t in patched], template.private)
    assert U.shape == (40, 2, 2, 1296)
    assert A.strides[0] == 0  # the constraints are the same in every run: one array, broadcast
    assert len({U[r].tobytes() for r in range(40)}) == 40  # the draws do move the utilities
    assert_like_compile([t.scenario for t in patched])


def test_world_zero_is_the_compiled_scenario(hanoi_runs):
    # every fact false is how Scenario.compile evaluates (flags absent): one batched call gives both
    template, patched, _ = hanoi_runs
    scs = [t.scenario for t in patched]
    U, A, _ = compile_worlds_many(scs, template.private)
    U0, A0, _ = compile_many(scs)
    assert U[:, :, 0].tobytes() == U0.tobytes() and np.array_equal(A[:, :, 0], A0)


def test_full_builds_and_one_private_per_run(hanoi_runs):
    # every full build has its own space and expression objects: grouped by their texts
    _, patched, full = hanoi_runs
    runs = [t.scenario for t in full] + [t.scenario for t in patched[:5]]
    privs = [t.private for t in full] + [t.private for t in patched[:5]]
    _, A, _ = assert_like_compile_worlds(runs, privs)
    assert A.strides[0] == 0
    assert_like_compile(runs)


# -------------------------------------------------------------------------------- generated scenarios
def random_document(rng: np.random.Generator, n_facts: int) -> dict:
    """A scenario document with random issues, preferences, terms, constraints and private facts."""
    issues: dict = {}
    labels: dict[str, list] = {}
    for k in range(int(rng.integers(1, 5))):
        size, kind, name = int(rng.integers(1, 5)), int(rng.integers(3)), f"i{k}"
        if kind == 2:
            issues[name] = {"type": "integer", "lower": 2, "upper": 1 + size}
            labels[name] = list(range(2, 2 + size))
        else:
            labels[name] = [f"v{j}" for j in range(size)]
            issues[name] = {"values": labels[name], "ordered": True} if kind else labels[name]
    facts = [f"f{j}" for j in range(n_facts)]

    def condition() -> str:
        name = str(rng.choice(list(labels)))
        value = labels[name][int(rng.integers(len(labels[name])))]
        op = "==" if isinstance(issues[name], list) else str(rng.choice(["==", "!=", ">=", "<"]))
        atom = f"{name} {op} {value}"
        forms = [atom, "true", f"not ({atom})"]
        if facts:
            fact = str(rng.choice(facts))
            forms += [fact, f"{fact} and {atom}", f"not {fact} or {atom}"]
        return str(forms[int(rng.integers(len(forms)))])

    parties = {}
    for p in ["a", "b", "c"][: int(rng.integers(2, 4))]:
        weights, scores = {}, {}
        for name, vals in labels.items():
            weights[name] = 0.0 if rng.random() < 0.3 else float(rng.random())
            scores[name] = {v: float(rng.normal()) for v in vals}  # negative scores: 0 * s = -0.0
        outcome = {name: vals[int(rng.integers(len(vals)))] for name, vals in labels.items()}
        parties[p] = {
            "weights": weights,
            "scores": scores,
            "terms": [
                {"when": condition(), "value": float(rng.normal())} for _ in range(int(rng.integers(4)))
            ],
            "constraints": [condition() for _ in range(int(rng.integers(3)))],
            "reservation": {"outcome": outcome} if rng.random() < 0.5 else float(rng.normal()),
        }
    doc = {"name": "generated", "issues": issues, "parties": parties, "protocol": {"deadline": 3}}
    if facts:
        doc["private"] = {"facts": {f: {"true_value": bool(rng.random() < 0.5)} for f in facts}}
    return doc


def redrawn(doc: dict, rng: np.random.Generator) -> dict:
    """The document with new numbers (weights, scores, term values, numeric walk-away values)."""
    out = copy.deepcopy(doc)
    for party in out["parties"].values():
        for name in party["weights"]:
            party["weights"][name] = 0.0 if party["weights"][name] == 0.0 else float(rng.random())
            party["scores"][name] = {v: float(rng.normal()) for v in party["scores"][name]}
        for term in party["terms"]:
            term["value"] = float(rng.normal())
        if not isinstance(party["reservation"], dict):
            party["reservation"] = float(rng.normal())
    return out


def build(doc: dict) -> tuple:
    if "private" in doc:
        ts = talks_from_document(doc, "g")
        return ts.scenario, ts.private
    return scenario_from_dict(doc, "g"), PrivateInfo()


@pytest.mark.parametrize("seed", range(24))
def test_generated_scenarios(seed):
    rng = np.random.default_rng(seed)
    doc = random_document(rng, n_facts=seed % 3)
    runs = [build(redrawn(doc, rng)) for _ in range(5)]
    scenarios, privs = [r[0] for r in runs], [r[1] for r in runs]
    _, A, _ = assert_like_compile_worlds(scenarios, privs[0])
    assert A.strides[0] == 0
    assert_like_compile(scenarios)


@pytest.mark.parametrize("seed", range(8))
def test_batches_mixing_structures(seed):
    # same issues, different terms and constraints: runs are grouped, each group computed as one array
    rng = np.random.default_rng(100 + seed)
    doc = random_document(rng, n_facts=1)
    other = copy.deepcopy(doc)
    for party in other["parties"].values():
        party["terms"] = party["terms"][::-1] + [{"when": "f0", "value": -0.5}]
        party["constraints"] = party["constraints"][:1]
    runs = [build(redrawn(d, rng)) for d in [doc, other, doc, other, other, doc]]
    assert_like_compile_worlds([r[0] for r in runs], runs[0][1])
    assert_like_compile([r[0] for r in runs])


def test_a_term_value_that_is_an_integer_keeps_integer_arithmetic():
    rng = np.random.default_rng(7)
    doc = random_document(rng, n_facts=1)
    doc["parties"]["a"]["terms"] = [{"when": "true", "value": 0.5}, {"when": "f0", "value": -1.0}]
    sc, priv = build(doc)
    pr = sc.parties[0].preferences
    terms = (pr.terms[0], Term(pr.terms[1].condition, -1, "an int written by hand"))
    ints = Preferences(pr.space, pr.weights, pr.scores, terms, pr.constraints, pr.reservation, 1.0, pr.flags)
    odd = dataclasses.replace(
        sc, parties=(dataclasses.replace(sc.parties[0], preferences=ints), *sc.parties[1:])
    )
    assert_like_compile_worlds([sc, odd, sc], priv)
    assert_like_compile([odd, sc])


def test_what_cannot_be_stacked():
    rng = np.random.default_rng(3)
    one = build(random_document(rng, 1))
    two = build(random_document(rng, 2))
    with pytest.raises(ValueError, match="at least one scenario"):
        compile_many([])
    if one[0].space.size != two[0].space.size or len(one[0].parties) != len(two[0].parties):
        with pytest.raises(ValueError, match="same number of parties and outcomes"):
            compile_many([one[0], two[0]])
    with pytest.raises(ValueError, match="private facts differ"):
        compile_worlds_many([one[0], one[0]], [one[1], two[1]])


def test_a_space_too_large_is_refused_as_compile_refuses_it():
    from accord.errors import SpaceTooLargeError

    sc, priv = build(random_document(np.random.default_rng(5), 1))
    with pytest.raises(SpaceTooLargeError):
        compile_worlds_many([sc], priv, limit=0)
    with pytest.raises(SpaceTooLargeError):
        compile_many([sc], limit=0)
