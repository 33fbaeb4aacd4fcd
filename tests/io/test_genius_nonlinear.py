"""GENIUS nonlinear (hyper-rectangle) utility spaces, read as GENIUS 10.4's NonlinearUtilitySpace reads them.

Reference: an evaluator written here from the rules of ``UtilityFunction.getUtility`` and
``{Inclusive,Exclusive}HyperRectangle.getUtility`` (docs/formats.md), walking the XML for one outcome at
a time with plain loops, on a small domain written for these tests (fixtures/genius/nonlinear_small: inclusive
and exclusive rectangles, rectangle weights, a nested weighted ufun, a rectangle without bounds, a negative
utility, sums above maxutility). The approximate analysis is checked against the exact one on that domain.
"""

from __future__ import annotations

import itertools
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.analysis.sampled import analyze_sampled
from accord.analysis.solutions import analyze
from accord.errors import InputError
from accord.io.folder import load_folder
from accord.io.genius import FormatWarning
from accord.io.yaml_scenario import dumps_yaml, loads_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "genius"
SMALL = FIXTURES / "nonlinear_small"


def parse(path: Path) -> ET.Element:
    text = re.sub(r"<\?xml[^>]*\?>", "", path.read_text())
    return ET.fromstring(text)


def oracle(profile: Path, outcome: dict[int, int]) -> float:
    """GENIUS's utility of ``outcome`` (issue index -> integer value), one rectangle at a time."""
    root = parse(profile)
    utility = root.find("objective/utility")
    top = float(utility.get("maxutility"))

    def rect_value(rect: ET.Element) -> float:
        inc, exc = rect.findall("INCLUDES"), rect.findall("EXCLUDES")
        value = float(rect.get("utility")) * float(rect.get("weight", "1"))
        if exc:
            for b in exc:
                if not int(b.get("min")) <= outcome[int(b.get("index"))] <= int(b.get("max")):
                    return value
            return 0.0
        for b in inc:
            if not int(b.get("min")) <= outcome[int(b.get("index"))] <= int(b.get("max")):
                return 0.0
        return value

    def ufun_value(ufun: ET.Element) -> float:
        total = 0.0
        for rect in ufun.findall("hyperRectangle"):
            total += rect_value(rect)
        for inner in ufun.findall("ufun"):
            total += ufun_value(inner) * float(inner.get("weight", "1"))
        return total

    return min(1.0, ufun_value(utility.find("ufun")) / top)


def domain_values(domain: Path) -> list[tuple[int, list[int]]]:
    return [
        (int(i.get("index")), list(range(int(i.get("lowerbound")), int(i.get("upperbound")) + 1)))
        for i in parse(domain).iter("issue")
    ]


def load_small():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        return load_folder(SMALL)


def test_every_outcome_has_the_utility_genius_gives_it() -> None:
    sc = load_small()
    assert sc.party_names == ("landlord", "tenant")  # pareto.xml (not XML) skipped
    issues = domain_values(SMALL / "rooms-domain.xml")
    outcomes = [
        dict(zip([i for i, _ in issues], combo, strict=True))
        for combo in itertools.product(*[v for _, v in issues])
    ]
    comp = sc.compile()
    for k, name in enumerate(sc.party_names):
        want = np.array([oracle(SMALL / f"{name}.xml", o) for o in outcomes])
        np.testing.assert_allclose(comp.utilities[k], want, rtol=0, atol=1e-12)
    assert comp.utilities[0].max() == 1.0  # the landlord's sums reach 85/60: capped at 1


def test_reservation_and_discount_are_read() -> None:
    sc = load_small()
    landlord, tenant = (p.preferences for p in sc.parties)
    assert (tenant.reservation, tenant.discount) == (0.3, 0.9)
    assert (landlord.reservation, landlord.discount) == (0.25, 1.0)


