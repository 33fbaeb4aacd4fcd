"""Uncertain numbers: parsing, impossible parameters, reproducible draws that follow their distributions.

References: the distributions of scipy.stats (an independent implementation) via Kolmogorov-Smirnov and
chi-square tests, and their closed-form means.
"""

import copy
import math

import numpy as np
import pytest
from scipy import stats

from accord.errors import InputError
from accord.experiments import params as P


def _doc(spec):
    return {"name": "x", "parties": {"a": {"reservation": spec, "weights": {"i": 0.5}}}}


def _draws(spec, n=3000):
    doc = _doc(spec)
    unc = P.find_uncertain(doc)
    assert len(unc) == 1
    return np.array([P.sample(doc, unc, s)[0]["parties"]["a"]["reservation"] for s in range(n)])


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ({"uniform": [0.4, 0.8]}, stats.uniform(0.4, 0.4)),
        ({"normal": [0.5, 0.1]}, stats.norm(0.5, 0.1)),
        ({"normal": [0.3, 0.2, 0.0, 0.5]}, stats.truncnorm(-1.5, 1.0, loc=0.3, scale=0.2)),
        ({"triangular": [0.1, 0.2, 0.6]}, stats.triang(0.2, loc=0.1, scale=0.5)),
        ({"beta": [2, 5]}, stats.beta(2, 5)),
        ({"beta": {"a": 0.5, "b": 0.5, "low": -1, "high": 3}}, stats.beta(0.5, 0.5, loc=-1, scale=4)),
    ],
)
def test_draws_follow_the_distribution(spec, ref):
    x = _draws(spec)
    assert stats.kstest(x, ref.cdf).pvalue > 1e-3
    lo, hi = ref.support()
    assert x.min() >= lo and x.max() <= hi
    dist = P.parse_distribution(spec)
    nominal = dist.nominal()
    expected = ref.mean() if spec.keys() != {"triangular"} else spec["triangular"][1]  # triangular: the mode
    assert nominal == pytest.approx(expected, abs=1e-12)


def test_choice_frequencies_and_integers():
    spec = {"choice": {"values": [3, 5, 8], "p": [0.2, 0.5, 0.3]}}
    x = _draws(spec, 4000)
    assert set(x.tolist()) <= {3, 5, 8}
    counts = [int((x == v).sum()) for v in (3, 5, 8)]
    assert stats.chisquare(counts, [0.2 * 4000, 0.5 * 4000, 0.3 * 4000]).pvalue > 1e-3
    doc = _doc(spec)
    drawn = P.sample(doc, P.find_uncertain(doc), 0)[0]["parties"]["a"]["reservation"]
    assert type(drawn) is int  # a deadline stays a whole number
    assert P.parse_distribution(spec).nominal() == 5
    assert P.parse_distribution({"choice": ["x", "y"]}).values == ("x", "y")


@pytest.mark.parametrize(
    "spec",
    [
        {"uniform": [0.6, 0.4]},
        {"uniform": [0.4]},
        {"normal": [0.5, 0]},
        {"normal": [0.5, -0.1]},
        {"normal": [0.5, 0.1, 0.9, 0.8]},
        {"normal": [0.0, 0.01, 5.0, 6.0]},  # no probability mass left
        {"triangular": [0.0, 2.0, 1.0]},
        {"triangular": [1.0, 1.0, 1.0]},
        {"beta": [0, 1]},
        {"beta": [1, 1, 2, 1]},
        {"choice": []},
        {"choice": {"values": [1, 2], "p": [0.5, 0.6]}},
        {"choice": {"values": [1, 2], "p": [0.5]}},
        {"uniform": ["a", 1]},
    ],
)
def test_impossible_parameters_name_the_place(spec):
    with pytest.raises(InputError) as err:
        P.find_uncertain(_doc(spec), "s.yaml")
    msg = str(err.value)
    assert msg.startswith("s.yaml: parties.a.reservation") and ": expected " in msg


@pytest.mark.parametrize(
    "spec",
    [
        {"triangular": {"lower": 0, "peak": 1, "upper": 2}},  # a score function, not a distribution
        {"uniform": 0.3},
        {"outcome": {"a": 1}},
        {"uniform": [0, 1], "extra": 1},
        0.5,
    ],
)
def test_things_that_are_not_distributions(spec):
    assert P.parse_distribution(spec) is None


def test_descriptive_blocks_are_not_parameters():
    doc = {"issues": {"choice": [1, 2]}, "sources": {"uniform": [0, 1]}, "parties": {}}
    assert P.find_uncertain(doc) == []


