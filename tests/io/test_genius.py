"""GENIUS XML reader and writer, checked against the raw files and SOURCES.md.

Reference utilities are computed here by hand from the XML with ``xml.etree`` and plain Python,
following the GENIUS rules (formats.md §1.1). The hand sum runs over the issues in domain order,
``u = 0.0; u += w_i * e_i``, the same order as ``Preferences.evaluate_all``, so the two agree with
``==`` (no ulp tolerance is needed anywhere in this file).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.convert import UTILITY_TOLERANCE
from accord.io.folder import load_folder
from accord.io.genius import (
    FormatWarning,
    read_genius_domain,
    read_genius_profile,
    write_genius,
)
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

DATA = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared GENIUS data not available")

# Outcome counts and number of issues, from shared/data/genius/SOURCES.md (Summary table).
SOURCES_COUNTS = {
    "NiceOrDie": (1, 3),
    "Laptop": (3, 27),
    "Barter": (3, 80),
    "ItexvsCypress": (4, 180),
    "ANAC2015-CarDomain": (4, 240),
    "EnglandZimbabwe": (5, 576),
    "Grocery": (5, 1_600),
    "Amsterdam": (6, 3_024),
    "PartyDomain": (6, 3_072),
    "GeniusWeb-Party": (6, 3_072),
    "Camera": (6, 3_600),
    "ANL2023-domain00": (5, 6_480),
    "Travel": (7, 188_160),
    "Energy": (8, 390_625),
    "SixIssuesInteger": (6, 1_000_000),
}
GENIUS_FOLDERS = [f for f in SOURCES_COUNTS if f not in ("GeniusWeb-Party", "ANL2023-domain00")]

# Check pair and Nash point (4 decimals) from SOURCES.md.
SOURCES_NASH = {
    "NiceOrDie": ("NiceOrDie1", "NiceOrDie2", (1.0000, 0.1600)),
    "Laptop": ("laptop_buyer_utility", "laptop_seller_utility", (1.0001, 0.8151)),
    "Barter": ("Barter-A-prof1", "Barter-A-prof2", (0.6540, 0.6500)),
    "ItexvsCypress": ("ItexvsCypress_Itex", "ItexvsCypress_Cypress", (0.7215, 0.6705)),
    "ANAC2015-CarDomain": ("car-Profile1", "car-Profile2", (0.8901, 0.8086)),
    "EnglandZimbabwe": ("England", "Zimbabwe", (0.9109, 0.7332)),
    "Grocery": ("Grocery_domain_mary", "Grocery_domain_sam", (0.8400, 0.8950)),
    "Amsterdam": ("Amsterdam_party1", "Amsterdam_party2", (0.8300, 0.8558)),
    "PartyDomain": ("party1_utility", "party2_utility", (0.7850, 0.9286)),
    "Camera": ("camera_buyer_utility", "camera_seller_utility", (0.8154, 0.8808)),
    "Travel": ("travel_chox", "travel_fanny", (0.8824, 0.8020)),
    "Energy": ("energy_consumer", "energy_distributor", (0.6250, 0.7543)),
    "SixIssuesInteger": ("6issues_util1", "6issues_util2", (0.5189, 0.6396)),
}

# (discount, reservation) as listed in SOURCES.md, with the number of decimals shown there.
SOURCES_DF_RV = {
    ("NiceOrDie", "NiceOrDie1"): (1, 0, 3),
    ("NiceOrDie", "NiceOrDieA50"): (1, 0.291, 3),
    ("NiceOrDie", "NiceOrDieB10"): (1, 0.836, 3),
    ("Laptop", "laptop_buyer_utility"): (0.4244, 0, 4),
    ("Laptop", "laptop_seller_utility"): (0.4244, 0, 4),
    ("Laptop", "laptop_buyer_utility10"): (1, 0.343, 3),
    ("Laptop", "laptop_seller_utility10"): (1, 0.331, 3),
    ("Barter", "Barter-A-prof1"): (0.5, 0.5, 3),
    ("Barter", "Barter-B-prof2"): (1, 0, 3),
    ("Barter", "Barter-C-prof1"): (0.75, 0.25, 3),
    ("ItexvsCypress", "ItexvsCypress_Itex"): (1, 0, 3),
    ("ItexvsCypress", "ItexvsCypress_Itex50"): (1, 0.367, 3),
    ("ItexvsCypress", "ItexvsCypress_Cypress100"): (1, 0.233, 3),
    ("ANAC2015-CarDomain", "car-Profile3"): (1, 0, 3),
    ("ANAC2015-CarDomain", "car-ProfileA50"): (1, 0.543, 3),
    ("ANAC2015-CarDomain", "car-ProfileB100"): (1, 0.150, 3),
    ("EnglandZimbabwe", "England"): (1, 0, 3),
    ("EnglandZimbabwe", "England10"): (1, 0.006, 3),
    ("EnglandZimbabwe", "Zimbabwe10"): (1, 0.840, 3),
    ("Grocery", "Grocery_domain_mary"): (0.8056, 0, 4),
    ("Grocery", "Grocery_domain_mary50"): (1, 0.278, 3),
    ("Grocery", "Grocery_domain_sam100"): (1, 0.205, 3),
    ("Amsterdam", "Amsterdam_party2"): (1, 0, 3),
    ("Amsterdam", "Amsterdam_A100"): (1, 0.889, 3),
    ("Amsterdam", "Amsterdam_B20"): (1, 0.353, 3),
    ("PartyDomain", "party5_utility"): (1, 0, 4),
    ("PartyDomain", "party1_utility100"): (1, 0.4995, 4),
    ("PartyDomain", "party2_utility10"): (1, 0.0062, 4),
    ("Camera", "camera_buyer_utility"): (0.8906, 0, 4),
    ("Camera", "camera_buyer_100"): (1, 0.769, 3),
    ("Camera", "camera_seller_20"): (1, 0.304, 3),
    ("SixIssuesInteger", "6issues_util2"): (1, 0, 3),
    ("Travel", "travel_chox"): (1, 0, 3),
    ("Energy", "energy_distributor"): (1, 0, 3),
}


# ------------------------------------------------------------------ hand reference (plain Python)


def hand_domain(path: Path) -> list[tuple[str, list]]:
    out = []
    for el in ET.parse(path).getroot().iter("issue"):
        kind = el.get("vtype") or el.get("type") or el.get("etype")
        if kind == "integer":
            values: list = list(range(int(el.get("lowerbound")), int(el.get("upperbound")) + 1))
        else:
            values = [it.get("value") for it in el.findall("item")]
        out.append((el.get("name"), values))
    return out


def hand_profile(path: Path) -> dict[str, tuple[float, dict]]:
    """issue name -> (weight, {value: evaluation}) under the GENIUS rules."""
    root = ET.parse(path).getroot()
    weights = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
    out = {}
    for el in root.iter("issue"):
        items = el.findall("item")
        if items:
            raw = {it.get("value"): float(it.get("evaluation")) for it in items}
            top = max(raw.values())
            ev = {v: x / top for v, x in raw.items()}  # EvaluatorDiscrete.normalize: always
        else:
            e = el.find("evaluator")
            slope, offset, low = float(e.get("slope")), float(e.get("offset")), int(el.get("lowerbound"))
            hi = int(el.get("upperbound"))
            ev = {v: min(1.0, max(0.0, slope * (v - low) + offset)) for v in range(low, hi + 1)}
        out[el.get("name")] = (weights[el.get("index")], ev)
    return out


def hand_utility(domain: list[tuple[str, list]], profile: dict, idx: int) -> float:
    digits = []
    for _, values in reversed(domain):
        digits.append(idx % len(values))
        idx //= len(values)
    digits.reverse()
    u = 0.0
    for (name, values), d in zip(domain, digits, strict=True):
        w, ev = profile[name]
        u += w * ev[values[d]]
    return min(u, 1.0)  # GENIUS's AdditiveUtilitySpace.getUtility: min(sum, 1)


def hand_best(domain: list[tuple[str, list]], profile: dict) -> int:
    """Index of the outcome taking each issue's best value (the maximum when weights are >= 0)."""
    idx = 0
    for name, values in domain:
        ev = profile[name][1]
        idx = idx * len(values) + max(range(len(values)), key=lambda j: ev[values[j]])
    return idx


