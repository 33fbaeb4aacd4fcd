import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import InputError, SpaceTooLargeError
from accord.model.issues import Issue
from accord.model.space import OutcomeSpace


def test_index_order_is_itertools_product():
    sp = OutcomeSpace(
        [Issue.categorical("a", ["x", "y"]), Issue.integer("b", 3, 5), Issue.real("c", 0, 1, 3)]
    )
    expected = list(itertools.product(["x", "y"], [3, 4, 5], [0.0, 0.5, 1.0]))
    assert sp.size == len(expected) == 18
    for k, combo in enumerate(expected):
        assert tuple(sp.outcome(k).values()) == combo
        assert sp.index(dict(zip(sp.names, combo, strict=True))) == k


@given(st.lists(st.integers(1, 6), min_size=1, max_size=5), st.data())
def test_digits_encode_roundtrip(cards, data):
    sp = OutcomeSpace([Issue.integer(f"i{k}", 0, c - 1) for k, c in enumerate(cards)])
    idx = np.array(data.draw(st.lists(st.integers(0, sp.size - 1), min_size=1, max_size=20)))
    digits = sp.digits(idx)
    assert np.array_equal(sp.encode(digits), idx)
    for k, d in enumerate(digits):
        assert ((d >= 0) & (d < cards[k])).all()


def test_huge_space_is_not_enumerated():
    sp = OutcomeSpace([Issue.integer(f"i{k}", 0, 9) for k in range(12)])
    assert sp.size == 10**12
    assert not sp.enumerable()
    with pytest.raises(SpaceTooLargeError, match="at most"):
        sp.indices()
    # indexing still works without enumerating
    o = {f"i{k}": 9 for k in range(12)}
    assert sp.index(o) == 10**12 - 1


def test_unindexable_space_rejected():
    with pytest.raises(SpaceTooLargeError):
        OutcomeSpace([Issue.integer(f"i{k}", 0, 99) for k in range(40)])


def test_bad_outcomes_named():
    sp = OutcomeSpace([Issue.categorical("relief", ["none", "partial"]), Issue.integer("n", 0, 2)])
    with pytest.raises(InputError, match=r"outcome\.relief"):
        sp.index({"relief": "full", "n": 1})
    with pytest.raises(InputError, match=r"outcome\.n"):
        sp.index({"relief": "none"})
    with pytest.raises(InputError, match="unique issue names"):
        OutcomeSpace([Issue.integer("a", 0, 1), Issue.integer("a", 0, 1)])


def test_integer_and_real_lookup_by_number():
    iss = Issue.real("price", 10.0, 20.0, 5)
    assert iss.index_of(12.5) == 1
    assert iss.index_of("20") == 4
    with pytest.raises(KeyError):
        iss.index_of(11.0)