def test_draws_are_reproducible_and_leave_the_document_alone():
    doc = {
        "parties": {
            "a": {"weights": {"x": {"uniform": [0, 1]}, "y": {"normal": [0.5, 0.1, 0, 1]}}},
            "b": {"reservation": {"beta": [2, 2]}},
        },
        "tracks": [{"name": "summit", "rounds": {"choice": [2, 4]}}],
    }
    before = copy.deepcopy(doc)
    unc = P.find_uncertain(doc)
    assert [u.name for u in unc] == [
        "parties.a.weights.x",
        "parties.a.weights.y",
        "parties.b.reservation",
        "tracks.summit.rounds",
    ]
    d1, v1 = P.sample(doc, unc, 11)
    d2, v2 = P.sample(doc, unc, 11)
    assert d1 == d2 and v1 == v2
    assert doc == before
    assert P.sample(doc, unc, 12)[1] != v1
    # fixing one number (a sweep point) never changes the draws of the others
    path = P.resolve_path(doc, "parties.a.weights.y")
    d3, v3 = P.sample(doc, unc, 11, {path: 0.25})
    assert v3["parties.a.weights.y"] == 0.25
    assert {k: v for k, v in v3.items() if k != "parties.a.weights.y"} == {
        k: v for k, v in v1.items() if k != "parties.a.weights.y"
    }
    # the parameter draws do not use the generator the protocol gives the parties
    seq = np.random.default_rng(11).spawn(2)
    assert all(g.random() != P.draw_uniforms(11, 1)[0] for g in seq)


def test_nominal_document_replaces_every_distribution():
    doc = {"p": {"a": {"reservation": {"uniform": [0.2, 0.6]}, "w": {"choice": [1, 2, 2]}}}}
    out = P.nominal_document(doc)
    assert out == {"p": {"a": {"reservation": pytest.approx(0.4), "w": 1}}}


def test_sweep_specs():
    assert P.parse_sweep("a.b=0:1:5") == ("a.b", [0.0, 0.25, 0.5, 0.75, 1.0])
    path, vals = P.parse_sweep("protocol.deadline=2:10:5")
    assert vals == [2, 4, 6, 8, 10] and all(type(v) is int for v in vals)
    assert P.parse_sweep("p.s=boulware,conceder")[1] == ["boulware", "conceder"]
    assert P.parse_sweep("x=0.1,0.3")[1] == [0.1, 0.3]
    for bad in ("a.b", "a.b=1:0:3", "a.b=0:1", "a.b=0:1:x", "a.b=0:1:1", "=0:1:3", "a=0:inf:3"):
        with pytest.raises(InputError):
            P.parse_sweep(bad)


def test_unknown_paths_suggest_names():
    doc = {
        "parties": {"usa": {"reservation": 0.3, "weights": {"yongbyon": 0.2}}},
        "protocol": {"deadline": 4},
    }
    assert P.resolve_path(doc, "parties.usa.weights.yongbyon") == ("parties", "usa", "weights", "yongbyon")
    with pytest.raises(InputError, match="did you mean usa"):
        P.resolve_path(doc, "parties.uas.reservation")
    with pytest.raises(InputError, match="exists in the scenario"):
        P.resolve_path(doc, "partis.usa.reservation")
    with pytest.raises(InputError):
        P.resolve_path(doc, "parties.usa")  # a mapping, not a number


def test_variants_merge_over_the_base():
    doc = {
        "name": "x",
        "parties": {"a": {"weights": {"i": 0.5}, "reservation": {"uniform": [0, 1]}}},
        "protocol": {"deadline": 4, "opener": "a"},
        "variants": {"v": {"parties": {"a": {"reservation": 0.2}}, "protocol": {"opener": None}}},
    }
    assert P.variants_of(doc) == ["base", "v"]
    assert "variants" not in P.apply_variant(doc, "base")
    v = P.apply_variant(doc, "v")
    assert v["parties"]["a"] == {"weights": {"i": 0.5}, "reservation": 0.2}
    assert v["protocol"] == {"deadline": 4}  # null removes a key
    assert [u.name for u in P.find_uncertain(v)] == []
    with pytest.raises(InputError, match="one of"):
        P.apply_variant(doc, "w")


def test_ppf_is_monotone_and_finite_at_the_ends():
    for spec in ({"normal": [0, 1]}, {"beta": [0.5, 0.5]}, {"triangular": [0, 0, 1]}):
        d = P.parse_distribution(spec)
        us = [2.0**-54, 1e-9, 0.3, 0.7, 1 - 2.0**-53]
        xs = [d.ppf(u) for u in us]
        assert all(math.isfinite(x) for x in xs)
        assert xs == sorted(xs)