def natural(f: Path) -> tuple:
    """Digit runs compared as numbers (docs/formats.md: profiles in natural file-name order)."""
    return tuple(int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", f.stem))


def files_by_root(folder: Path) -> tuple[Path, list[Path]]:
    domain, profiles = None, []
    for f in sorted(folder.glob("*.xml"), key=natural):
        tag = ET.parse(f).getroot().tag
        if tag == "negotiation_template" and domain is None:
            domain = f
        elif tag == "utility_space":
            profiles.append(f)
    return domain, profiles


# ------------------------------------------------------------------ loading the shared folders


@pytest.mark.parametrize("folder", list(SOURCES_COUNTS))
def test_every_shared_folder_loads_with_the_outcome_count_of_sources(folder: str) -> None:
    sc = load_folder(DATA / folder, parties=["all"])
    n_issues, n_outcomes = SOURCES_COUNTS[folder]
    assert len(sc.space.issues) == n_issues
    assert sc.space.size == n_outcomes
    assert sc.name == folder and sc.path == str(DATA / folder)
    assert sc.format == ("geniusweb" if folder in ("GeniusWeb-Party", "ANL2023-domain00") else "genius")
    assert sc.protocol.deadline == 100
    if sc.format == "genius":
        assert list(sc.party_names) == [p.stem for p in files_by_root(DATA / folder)[1]]


@pytest.mark.parametrize("folder", GENIUS_FOLDERS)
def test_utilities_equal_a_hand_computation_from_the_raw_xml(folder: str) -> None:
    sc = load_folder(DATA / folder, parties=["all"])
    domain_file, profiles = files_by_root(DATA / folder)
    domain = hand_domain(domain_file)
    comp = sc.compile()
    rng = np.random.default_rng(20190228)
    if sc.space.size <= 4_000:
        sample = list(range(sc.space.size))
    else:
        sample = [0, sc.space.size - 1, *rng.integers(0, sc.space.size, 300).tolist()]
    for i, pfile in enumerate(profiles):
        prof = hand_profile(pfile)
        u = comp.utilities[i]
        assert [u[j] for j in sample] == [hand_utility(domain, prof, j) for j in sample], pfile.name
        best = hand_best(domain, prof)
        assert u.max() == hand_utility(domain, prof, best) == u[best]


@pytest.mark.parametrize("folder", list(SOURCES_NASH))
def test_nash_point_of_the_check_pair_matches_sources(folder: str) -> None:
    a, b, nash = SOURCES_NASH[folder]
    comp = load_folder(DATA / folder, parties=[a, b]).compile()
    k = int(np.argmax(comp.utilities[0] * comp.utilities[1]))
    # SOURCES.md's brute-force check summed without GENIUS's cap at 1 (Laptop: 1.0001); GENIUS caps
    assert tuple(round(float(x), 4) for x in comp.utilities[:, k]) == tuple(min(x, 1.0) for x in nash)


@pytest.mark.parametrize(("key", "expected"), list(SOURCES_DF_RV.items()))
def test_discount_and_reservation_as_listed_in_sources(key: tuple[str, str], expected: tuple) -> None:
    folder, party = key
    df, rv, decimals = expected
    prefs = load_folder(DATA / folder, parties=[party, _other(folder, party)]).parties[0].preferences
    tol = 0.5 * 10.0**-decimals
    assert prefs.discount == pytest.approx(df, abs=tol)
    assert prefs.reservation == pytest.approx(rv, abs=tol)


def _other(folder: str, party: str) -> str:
    return next(p.stem for p in files_by_root(DATA / folder)[1] if p.stem != party)


def test_laptop_weights_are_not_renormalised() -> None:
    sc = load_folder(DATA / "Laptop")
    raw = [
        float(w.get("value"))
        for w in ET.parse(DATA / "Laptop/laptop_buyer_utility.xml").getroot().iter("weight")
    ]
    prefs = sc.parties[sc.party_index("laptop_buyer_utility")].preferences
    assert prefs.weights.tolist() == raw
    assert prefs.weights.sum() == pytest.approx(1.0001, abs=1e-4) and prefs.weights.sum() > 1.00005
    # the weighted scores of the best outcome sum to ~1.0001; GENIUS's getUtility caps it at 1, so does accord
    assert sum(float(c.max()) for c in prefs.contributions()) > 1.00005
    assert prefs.evaluate_all().max() == 1.0 and prefs.cap == 1.0


def test_public_readers_agree_with_the_folder_loader() -> None:
    issues = read_genius_domain(DATA / "SixIssuesInteger/6issues.xml")
    assert [i.kind for i in issues] == ["integer"] * 6 and issues[0].values == tuple(range(10))
    prefs = read_genius_profile(DATA / "SixIssuesInteger/6issues_util1.xml", OutcomeSpace(issues))
    folder = load_folder(DATA / "SixIssuesInteger")
    assert np.array_equal(prefs.evaluate_all(), folder.parties[0].preferences.evaluate_all())


# ------------------------------------------------------------------ robustness (temp files)

DOMAIN = """<negotiation_template><utility_space><objective index="0" name="root">
<issue index="1" name="A" etype="discrete" type="discrete" vtype="discrete">
<item index="1" value="x" description="{desc}"/><item index="2" value="y"/><item index="3" value="z"/></issue>
<issue index="2" name="B" vtype="integer" lowerbound="2" upperbound="6"/>
</objective></utility_space></negotiation_template>"""

PROFILE = """<utility_space><objective index="0" name="root">
<issue index="1" name="A" type="discrete"><item value="x" evaluation="{ex}"/><item value="y" evaluation="3"/>
<item value="z" evaluation="0"/></issue>
<issue index="2" name="B" vtype="integer" lowerbound="2" upperbound="6"><evaluator ftype="linear" slope="-0.4" offset="1.3"/></issue>
<weight index="1" value="{w1}"/><weight index="2" value="0.4"/>
</objective>{tail}</utility_space>"""


def make_folder(tmp: Path, desc: str = "plain", tail: str = "", ex: str = "6", w1: str = "0.6") -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "dom.xml").write_text(DOMAIN.format(desc=desc))
    (tmp / "p1.xml").write_text(PROFILE.format(ex=ex, w1=w1, tail=tail))
    (tmp / "p2.xml").write_text(PROFILE.format(ex="1", w1="0.5", tail=""))
    return tmp


