import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.model import valuefn
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term, linear_additive
from accord.model.space import OutcomeSpace


@st.composite
def spaces_and_prefs(draw):
    cards = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    sp = OutcomeSpace([Issue.integer(f"i{k}", 0, c - 1) for k, c in enumerate(cards)])
    w = draw(st.lists(st.floats(0, 1), min_size=len(cards), max_size=len(cards)))
    scores = [draw(st.lists(st.floats(0, 1), min_size=c, max_size=c)) for c in cards]
    return sp, w, scores


@given(spaces_and_prefs())
@settings(max_examples=60)
def test_vectorised_equals_plain_python(case):
    sp, w, scores = case
    prefs = linear_additive(sp, w, scores)
    allu = prefs.evaluate_all()
    for k, combo in enumerate(itertools.product(*[range(len(s)) for s in scores])):
        u = w[0] * scores[0][combo[0]]
        for j in range(1, len(combo)):
            u = u + w[j] * scores[j][combo[j]]
        assert allu[k] == u  # same order of summation: bit-identical
    idx = np.arange(sp.size)[::-1]
    assert np.array_equal(prefs.evaluate(idx), allu[idx])


def test_terms_constraints_and_discount():
    sp = OutcomeSpace(
        [Issue.categorical("relief", ["none", "full"]), Issue.categorical("inspections", ["none", "yes"])]
    )
    cond = compile_expression("relief == full and inspections == none", sp)
    prefs = Preferences(
        sp,
        np.array([0.6, 0.4]),
        (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
        terms=(Term(cond, -0.25),),
        constraints=(compile_expression("relief == none or inspections == yes", sp),),
        reservation=0.3,
        discount=0.5,
    )
    u = prefs.evaluate_all()
    # (none,none)=0.6 (none,yes)=1.0 (full,none)=0-0.25 (full,yes)=0.4
    assert u.tolist() == [0.6, 1.0, -0.25, 0.4]
    assert prefs.acceptable(np.arange(4)).tolist() == [True, True, False, True]
    assert prefs.discounted(1.0, 1.0) == 0.5
    assert prefs.discounted(0.8, 0.5) == pytest.approx(0.8 * 0.5**0.5)


def test_value_functions_closed_forms():
    iss = Issue.integer("x", 0, 10)
    assert valuefn.linear(iss, 0.1, 0.0).tolist() == pytest.approx([k / 10 for k in range(11)])
    assert valuefn.linear(iss, 0.2, -0.5, clip=True).min() == 0.0
    tri = valuefn.triangular(iss, 2, 4, 8)
    assert (
        tri[4] == 1.0
        and tri[2] == 0.0
        and tri[8] == 0.0
        and tri[3] == 0.5
        and tri[6] == 0.5
        and tri[0] == 0.0
    )
    pw = valuefn.piecewise(iss, [(0, 0), (5, 1), (10, 0.5)])
    assert pw[5] == 1.0 and pw[10] == 0.5 and pw[2] == pytest.approx(0.4) and pw[7] == pytest.approx(0.8)
    cat = Issue.categorical("c", ["a", "b"])
    assert valuefn.table(cat, {"a": 0.2, "b": 1}).tolist() == [0.2, 1.0]
    with pytest.raises(KeyError, match="no score"):
        valuefn.table(cat, {"a": 0.2})


def test_preferences_leave_the_callers_arrays_writable_and_their_own_read_only():
    import numpy as np

    from accord.model.issues import Issue
    from accord.model.preferences import Preferences
    from accord.model.space import OutcomeSpace

    sp = OutcomeSpace([Issue.integer("a", 0, 2)])
    w, s0 = np.array([1.0]), np.array([0.0, 0.5, 1.0])
    p = Preferences(sp, w, (s0,))
    assert w.flags.writeable and s0.flags.writeable
    assert not p.weights.flags.writeable and not p.scores[0].flags.writeable
    assert list(p.evaluate_all()) == [0.0, 0.5, 1.0]
