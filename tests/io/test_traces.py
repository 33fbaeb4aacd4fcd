"""Trace and result files in the GENIUS, GeniusWeb/ANL and NegMAS column conventions (formats.md §3.3)."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from accord.errors import InputError
from accord.io import traces
from accord.model.issues import Issue
from accord.model.preferences import linear_additive
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.alternating import run_alternating
from accord.strategies.base import ACCEPT, REJECT, Negotiator, State, StrategyInfo


class Script(Negotiator):
    info = StrategyInfo("script", "test", "test", "test")

    def __init__(self, offers, accept_round=None, walk_round=None):
        self.offers, self.accept_round, self.walk_round = offers, accept_round, walk_round

    def propose(self, state: State):
        if self.walk_round is not None and state.round >= self.walk_round:
            return None
        return self.offers[min(state.round, len(self.offers) - 1)]

    def respond(self, state: State, offer: int):
        return ACCEPT if self.accept_round is not None and state.round >= self.accept_round else REJECT


SPACE = OutcomeSpace(
    [Issue.categorical("Food", ["Chips", "Catering"]), Issue.categorical("Music", ["MP3", "DJ", "Band"])]
)
SC = Scenario(
    "party",
    SPACE,
    (
        Party("buyer", linear_additive(SPACE, [0.6, 0.4], [[1.0, 0.0], [1.0, 0.5, 0.0]], reservation=0.1)),
        Party("seller", linear_additive(SPACE, [0.5, 0.5], [[0.0, 1.0], [0.0, 0.5, 1.0]], discount=0.9)),
    ),
    Protocol(deadline=5),
)
C = SC.compile()


def deal():
    # buyer offers (Chips, MP3) = 0, then (Chips, DJ) = 1; seller offers (Catering, Band) = 5; seller accepts in round 1.
    return run_alternating(C, [Script([0, 1]), Script([5], accept_round=1)], deadline=5, seed=0)


def test_genius_session_lines_exactly():
    lines = traces.genius_session_lines(deal(), SPACE)
    assert lines == [
        "1,1,0.0,buyer,(Offer  bid:Bid[Food: Chips, Music: MP3])",
        "1,2,0.0,seller,(Offer  bid:Bid[Food: Catering, Music: Band])",
        "2,1,0.25,buyer,(Offer  bid:Bid[Food: Chips, Music: DJ])",
        "2,2,0.25,seller,(Accept  bid:Bid[Food: Chips, Music: DJ])",
        f"agreement,Bid[Food: Chips, Music: DJ],{0.6 + 0.4 * 0.5!r},{0.5 * 0.5!r}",
    ]
    walk = run_alternating(C, [Script([0], walk_round=1), Script([5])], deadline=5, seed=0)
    assert traces.genius_session_lines(walk, SPACE)[-2:] == [
        "2,1,0.25,buyer,(EndNegotiation)",
        "ended-no-agreement",
    ]


def brute_pareto(U):
    pts = [tuple(U[:, j]) for j in range(U.shape[1])]
    return [p for p in pts if not any(all(q[i] >= p[i] for i in range(2)) and q != p for q in pts)]


def test_genius_log_header_and_row(tmp_path):
    # The header of a GENIUS 10.4 tournament log (formats.md §3.3; NegMAS's Log-XmlRunner-*.csv sample).
    want = (
        "Run time (s);Round;Exception;deadline;Agreement;Discounted;#agreeing;min.util.;max.util.;"
        "Dist. to Pareto;Dist. to Nash;Social Welfare;Agent 1;Agent 2;Utility 1;Utility 2;Disc. Util. 1;"
        "Disc. Util. 2;Perceived. Util. 1;Perceived. Util. 2;Profile 1;Profile 2"
    )
    assert ";".join(traces.genius_log_header(2)) == want
    res = deal()
    row = traces.genius_log_row(res, C, deadline=5, agents=["script", "script"], runtime=0.25)
    path = traces.write_genius_log([row], 2, tmp_path / "log.csv")
    text = path.read_text().splitlines()
    assert text[0] == "sep=;" and text[1] == want
    rec = dict(zip(want.split(";"), next(csv.reader([text[2]], delimiter=";")), strict=True))
    u = np.array([0.8, 0.25])
    du = u * np.array([1.0, 0.9**0.25])
    front = brute_pareto(C.utilities)
    d_pareto = min(math.dist(u, p) for p in front)
    zopa = [j for j in range(6) if (C.utilities[:, j] >= C.reservations).all()]
    nash = max(zopa, key=lambda j: (C.utilities[0, j] - 0.1) * (C.utilities[1, j] - 0.0))
    assert rec["Run time (s)"] == "0.250" and rec["Round"] == "2" and rec["deadline"] == "5rounds"
    assert rec["Agreement"] == "Yes" and rec["Discounted"] == "Yes" and rec["#agreeing"] == "2"
    assert rec["min.util."] == f"{du.min():.5f}" and rec["max.util."] == f"{du.max():.5f}"
    assert rec["Dist. to Pareto"] == f"{d_pareto:.5f}"
    assert rec["Dist. to Nash"] == f"{math.dist(u, C.utilities[:, nash]):.5f}"
    assert rec["Social Welfare"] == f"{u.sum():.5f}"
    assert float(rec["Utility 1"]) == pytest.approx(0.8) and float(rec["Disc. Util. 2"]) == pytest.approx(
        du[1]
    )
    assert rec["Agent 1"] == "script" and rec["Profile 2"] == "seller"


def test_geniusweb_session_reads_like_the_anl_runner_output(tmp_path):
    res = deal()
    path = traces.write_geniusweb_session(res, SPACE, 5, tmp_path / "session.json", agents=["a", "b"])
    data = json.loads(path.read_text())
    kinds = [next(iter(a)) for a in data["actions"]]
    assert kinds == ["Offer", "Offer", "Offer", "Accept"]
    # Read it the way the ANL template's plot_trace does.
    for action in data["actions"]:
        body = next(iter(action.values()))
        k = SPACE.index(body["bid"]["issuevalues"])
        assert body["utilities"] == {"buyer": C.utilities[0, k], "seller": C.utilities[1, k]}
        assert body["actor"] in data["connections"]
    assert data["actions"][-1]["Accept"]["actor"] == "seller"
    assert data["partyprofiles"]["buyer"]["party"]["partyref"].endswith("a")
    summary = traces.anl_summary(res, agents=["a", "b"])
    assert summary == {
        "num_offers": 4,
        "agent_1": "a",
        "utility_1": pytest.approx(0.8),
        "profile_1": "buyer",
        "agent_2": "b",
        "utility_2": pytest.approx(0.25),
        "profile_2": "seller",
        "nash_product": pytest.approx(0.2),
        "social_welfare": pytest.approx(1.05),
        "result": "agreement",
    }


def test_negmas_extended_trace(tmp_path):
    res = deal()
    assert traces.negmas_extended_trace(res, SPACE) == [
        (0, "buyer", ("Chips", "MP3")),
        (0, "seller", ("Catering", "Band")),
        (1, "buyer", ("Chips", "DJ")),
    ]
    rows = list(
        csv.reader(traces.write_negmas_trace(res, SPACE, tmp_path / "t.csv").read_text().splitlines())
    )
    assert rows[0] == ["step", "negotiator", "offer"] and rows[3] == ["1", "buyer", "('Chips', 'DJ')"]


def test_unwritable_output_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as err:
        traces.write_negmas_trace(deal(), SPACE, tmp_path / "missing" / "t.csv")
    assert "writable" in str(err.value)