def test_small_profile_by_hand(tmp_path: Path) -> None:
    sc = load_folder(make_folder(tmp_path))
    p1 = sc.parties[0].preferences
    # A: evaluations 6, 3, 0 > 1 -> divided by 6; B: 1.3 - 0.4 (v - 2) clipped to [0, 1].
    assert p1.scores[0].tolist() == [1.0, 0.5, 0.0]
    assert p1.scores[1].tolist() == [1.0, 1.3 - 0.4, max(0.0, 1.3 - 0.4 * 2), max(0.0, 1.3 - 0.4 * 3), 0.0]
    # p2: evaluations 1, 3, 0 -> divided by 3.
    assert sc.parties[1].preferences.scores[0].tolist() == [1 / 3, 1.0, 0.0]
    assert (p1.discount, p1.reservation) == (1.0, 0.0)


def test_latin1_file_loads(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "utf8")
    latin = tmp_path / "latin"
    shutil.copytree(folder, latin)
    (latin / "dom.xml").write_bytes(DOMAIN.format(desc="caf\u00e9 cr\u00e8me").encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        (latin / "dom.xml").read_bytes().decode("utf-8")
    with pytest.warns(FormatWarning, match="dom.xml"):
        sc = load_folder(latin)
    assert np.array_equal(sc.compile().utilities, load_folder(folder).compile().utilities)


def test_unparsable_discount_warns_and_uses_one(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, tail='<discount_factor value="s"/><reservation value="0.25"/>')
    with pytest.warns(FormatWarning, match=r"p1\.xml: discount_factor"):
        sc = load_folder(folder)
    assert sc.parties[0].preferences.discount == 1.0
    assert sc.parties[0].preferences.reservation == 0.25


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5"])
def test_discount_outside_zero_one_warns_and_uses_one(tmp_path: Path, value: str) -> None:
    folder = make_folder(tmp_path, tail=f'<discount_factor value="{value}"/>')
    with pytest.warns(FormatWarning, match="discount_factor"):
        assert load_folder(folder).parties[0].preferences.discount == 1.0


def test_unparsable_reservation_warns_and_uses_zero(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, tail='<discount_factor value="0.9"/><reservation value="abc"/>')
    with pytest.warns(FormatWarning, match="reservation"):
        prefs = load_folder(folder).parties[0].preferences
    assert (prefs.discount, prefs.reservation) == (0.9, 0.0)


def test_clean_files_raise_no_warning(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_folder(make_folder(tmp_path, tail='<discount_factor value="0.5"/><reservation value="0.1"/>'))
        load_folder(DATA / "Laptop", parties=["laptop_buyer_utility", "laptop_seller_utility"])


def test_malformed_xml_raises_input_error_naming_the_file(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "p2.xml").write_text("<utility_space><objective></utility_space>")
    with pytest.raises(InputError, match="p2.xml"):
        load_folder(folder)


def test_missing_profile_raises_input_error(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "p2.xml").unlink()
    with pytest.raises(InputError, match="at least two profiles"):
        load_folder(folder)
    with pytest.raises(InputError, match=str(folder)):
        load_folder(folder)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ex": "lots"}, "evaluation"),
        ({"w1": "heavy"}, "weight"),
    ],
)
def test_non_numeric_numbers_raise(tmp_path: Path, kwargs: dict, field: str) -> None:
    with pytest.raises(InputError, match=rf"p1\.xml: .*{field}"):
        load_folder(make_folder(tmp_path, **kwargs))


