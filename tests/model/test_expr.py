import itertools

import numpy as np
import pytest

from accord.errors import ExpressionError
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.space import OutcomeSpace

SPACE = OutcomeSpace(
    [
        Issue.categorical("relief", ["none", "partial", "full"], ordered=True),
        Issue.categorical("site", ["yongbyon", "all"]),
        Issue.integer("years", 0, 3),
    ]
)
RELIEF = ["none", "partial", "full"]


def brute(fn):
    out = []
    for relief, site, years in itertools.product(RELIEF, ["yongbyon", "all"], range(4)):
        out.append(bool(fn(RELIEF.index(relief), relief, site, years)))
    return np.array(out)


CASES = [
    ("relief == none or site != yongbyon", lambda r, rl, s, y: rl == "none" or s != "yongbyon"),
    ("not (relief >= partial and years < 2)", lambda r, rl, s, y: not (r >= 1 and y < 2)),
    (
        "relief in [partial, full] and site == 'all'",
        lambda r, rl, s, y: rl in ("partial", "full") and s == "all",
    ),
    ("years not in [0, 3]", lambda r, rl, s, y: y not in (0, 3)),
    ("years > 1 and relief < full or relief == none", lambda r, rl, s, y: (y > 1 and r < 2) or rl == "none"),
    ("true and not false", lambda r, rl, s, y: True),
    ("years >= 2.0", lambda r, rl, s, y: y >= 2),
]


@pytest.mark.parametrize("text,fn", CASES)
def test_matches_brute_force(text, fn):
    e = compile_expression(text, SPACE)
    got = e.evaluate(np.arange(SPACE.size))
    assert np.array_equal(got, brute(fn))


def test_flags_from_environment():
    e = compile_expression("hidden_sites and site == yongbyon", SPACE, flags=frozenset({"hidden_sites"}))
    idx = np.arange(SPACE.size)
    assert not e.evaluate(idx, {"hidden_sites": False}).any()
    assert e.evaluate(idx, {"hidden_sites": True}).sum() == 3 * 4
    assert e.flags_used == {"hidden_sites"} and e.issues_used == {"site"}


@pytest.mark.parametrize(
    "text,msg",
    [
        ("relief == maybe", "not a value of issue 'relief'"),
        ("sanctions == none", "unknown issue 'sanctions'"),
        ("site < all", "unordered"),
        ("relief == none and", "unexpected end"),
        ("relief == none)", "unexpected '\\)'"),
        ("__import__('os')", "unknown issue or fact '__import__'"),
        ("relief.__class__ == none", "unknown issue 'relief.__class__'"),
        ("relief", "needs a comparison"),
        ("relief == none; rm", "unexpected character"),
        ("", "empty expression"),
    ],
)
def test_errors_are_clear(text, msg):
    with pytest.raises(ExpressionError, match=msg):
        compile_expression(text, SPACE)