def test_the_terms_are_expressions_a_yaml_file_reads_back() -> None:
    sc = load_small()
    back = loads_yaml(dumps_yaml(sc), "rooms.yaml")
    assert back.compile().utilities.tobytes() == sc.compile().utilities.tobytes()


def test_sampled_analysis_finds_only_frontier_points_and_all_of_them_when_it_sees_everything() -> None:
    sc = load_small()
    exact = analyze(sc.compile())
    exact_points = {tuple(u) for u in exact.pareto_utilities.T.round(12).tolist()}
    few = analyze_sampled(sc, samples=20, seed=3)
    U = sc.compile().utilities
    # every point is a real outcome with its exact utilities, and none beats the exact frontier
    assert U[:, few.pareto].tobytes() == few.pareto_utilities.tobytes()
    for u in exact.pareto_utilities.T:
        assert not np.any(
            np.all(few.pareto_utilities >= u[:, None], axis=0)
            & np.any(few.pareto_utilities > u[:, None], axis=0)
        )
    full = analyze_sampled(sc, samples=10 * sc.space.size, seed=0)
    assert {tuple(u) for u in full.pareto_utilities.T.round(12).tolist()} == exact_points
    assert full.nash == exact.nash and full.max_welfare == exact.max_welfare
    assert analyze_sampled(sc, samples=20, seed=3).pareto.tolist() == few.pareto.tolist()  # seeded


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'aggregation="sum">\n         <hyperRectangle utility="35">',
            'aggregation="max">\n         <hyperRectangle utility="35">',
            "aggregation",
        ),
        ('maxutility="60"', 'maxutility="0"', "maxutility"),
        ('<INCLUDES index="3" min="6"', '<INCLUDES index="7" min="6"', "INCLUDES index"),
        ('min="6" max="9"', 'min="6.5" max="9"', "INCLUDES min"),
        ('<hyperRectangle utility="30">', '<hyperRectangle utility="lots">', "utility"),
    ],
)
def test_bad_nonlinear_profiles_are_refused_naming_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    for f in SMALL.iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    text = (SMALL / "landlord.xml").read_text()
    assert old in text
    (tmp_path / "landlord.xml").write_text(text.replace(old, new, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        with pytest.raises(InputError, match=rf"landlord\.xml: .*{field}"):
            load_folder(tmp_path, parties=["landlord", "tenant"])


def test_a_profile_without_a_utility_element_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        with pytest.raises(InputError, match=r"profile-\d\.xml: utility: expected a <utility maxutility"):
            load_folder(FIXTURES / "nonlinear")


def test_analyze_labels_the_approximation(tmp_path: Path) -> None:
    """A space too large to enumerate (six more issues nobody cares about): the analysis says it is
    approximate, and its points are outcomes worth what the small domain's outcomes are worth."""
    extra = "".join(
        f'<issue etype="integer" index="{k}" name="x{k}" type="integer" vtype="integer" lowerbound="0" upperbound="99"/>'
        for k in range(4, 10)
    )
    for f in SMALL.iterdir():
        text = f.read_text()
        anchor = 'lowerbound="2" upperbound="9"/>'
        (tmp_path / f.name).write_text(text.replace(anchor, anchor + extra) if anchor in text else text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        out = api.analyze(tmp_path)
        small = api.analyze(SMALL)
    assert out["outcomes"] == 5 * 7 * 8 * 100**6
    assert out["method"].startswith("APPROXIMATE") and small["method"] == "enumeration"
    assert out["zopa_size"] is None and out["nash"] is not None
    achievable = {tuple(u) for u in load_small().compile().utilities.T.round(12).tolist()}
    found = [tuple(round(x, 12) for x in p["utilities"].values()) for p in out["pareto"]]
    assert set(found) <= achievable  # real outcomes, exact utilities
    exact = [tuple(p["utilities"].values()) for p in small["pareto"]]
    assert not any(
        all(f >= e for f, e in zip(fp, ep, strict=True)) and fp != ep for fp in found for ep in exact
    )