def test_missing_weight_and_unknown_item_raise(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    text = PROFILE.format(ex="6", w1="0.6", tail="")
    (folder / "p1.xml").write_text(text.replace('<weight index="2" value="0.4"/>', ""))
    with pytest.raises(InputError, match=r"p1\.xml: weight index=2"):
        load_folder(folder)
    (folder / "p1.xml").write_text(text.replace('value="z"', 'value="w"'))
    # 'w' is not in the domain: skipped with a warning (GENIUS keeps it in its map); 'z' then has no
    # evaluation, which GENIUS cannot evaluate either.
    with (
        pytest.warns(FormatWarning, match=r"p1\.xml: issue 'A': values not in the domain.*'w'"),
        pytest.raises(InputError, match=r"p1\.xml: issue 'A': .*every value.*'z'"),
    ):
        load_folder(folder)


def test_nested_objectives_and_matching_by_index_or_name(tmp_path: Path) -> None:
    flat = make_folder(tmp_path / "flat")
    nested = tmp_path / "nested"
    nested.mkdir()
    dom = (
        DOMAIN.format(desc="d")
        .replace('<issue index="2"', '<objective index="3" name="sub"><issue index="2"')
        .replace("</objective></utility_space>", "</objective></objective></utility_space>")
    )
    (nested / "dom.xml").write_text(dom)
    # p1: issues renamed (matched by index) and nested; p2: issue order swapped (matched by name).
    p1 = (
        PROFILE.format(ex="6", w1="0.6", tail="")
        .replace('name="A"', 'name="first"')
        .replace('name="B"', 'name="second"')
    )
    p1 = p1.replace('<issue index="2"', '<objective index="3" name="sub"><issue index="2"').replace(
        "</issue>\n<weight", "</issue></objective>\n<weight"
    )
    (nested / "p1.xml").write_text(p1)
    p2 = PROFILE.format(ex="1", w1="0.5", tail="")
    a, b = p2.index('<issue index="1"'), p2.index('<issue index="2"')
    end = p2.index("<weight")
    (nested / "p2.xml").write_text(p2[:a] + p2[b:end] + p2[a:b] + p2[end:])
    assert np.array_equal(load_folder(nested).compile().utilities, load_folder(flat).compile().utilities)


def test_real_issue_evaluators_on_the_discretised_range(tmp_path: Path) -> None:
    dom = """<negotiation_template><utility_space><objective index="0" name="car">
    <issue index="1" name="Price" vtype="real"><range lowerbound="13000" upperbound="23000"/></issue>
    <issue index="2" name="Km" type="real"><range lowerbound="0" upperbound="10"/></issue>
    <issue index="3" name="Age" etype="real"><range lowerbound="0" upperbound="8"/></issue>
    </objective></utility_space></negotiation_template>"""
    prof = """<utility_space><objective index="0" name="car">
    <issue index="1" name="Price"><range lowerbound="13000" upperbound="23000"/><evaluator ftype="linear" parameter1="-0.00015" parameter0="3.4"/></issue>
    <issue index="2" name="Km"><range lowerbound="0" upperbound="10"/><evaluator ftype="constant" parameter0="0.3"/></issue>
    <issue index="3" name="Age"><range lowerbound="0" upperbound="8"/><evaluator ftype="triangular" parameter0="2" parameter1="6" parameter2="3"/></issue>
    <weight index="1" value="0.5"/><weight index="2" value="0.2"/><weight index="3" value="0.3"/>
    </objective></utility_space>"""
    for name, text in (("d.xml", dom), ("a.xml", prof), ("b.xml", prof)):
        (tmp_path / name).write_text(text)
    sc = load_folder(tmp_path, real_steps=5)
    assert [i.values for i in sc.space.issues] == [
        (13000.0, 15500.0, 18000.0, 20500.0, 23000.0),
        (0.0, 2.5, 5.0, 7.5, 10.0),
        (0.0, 2.0, 4.0, 6.0, 8.0),
    ]
    s = sc.parties[0].preferences.scores
    price = [min(1.0, max(0.0, -0.00015 * x + 3.4)) for x in (13000, 15500, 18000, 20500, 23000)]
    assert s[0].tolist() == price  # 1, 1, 0.7, 0.325, 0 (clipped both ways)
    assert s[1].tolist() == [0.3] * 5
    # triangular lower 2, upper 6, top 3: 0 below 2, rising to 1 at 3, falling to 0 at 6.
    assert s[2].tolist() == [0.0, 0.0, 1 - (4 - 3) / (6 - 3), 0.0, 0.0]
    assert len(load_folder(tmp_path).space.issues[0].values) == 11  # default real_steps


# ------------------------------------------------------------------ writer round trips


def assert_same_utilities(a: Scenario, b: Scenario) -> None:
    """Equal to UTILITY_TOLERANCE: an issue whose best score is m < 1 is written as scores / m with its
    weight times m (GENIUS divides by the best evaluation), exact only to a few ulps."""
    assert a.party_names == b.party_names
    assert np.abs(a.compile().utilities - b.compile().utilities).max(initial=0.0) <= UTILITY_TOLERANCE
    for pa, pb in zip(a.parties, b.parties, strict=True):
        assert pa.preferences.reservation == pb.preferences.reservation
        assert pa.preferences.discount == pb.preferences.discount


@pytest.mark.parametrize("folder", [f for f, (_, n) in SOURCES_COUNTS.items() if n <= 100_000])
def test_write_genius_round_trip_keeps_every_utility(tmp_path: Path, folder: str) -> None:
    sc = load_folder(DATA / folder, parties=["all"])
    write_genius(sc, tmp_path / "out")
    assert_same_utilities(sc, load_folder(tmp_path / "out", parties=["all"]))


def test_write_genius_keeps_integer_issues_with_linear_evaluators(tmp_path: Path) -> None:
    sc = load_folder(DATA / "SixIssuesInteger")
    write_genius(sc, tmp_path)
    back = load_folder(tmp_path, parties=["all"])
    assert [i.kind for i in back.space.issues] == ["integer"] * 6
    root = ET.parse(tmp_path / "6issues_util1.xml").getroot()
    assert len(list(root.iter("evaluator"))) == 6 and not list(root.iter("item"))
    assert_same_utilities(sc, back)


def test_write_genius_writes_non_linear_integer_scores_as_items(tmp_path: Path) -> None:
    space = OutcomeSpace([Issue.integer("n", 0, 3), Issue.categorical("c", ["a", "b"])])
    a = Preferences(space, np.array([0.7, 0.3]), (np.array([0.0, 0.9, 0.2, 1.0]), np.array([1.0, 0.0])))
    b = Preferences(space, np.array([0.5, 0.5]), (np.array([1.0, 0.75, 0.5, 0.25]), np.array([0.0, 1.0])))
    sc = Scenario("mixed", space, (Party("a", a), Party("b", b)))
    write_genius(sc, tmp_path)
    assert ET.parse(tmp_path / "domain.xml").getroot().find(".//issue").get("vtype") == "discrete"
    assert_same_utilities(sc, load_folder(tmp_path, parties=["all"]))


def test_write_genius_refuses_non_additive_terms_and_bad_folders(tmp_path: Path) -> None:
    from accord.model.expr import compile_expression

    sc = load_folder(DATA / "Laptop")
    p = sc.parties[0].preferences
    term = Term(compile_expression("Laptop == HP", sc.space), 0.1)
    bad = Preferences(sc.space, p.weights, p.scores, terms=(term,))
    with pytest.raises(InputError, match="non-additive"):
        write_genius(Scenario("x", sc.space, (Party("a", bad), sc.parties[1])), tmp_path / "x")
    write_genius(sc, tmp_path / "y")
    with pytest.raises(InputError, match="overwrite"):
        write_genius(sc, tmp_path / "y")
    write_genius(sc, tmp_path / "y", overwrite=True)


@st.composite
def additive_scenarios(draw: st.DrawFn) -> Scenario:
    unit = st.floats(0.0, 1.0, allow_nan=False)
    issues = []
    for k in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lo = draw(st.integers(-3, 3))
            issues.append(Issue.integer(f"i{k}", lo, lo + draw(st.integers(0, 4))))
        else:
            issues.append(Issue.categorical(f"c{k}", [f"v{j}" for j in range(draw(st.integers(1, 4)))]))
    space = OutcomeSpace(issues)
    parties = []
    for n in range(draw(st.integers(2, 3))):
        scores = []
        for iss in issues:
            if iss.kind == "integer" and draw(st.booleans()):
                slope, offset = draw(st.floats(-0.3, 0.3)), draw(unit)
                scores.append(np.clip(slope * (iss.numeric - iss.numeric[0]) + offset, 0.0, 1.0))
            else:
                scores.append(np.array([draw(unit) for _ in iss.values]))
        prefs = Preferences(
            space,
            np.array([draw(unit) for _ in issues]),
            tuple(scores),
            reservation=draw(unit),
            discount=draw(st.floats(0.01, 1.0)),
        )
        parties.append(Party(f"party{n}", prefs))
    return Scenario("generated", space, tuple(parties))


@settings(max_examples=30, deadline=None)
@given(sc=additive_scenarios())
def test_write_genius_round_trip_on_generated_scenarios(sc: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top = max(sum(float(c.max()) for c in p.preferences.contributions()) for p in sc.parties)
        if top > 1.0 + UTILITY_TOLERANCE:  # GENIUS caps every utility at 1: refused, not written wrong
            with pytest.raises(InputError, match="summing to at most 1"):
                write_genius(sc, tmp)
            return
        write_genius(sc, tmp)
        assert_same_utilities(sc, load_folder(tmp, parties=["all"]))


def test_write_genius_rescales_an_issue_whose_best_score_is_below_one(tmp_path: Path) -> None:
    space = OutcomeSpace([Issue.categorical("c", ["a", "b"]), Issue.categorical("d", ["x", "y"])])
    prefs = Preferences(space, np.array([0.6, 0.4]), (np.array([0.2, 0.5]), np.array([1.0, 0.0])))
    sc = Scenario("low", space, (Party("p", prefs), Party("q", prefs.with_reservation(0.1))))
    write_genius(sc, tmp_path)
    prof = ET.parse(tmp_path / "p.xml").getroot()
    evals = [float(i.get("evaluation")) for i in prof.find("objective").find("issue").findall("item")]
    weights = [float(w.get("value")) for w in prof.iter("weight")]
    assert evals == [0.2 / 0.5, 1.0] and weights == [0.6 * 0.5, 0.4]  # GENIUS divides by the best: 0.5
    assert_same_utilities(sc, load_folder(tmp_path, parties=["p", "q"]))