# ------------------------------------------------------------------------------ many seeds at once
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from accord.io.distributions import values_at  # noqa: E402

_EVERY_KIND = {
    "parties": {
        "a": {
            "weights": {
                "x": {"uniform": [-0.5, 2.0]},
                "y": {"normal": [0.5, 0.1]},
                "z": {"normal": [0.3, 0.2, 0.0, 0.5]},
            },
            "reservation": {"triangular": [0.1, 0.2, 0.6]},
            "discount": {"triangular": [0.0, 0.0, 1.0]},
        },
        "b": {"reservation": {"beta": [2, 5, -1, 3]}, "strategy": {"choice": ["boulware", "conceder"]}},
    },
    "protocol": {"deadline": {"choice": {"values": [3, 5, 8], "p": [0.25, 0.0, 0.75]}}},
}


def _same_draws(a, b):
    """Equal dicts in the same key order; floats bit for bit, ints stay ints."""
    assert len(a) == len(b)
    for (va, da), (vb, db) in zip(a, b, strict=True):
        for x, y in ((va, vb), (da, db)):
            assert list(x) == list(y)
            for k in x:
                assert type(x[k]) is type(y[k]), k
                assert (x[k].hex() == y[k].hex()) if type(x[k]) is float else x[k] == y[k], k


_seed = st.one_of(
    st.integers(0, 2**32 - 1),
    st.integers(2**32, 2**64 - 1),
    st.integers(2**64, 2**128 - 1),
    st.integers(2**128, 2**140),
)


@settings(max_examples=40, deadline=None)
@given(seeds=st.lists(_seed, min_size=1, max_size=20), count=st.integers(1, 40))
def test_uniforms_of_many_seeds_are_numpys_bit_for_bit(seeds, count):
    ref = np.stack([P.draw_uniforms(s, count) for s in seeds])
    assert P.draw_uniforms_many(seeds, count).tobytes() == ref.tobytes()


def test_uniforms_of_many_seeds_reject_what_numpy_rejects():
    with pytest.raises(ValueError, match="negative"):
        P.draw_uniforms_many([3, -1], 2)
    assert P.draw_uniforms_many([], 3).shape == (0, 3)
    assert P.draw_uniforms_many([1, 2], 0).shape == (2, 0)


@settings(max_examples=40, deadline=None)
@given(
    seeds=st.lists(st.one_of(st.integers(0, 10**6), _seed), min_size=0, max_size=12),
    fix=st.sets(st.integers(0, 7), max_size=3),
    per_seed=st.booleans(),
)
def test_many_seeds_draw_what_each_seed_draws(seeds, fix, per_seed):
    doc = _EVERY_KIND
    unc = P.find_uncertain(doc)
    assert {u.dist.kind for u in unc} == {"uniform", "normal", "triangular", "beta", "choice"}
    overrides = {unc[j].path: 0.25 + j for j in sorted(fix)}
    if fix:
        overrides[("parties", "a", "terms")] = 1  # a path that is not uncertain
    if per_seed:
        per = [overrides if i % 2 else None for i in range(len(seeds))]
        ref = [P.sample_values(doc, unc, s, o) for s, o in zip(seeds, per, strict=True)]
        _same_draws(P.sample_values_many(doc, unc, seeds, per), ref)
    else:
        ref = [P.sample_values(doc, unc, s, overrides) for s in seeds]
        _same_draws(P.sample_values_many(doc, unc, seeds, overrides), ref)


@settings(max_examples=60, deadline=None)
@given(us=st.lists(st.floats(2.0**-54, 1.0 - 2.0**-53), min_size=1, max_size=30))
def test_quantiles_of_arrays_are_the_scalar_ones(us):
    for u in P.find_uncertain(_EVERY_KIND):
        got = values_at(u.dist, np.array(us))
        ref = [P.value_at(u.dist, x) for x in us]
        assert [type(x) for x in got] == [type(x) for x in ref]
        assert [repr(x) for x in got] == [repr(x) for x in ref]


def test_many_seeds_of_the_hanoi_file():
    from accord.io.yaml_scenario import read_document

    from .conftest import HANOI

    doc = P.apply_variant(read_document(HANOI), "base")
    unc = P.find_uncertain(doc)
    seeds = list(range(300)) + [2**63, 2**64 + 5]
    _same_draws(P.sample_values_many(doc, unc, seeds), [P.sample_values(doc, unc, s) for s in seeds])
    with pytest.raises(ValueError, match="2 overrides for 3 seeds"):
        P.sample_values_many(doc, unc, [1, 2, 3], [None, None])
