"""GeniusWeb JSON reader and writer, checked against the raw files and the ANL 2023 specials.json.

Reference utilities are computed here by hand with ``json`` and plain Python, summing
``u = 0.0; u += w_i * u_i`` over the issues in domain order (the order of ``evaluate_all``), so they
agree with ``==``. The organisers' ``specials.json`` rounds utilities to 10 decimals.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.folder import load_folder
from accord.io.genius import FormatWarning
from accord.io.geniusweb import (
    EXACT_RESERVATION_KEY,
    read_geniusweb_domain,
    read_geniusweb_profile,
    write_geniusweb,
)
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

DATA = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared GENIUS data not available")
JSON_FOLDERS = {
    "GeniusWeb-Party": ("party.json", ["party1", "party2"]),
    "ANL2023-domain00": ("domain00.json", ["profileA", "profileB"]),
}
SMALL_FOLDERS = ["NiceOrDie", "Laptop", "Barter", "ItexvsCypress", "ANAC2015-CarDomain", "EnglandZimbabwe",
                 "Grocery", "Amsterdam", "PartyDomain", "GeniusWeb-Party", "Camera", "ANL2023-domain00"]  # fmt: skip


def hand_utility(domain: dict, profile: dict, bid: dict) -> float:
    body = profile["LinearAdditiveUtilitySpace"]
    u = 0.0
    for issue in domain["issuesValues"]:
        utils = body["issueUtilities"][issue]
        table = (utils.get("discreteutils") or utils["DiscreteValueSetUtilities"])["valueUtilities"]
        u += body["issueWeights"][issue] * table[bid[issue]]
    return u


def bid_of(domain: dict, idx: int) -> dict:
    names = list(domain["issuesValues"])
    bid = {}
    for name in reversed(names):
        values = domain["issuesValues"][name]["values"]
        bid[name] = values[idx % len(values)]
        idx //= len(values)
    return bid


@pytest.mark.parametrize("folder", list(JSON_FOLDERS))
def test_utilities_and_reservations_equal_a_hand_computation(folder: str) -> None:
    dfile, names = JSON_FOLDERS[folder]
    domain = json.loads((DATA / folder / dfile).read_text())
    sc = load_folder(DATA / folder)
    assert sc.party_names == tuple(names) and sc.format == "geniusweb"
    assert [i.name for i in sc.space.issues] == list(domain["issuesValues"])
    comp = sc.compile()
    for i, name in enumerate(names):
        prof = json.loads((DATA / folder / f"{name}.json").read_text())
        every = [hand_utility(domain, prof, bid_of(domain, j)) for j in range(sc.space.size)]
        assert comp.utilities[i].tolist() == every
        rbid = prof["LinearAdditiveUtilitySpace"].get("reservationBid")
        expected = hand_utility(domain, prof, rbid["issuevalues"]) if rbid else 0.0
        assert comp.reservations[i] == expected
        assert comp.discounts[i] == 1.0
    if folder == "GeniusWeb-Party":
        assert comp.reservations.tolist() == [pytest.approx(0.50636), pytest.approx(0.36638)]


def test_anl2023_matches_the_organisers_specials() -> None:
    specials = json.loads((DATA / "ANL2023-domain00/specials.json").read_text())
    sc = load_folder(DATA / "ANL2023-domain00")
    assert sc.space.size == specials["size"]
    comp = sc.compile()
    points = [*specials["pareto_front"], specials["nash"], specials["kalai"], specials["social_welfare"]]
    for point in points:
        k = sc.space.index(point["bid"])
        assert comp.utilities[:, k].tolist() == pytest.approx(point["utility"], abs=1e-10)
    k = int(np.argmax(comp.utilities[0] * comp.utilities[1]))
    assert comp.utilities[:, k].tolist() == pytest.approx(specials["nash"]["utility"], abs=1e-10)


def test_both_key_spellings_give_the_same_preferences(tmp_path: Path) -> None:
    shutil.copytree(DATA / "GeniusWeb-Party", tmp_path / "p")
    for name in ("party1", "party2"):
        f = tmp_path / "p" / f"{name}.json"
        f.write_text(f.read_text().replace('"discreteutils"', '"DiscreteValueSetUtilities"'))
    a, b = load_folder(DATA / "GeniusWeb-Party").compile(), load_folder(tmp_path / "p").compile()
    assert np.array_equal(a.utilities, b.utilities) and np.array_equal(a.reservations, b.reservations)


def test_profile_alone_carries_its_domain() -> None:
    prefs = read_geniusweb_profile(DATA / "ANL2023-domain00/profileA.json")
    assert prefs.space.size == 6480
    issues = read_geniusweb_domain(DATA / "ANL2023-domain00/domain00.json")
    assert [i.values for i in prefs.space.issues] == [i.values for i in issues]


def test_number_value_sets_interpolate_like_geniusweb(tmp_path: Path) -> None:
    domain = {"name": "n", "issuesValues": {
        "price": {"range": {"low": 12.2, "high": 12.6, "step": 0.3}},
        "qty": {"range": {"low": 0, "high": 10, "step": 2}},
        "colour": {"values": ["red", "blue"]},
    }}  # fmt: skip
    utils = {
        "price": {"numberutils": {"lowValue": 12.2, "lowUtility": 1, "highValue": 12.5, "highUtility": 0.3}},
        "qty": {
            "NumberValueSetUtilities": {"lowValue": 3, "lowUtility": 0.1, "highValue": 10, "highUtility": 0.9}
        },
        "colour": {"discreteutils": {"valueUtilities": {"red": 0.25, "blue": 1}}},
    }
    prof = {"LinearAdditiveUtilitySpace": {"name": "p", "domain": domain, "issueUtilities": utils,
            "issueWeights": {"price": 0.5, "qty": 0.3, "colour": 0.2}}}  # fmt: skip
    (tmp_path / "d.json").write_text(json.dumps(domain))
    (tmp_path / "a.json").write_text(json.dumps(prof))
    (tmp_path / "b.json").write_text(json.dumps(prof))
    sc = load_folder(tmp_path)
    price, qty, _ = sc.space.issues
    assert price.kind == "real" and price.values == (12.2, 12.5)
    assert qty.kind == "integer" and qty.values == (0, 2, 4, 6, 8, 10)

    def lerp(x: str, lv: str, lu: str, hv: str, hu: str) -> float:
        x_, lv_, lu_, hv_, hu_ = map(Fraction, (x, lv, lu, hv, hu))
        if not lv_ <= x_ <= hv_:
            return 0.0
        return round(float(lu_ + (hu_ - lu_) * (x_ - lv_) / (hv_ - lv_)), 8)

    s = sc.parties[0].preferences.scores
    assert s[0].tolist() == [1.0, 0.3]
    assert s[1].tolist() == [lerp(str(x), "3", "0.1", "10", "0.9") for x in (0, 2, 4, 6, 8, 10)]
    assert s[1].tolist()[:2] == [0.0, 0.0] and s[1][-1] == 0.9


def test_bad_profiles_raise_input_errors(tmp_path: Path) -> None:
    shutil.copytree(DATA / "GeniusWeb-Party", tmp_path / "p")
    f = tmp_path / "p" / "party2.json"
    good = f.read_text()
    f.write_text(good.replace('"Chips and Nuts": 0.24', '"Crisps": 0.24'))
    with pytest.raises(InputError, match=r"party2\.json: issueUtilities\.Food.*Crisps"):
        load_folder(tmp_path / "p")
    f.write_text(good.replace('"Music": 0.108', '"Music": "loud"'))
    with pytest.raises(InputError, match=r"party2\.json: issueWeights\.Music"):
        load_folder(tmp_path / "p")
    f.write_text(good[:-20])
    with pytest.raises(InputError, match=r"party2\.json.*valid JSON"):
        load_folder(tmp_path / "p")
    data = json.loads(good)
    del data["LinearAdditiveUtilitySpace"]["reservationBid"]["issuevalues"]["Music"]
    f.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"party2\.json: reservationBid\.issuevalues\.Music"):
        load_folder(tmp_path / "p")


def test_missing_value_utility_warns_and_uses_zero(tmp_path: Path) -> None:
    shutil.copytree(DATA / "GeniusWeb-Party", tmp_path / "p")
    f = tmp_path / "p" / "party1.json"
    data = json.loads(f.read_text())
    del data["LinearAdditiveUtilitySpace"]["issueUtilities"]["Music"]["discreteutils"]["valueUtilities"][
        "Band"
    ]
    f.write_text(json.dumps(data))
    with pytest.warns(FormatWarning, match=r"party1\.json: issueUtilities\.Music.*Band"):
        sc = load_folder(tmp_path / "p")
    assert sc.parties[0].preferences.scores[4].tolist() == [0.65, 0.99, 0.0]


# ------------------------------------------------------------------ writer


def assert_same(a: Scenario, b: Scenario) -> None:
    assert a.party_names == b.party_names
    assert np.array_equal(a.compile().utilities, b.compile().utilities)
    assert [p.preferences.reservation for p in a.parties] == [p.preferences.reservation for p in b.parties]


@pytest.mark.parametrize("folder", SMALL_FOLDERS)
def test_write_geniusweb_round_trip_keeps_every_utility(tmp_path: Path, folder: str) -> None:
    sc = load_folder(DATA / folder)
    discounted = any(p.preferences.discount != 1 for p in sc.parties)
    with pytest.warns(FormatWarning, match="discount") if discounted else contextlib.nullcontext():
        write_geniusweb(sc, tmp_path)
    assert_same(sc, load_folder(tmp_path, parties=["all"]))


@pytest.mark.parametrize("folder", ["Laptop", "Amsterdam", "NiceOrDie", "GeniusWeb-Party"])
def test_reservation_bid_keeps_the_acceptable_set(tmp_path: Path, folder: str) -> None:
    sc = load_folder(DATA / folder)
    with pytest.warns(FormatWarning) if folder == "Laptop" else contextlib.nullcontext():
        write_geniusweb(sc, tmp_path, exact_reservation=False)
    back = load_folder(tmp_path, parties=["all"])
    assert EXACT_RESERVATION_KEY not in (tmp_path / f"{sc.party_names[0]}.json").read_text()
    u = sc.compile().utilities
    assert np.array_equal(u, back.compile().utilities)
    for i, (p, q) in enumerate(zip(sc.parties, back.parties, strict=True)):
        rv, rv2 = p.preferences.reservation, q.preferences.reservation
        if rv <= 0:
            assert rv2 == 0.0
        elif (u[i] >= rv).any():
            assert rv2 >= rv and rv2 in u[i]
            assert np.array_equal(u[i] >= rv, u[i] >= rv2)


def test_write_geniusweb_warns_about_dropped_discounts_and_refuses_constraints(tmp_path: Path) -> None:
    sc = load_folder(DATA / "Laptop")
    with pytest.warns(FormatWarning, match="discount"):
        write_geniusweb(sc, tmp_path / "a")
    assert all(p.preferences.discount == 1.0 for p in load_folder(tmp_path / "a").parties)
    p = sc.parties[0].preferences
    c = compile_expression("Laptop != HP", sc.space)
    bad = Preferences(sc.space, p.weights, p.scores, constraints=(c,))
    with pytest.raises(InputError, match="constraints"):
        write_geniusweb(Scenario("x", sc.space, (Party("a", bad), sc.parties[1])), tmp_path / "b")
    over = Preferences(sc.space, p.weights, (p.scores[0] * 2, *p.scores[1:]))
    with pytest.raises(InputError, match=r"scores in \[0, 1\]"):
        write_geniusweb(Scenario("x", sc.space, (Party("a", over), sc.parties[1])), tmp_path / "c")


@st.composite
def additive_scenarios(draw: st.DrawFn) -> Scenario:
    unit = st.floats(0.0, 1.0, allow_nan=False)
    issues = []
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["categorical", "integer", "real"]))
        n = draw(st.integers(1, 4))
        if kind == "integer":
            issues.append(Issue.integer(f"i{k}", -2, n - 3))
        elif kind == "real":
            issues.append(Issue.real(f"r{k}", 0.1, draw(st.floats(0.2, 10.0)), n))
        else:
            issues.append(Issue.categorical(f"c {k}", [f"value {j}" for j in range(n)]))
    space = OutcomeSpace(issues)
    parties = []
    for n in range(draw(st.integers(2, 3))):
        scores = tuple(np.array([draw(unit) for _ in iss.values]) for iss in issues)
        prefs = Preferences(space, np.array([draw(unit) for _ in issues]), scores, reservation=draw(unit))
        parties.append(Party(f"p{n}", prefs))
    return Scenario("generated", space, tuple(parties))


@settings(max_examples=30, deadline=None)
@given(sc=additive_scenarios())
def test_write_geniusweb_round_trip_on_generated_scenarios(sc: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_geniusweb(sc, tmp)
        assert_same(sc, load_folder(tmp, parties=["all"]))
