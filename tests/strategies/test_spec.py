"""Negotiator spec strings: grammar, BOA assembly, and the errors bad specs raise."""

from __future__ import annotations

import pytest

from accord.errors import InputError
from accord.strategies.aspiration import Aspiration
from accord.strategies.boa import BOA, ACCombi, ACConst, BayesianModel, FrequencyModel, TimeDependentBidding
from accord.strategies.spec import Spec, build_negotiator, parse, split_specs


def test_parse_nested_keyword_and_positional():
    s = parse("boa(bidding=boulware, model=frequency, acceptance=ac_combi(t=0.98, measure='avg'))")
    assert s.name == "boa" and s.args == ()
    assert s.kwargs["bidding"] == Spec("boulware")
    assert s.kwargs["acceptance"] == Spec("ac_combi", (), {"t": 0.98, "measure": "avg"}, called=True)
    p = parse("f(1, -2.5e-1, true, none, 'x y', g)")
    assert p.args == (1, -0.25, True, None, "x y", Spec("g"))
    assert str(parse("aspiration( e = 2 )")) == "aspiration(e=2)"


def test_split_specs_at_top_level_commas():
    assert split_specs("boulware, boa(bidding=linear,model=frequency), aspiration(e=2)") == [
        "boulware",
        "boa(bidding=linear,model=frequency)",
        "aspiration(e=2)",
    ]
    for bad in ("a,,b", "boa(x", "a)"):
        with pytest.raises(InputError):
            split_specs(bad)


def test_boa_from_spec_has_the_named_parts():
    agent = build_negotiator("boa(bidding=boulware, model=frequency, acceptance=ac_combi(t=0.98))")
    assert isinstance(agent, BOA)
    assert isinstance(agent.bidding, TimeDependentBidding) and agent.bidding.e == 0.2
    assert isinstance(agent.model_prototype, FrequencyModel)
    assert isinstance(agent.acceptance, ACCombi) and agent.acceptance.t == 0.98
    pos = build_negotiator("boa(time_dependent(e=0.1), bayesian, ac_const(0.9))")
    assert pos.bidding.e == 0.1 and isinstance(pos.model_prototype, BayesianModel)
    assert isinstance(pos.acceptance, ACConst) and pos.acceptance.alpha == 0.9
    assert build_negotiator("boa").model_prototype is None


def test_python_api_takes_objects_names_or_specs():
    agent = BOA(bidding=TimeDependentBidding(e=0.1), model="frequency", acceptance="ac_const(alpha=0.8)")
    assert agent.acceptance.alpha == 0.8 and agent.bidding.e == 0.1


def test_plain_strategy_with_parameters():
    a = build_negotiator("aspiration(2)")
    assert isinstance(a, Aspiration) and a.e == 2.0
    assert build_negotiator("aspiration(e=3, width=0.1)").width == 0.1


@pytest.mark.parametrize(
    ("spec", "field", "fragment"),
    [
        ("hardhead", "negotiators", "did you mean hardheaded"),
        ("boa(bidding=boulwar)", "negotiators.boa.bidding", "did you mean boulware"),
        ("boa(model=freq)", "negotiators.boa.model", "did you mean frequency"),
        ("boa(acceptance=ac_nxt)", "negotiators.boa.acceptance", "did you mean ac_next"),
        ("aspiration(e=-1)", "negotiators.aspiration", "e must be > 0"),
        ("aspiration(x=1)", "negotiators.aspiration", "a parameter among ['e', 'width']"),
        ("aspiration(1, 2, 3)", "negotiators.aspiration", "at most 2 positional"),
        ("boa(acceptance=ac_const(alpha=0.5, beta=1))", "negotiators.boa.acceptance.ac_const", "beta"),
        ("boa(acceptance=ac_combi(measure=median))", "negotiators.boa.acceptance.ac_combi", "measure"),
        ("boa(bidding=time_dependent(e=-1))", "negotiators.boa.bidding.time_dependent", "e must be >= 0"),
        ("boa(foo=1)", "negotiators.boa", "a parameter among"),
        ("ac_next", "negotiators", "use it as boa(acceptance=ac_next)"),
        ("aspiration(e=2", "negotiators", "expected ')'"),
        ("aspiration(e=2) x", "negotiators", "after the spec"),
        ("aspiration(e=2, 3)", "negotiators", "positional parameters must come before"),
        ("caduceus(experts='atlas3+nope')", "negotiators.caduceus", "unknown strategies ['nope']"),
        ("", "negotiators", "empty"),
    ],
)
def test_bad_specs_raise_input_errors_naming_the_field(spec, field, fragment):
    with pytest.raises(InputError) as err:
        build_negotiator(spec)
    assert err.value.field == field
    assert fragment in str(err.value)
