"""GENIUS reading rules (docs/formats.md), one fixture each, checked against an evaluator written here
from GENIUS 10.4's Java reader (DomainImpl, AdditiveUtilitySpace.loadTreeRecursive, EvaluatorDiscrete):

- only direct children count: an issue's values and evaluations are its own ``<item>`` children;
- a discrete evaluation is divided by the largest evaluation of its issue, always (0 when below 1e-5);
- a folder is bilateral by default (its first two base profiles), n-party for three or more bases;
- UNCERTAIN profiles are read with their true utility, never chosen by default, and say so;
- unreadable files are skipped with a warning naming them.

The property test writes random GENIUS profiles as XML text (decoy items nested where GENIUS ignores
them) and checks that every reading path (GENIUS XML, GeniusWeb JSON, accord YAML) gives each party's
best outcome the utility GENIUS gives it.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import tempfile
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.pareto import pareto_indices
from accord.errors import InputError
from accord.io.convert import UTILITY_TOLERANCE, read_scenario, write_scenario
from accord.io.folder import ProfileChoice, load_folder
from accord.io.genius import FormatWarning

FIXTURES = Path(__file__).parent / "fixtures" / "genius"


# ------------------------------------------------------------------ GENIUS's evaluator, by hand


def genius_domain(path: Path) -> list[tuple[str, list[str]]]:
    """(issue name, values): the direct <issue> children of the objective, their direct <item> children."""
    objective = ET.parse(path).getroot().find("utility_space").find("objective")
    return [
        (i.get("name"), [it.get("value") for it in i.findall("item")]) for i in objective.findall("issue")
    ]


def genius_profile(path: Path) -> dict[str, tuple[float, dict[str, float]]]:
    """issue -> (weight, value -> normalised evaluation) as EvaluatorDiscrete computes it."""
    objective = ET.parse(path).getroot().find("objective")
    weights = {w.get("index"): float(w.get("value")) for w in objective.findall("weight")}
    out = {}
    for issue in objective.findall("issue"):
        raw = {}
        for it in issue.findall("item"):  # later items of a value replace earlier ones (a Java map)
            if it.get("evaluation") not in (None, "null"):
                raw[it.get("value")] = float(it.get("evaluation"))
        top = max(raw.values())  # over every listed value, in the domain or not
        out[issue.get("name")] = (
            weights[issue.get("index")],
            {v: 0.0 if top < 1e-5 else x / top for v, x in raw.items()},
        )
    return out


def genius_utilities(domain: list[tuple[str, list[str]]], profile: dict) -> np.ndarray:
    """U over every outcome, in accord's order (the last issue varies fastest)."""
    out = []
    for combo in itertools.product(*[values for _, values in domain]):
        u = 0.0
        for (name, _), v in zip(domain, combo, strict=True):
            w, ev = profile[name]
            u += w * ev[v]
        out.append(min(u, 1.0))  # AdditiveUtilitySpace.getUtility: min(sum, 1)
    return np.array(out)


def genius_best(profile: dict) -> float:
    # AdditiveUtilitySpace.getUtility: min(sum, 1)
    return min(1.0, sum(w * max(ev.values()) for w, ev in profile.values()))


def check_against_genius(folder: Path, domain_file: str, parties: list[str] | None = None) -> None:
    sc = load_folder(folder, parties=parties)
    domain = genius_domain(folder / domain_file)
    comp = sc.compile()
    for i, name in enumerate(sc.party_names):
        prof = genius_profile(folder / f"{name}.xml")
        assert comp.utilities[i].tolist() == genius_utilities(domain, prof).tolist(), name
        assert comp.utilities[i].max() == pytest.approx(genius_best(prof), abs=1e-15)


# ------------------------------------------------------------------ rule 1: direct children only


def test_nested_items_are_not_evaluations() -> None:
    folder = FIXTURES / "nested_items"
    with pytest.warns(
        FormatWarning, match=r"employee\.xml: issue 'bonus': values not in the domain.*unspecified"
    ):
        sc = load_folder(folder)
    assert sc.space.issues[0].values == ("10%", "6%", "2%")  # the domain's own items, in order
    check_against_genius(folder, "employment.xml")
    comp = sc.compile()
    best = {n: sc.space.outcome(int(np.argmax(comp.utilities[i]))) for i, n in enumerate(sc.party_names)}
    assert best["employee"] == {"bonus": "10%", "division": "B"}  # the nested items say the opposite
    assert best["employer"] == {"bonus": "2%", "division": "A"}
    assert comp.utilities.max(axis=1).tolist() == [1.0, 1.0]
    assert len(pareto_indices(comp.utilities)) > 1  # not the one-point frontier of reading decoys


# ------------------------------------------------------------------ rule 2: always normalised


def test_discrete_evaluations_are_always_divided_by_the_issue_best() -> None:
    folder = FIXTURES / "normalise"
    check_against_genius(folder, "jobs.xml")
    sc = load_folder(folder)
    a, b = (p.preferences for p in sc.parties)
    assert a.scores[0].tolist() == [0.25 / 0.75, 0.5 / 0.75, 1.0]  # every evaluation <= 1, best 0.75
    assert a.scores[2].tolist() == [0.0, 0.0]  # best evaluation 4e-6 < 1e-5: GENIUS scores it 0
    assert b.scores[1].tolist() == [1.0, 0.5, 0.25]  # the 'null' item gives no evaluation, the later one does
    assert a.evaluate_all().max() == pytest.approx(0.8) and b.evaluate_all().max() == pytest.approx(1.0)


# ------------------------------------------------------------------ rule 3: which profiles are parties


def test_a_laptop_style_folder_is_bilateral_by_default_and_says_so() -> None:
    folder = FIXTURES / "variants"
    with pytest.warns(ProfileChoice) as rec:
        sc = load_folder(folder)
    assert sc.party_names == ("laptop_buyer_utility", "laptop_seller_utility")
    note = str(rec[0].message)
    assert "bilateral" in note and "laptop_seller_utility_A50" in note and "laptop_buyer_utility10" in note
    check_against_genius(folder, "laptop_domain.xml")
    with pytest.warns(FormatWarning, match="UNCERTAIN"):
        every = load_folder(folder, parties=["all"])
    assert every.party_names == (
        "laptop_buyer_utility",
        "laptop_buyer_utility10",
        "laptop_seller_utility",
        "laptop_seller_utility_A50",
    )


def test_three_base_profiles_make_a_multilateral_scenario() -> None:
    folder = FIXTURES / "multilateral"
    with pytest.warns(ProfileChoice, match=r"3-party .*left out, variants.*triangle_A20"):
        sc = load_folder(folder)
    assert sc.party_names == ("triangle_util1", "triangle_util2", "triangle_util3")
    check_against_genius(folder, "triangle.xml")


def test_parties_named_are_taken_as_asked_without_a_note() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sc = load_folder(FIXTURES / "variants", parties=["laptop_seller_utility_A50", "laptop_buyer_utility"])
    assert sc.party_names == ("laptop_seller_utility_A50", "laptop_buyer_utility")
    assert sc.parties[0].preferences.reservation == 0.5


def test_the_cli_prints_the_choice_and_takes_parties_all() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    env_cmd = [sys.executable, "-m", "accord", "analyze", str(FIXTURES / "variants")]
    p = subprocess.run(env_cmd, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(src)})
    assert p.returncode == 0, p.stderr
    assert p.stderr.startswith("note: ") and "laptop_buyer_utility, laptop_seller_utility" in p.stderr
    p = subprocess.run(
        [*env_cmd, "--parties", "all", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(src)},
    )
    assert p.returncode == 0, p.stderr
    assert '"laptop_seller_utility_A50"' in p.stdout and p.stderr.startswith("warning: ")


# ------------------------------------------------------------------ rule 4: UNCERTAIN profiles


def test_uncertain_profiles_keep_their_true_utility_and_say_what_is_not_modelled() -> None:
    folder = FIXTURES / "variants"
    with pytest.warns(
        FormatWarning,
        match=r"laptop_buyer_utility10\.xml: utility_space type: UNCERTAIN.*ranking of 10 bids with 0 errors",
    ):
        sc = load_folder(folder, parties=["laptop_buyer_utility10", "laptop_seller_utility"])
    certain = load_folder(folder, parties=["laptop_buyer_utility", "laptop_seller_utility"])
    u, v = sc.parties[0].preferences, certain.parties[0].preferences
    assert np.array_equal(u.evaluate_all(), v.evaluate_all())  # the true utility GENIUS scores with
    assert (u.reservation, u.discount) == (0.34, 1.0)


# ------------------------------------------------------------------ stray files (issue 14)


def test_stray_files_are_skipped_with_a_warning_naming_them() -> None:
    folder = FIXTURES / "stray_files"
    with pytest.warns(FormatWarning, match=r"files skipped.*broken_profile\.xml") as rec:
        sc = load_folder(folder)
    assert sc.party_names == ("buyer", "seller")
    assert not any("pareto.xml" in str(w.message) for w in rec)  # not a GENIUS file at all: ignored
    check_against_genius(folder, "domain.xml")
    with pytest.raises(InputError, match=r"broken_profile\.xml: expected well-formed XML"):
        load_folder(folder, parties=["buyer", "broken_profile"])  # asked for by name: its own error


# ------------------------------------------------------------------ property: every reading path


def _xml_folder(
    tmp: Path, n_values: list[int], parties: list[tuple[list[float], list[list[float]], list[list[float]]]]
) -> None:
    issues = "".join(
        f'<issue index="{k + 1}" name="i{k}" type="discrete">'
        + "".join(f'<item index="{j + 1}" value="v{j}"/>' for j in range(n))
        + "</issue>"
        for k, n in enumerate(n_values)
    )
    (tmp / "dom.xml").write_text(
        f'<negotiation_template><utility_space><objective index="0" name="d">{issues}</objective></utility_space></negotiation_template>'
    )
    for p, (weights, evals, decoys) in enumerate(parties):
        body = ""
        for k, (ev, dec) in enumerate(zip(evals, decoys, strict=True)):
            items = "".join(f'<item value="v{j}" evaluation="{x!r}"/>' for j, x in enumerate(ev))
            nested = "".join(f'<item value="v{j}" evaluation="{x!r}"/>' for j, x in enumerate(dec))
            body += (
                f'<issue index="{k + 1}" name="i{k}" type="discrete">{items}'
                f"<similarity_function><criteria_function>{nested}</criteria_function></similarity_function></issue>"
            )
        body += "".join(f'<weight index="{k + 1}" value="{w!r}"/>' for k, w in enumerate(weights))
        (tmp / f"p{p}.xml").write_text(
            f'<utility_space><objective index="0" name="d">{body}</objective></utility_space>'
        )


@st.composite
def genius_folders(draw: st.DrawFn) -> tuple[list[int], list]:
    n_values = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    evaluation = st.one_of(st.floats(0.0, 1.0), st.floats(0.0, 100.0), st.integers(0, 10).map(float))
    parties = []
    for _ in range(2):
        weights = [draw(st.floats(0.01, 1.0)) for _ in n_values]
        evals = [[draw(evaluation) for _ in range(n)] for n in n_values]
        decoys = [[draw(evaluation) for _ in range(n)] for n in n_values]
        parties.append((weights, evals, decoys))
    return n_values, parties


@settings(max_examples=25, deadline=None)
@given(case=genius_folders())
def test_every_reading_path_gives_the_best_outcome_the_utility_genius_gives_it(case: tuple) -> None:
    n_values, parties = case
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root = Path(tmp)
        (root / "xml").mkdir()
        _xml_folder(root / "xml", n_values, parties)
        expected = [genius_best(genius_profile(root / "xml" / f"p{i}.xml")) for i in range(2)]
        paths = {"genius": load_folder(root / "xml", parties=["p0", "p1"])}
        write_scenario(paths["genius"], root / "gw", "geniusweb")
        paths["geniusweb"] = load_folder(root / "gw", parties=["p0", "p1"])
        write_scenario(paths["genius"], root / "s.yaml", "yaml")
        paths["yaml"] = read_scenario(root / "s.yaml")
        write_scenario(paths["yaml"], root / "back", "genius")
        paths["yaml -> genius"] = load_folder(root / "back", parties=["p0", "p1"])
        for how, sc in paths.items():
            best = sc.compile().utilities.max(axis=1)
            for b, e in zip(best, expected, strict=True):
                assert math.isclose(b, e, rel_tol=0, abs_tol=UTILITY_TOLERANCE), (how, best, expected)


# ------------------------------------------------------------------ issue 14: files GENIUS reads


def test_what_genius_parser_reads_that_xml_does_not_loads_with_a_warning() -> None:
    folder = FIXTURES / "lenient_xml"
    with pytest.warns(FormatWarning) as rec:
        sc = load_folder(folder)
    said = " ".join(str(w.message) for w in rec)
    assert (
        "a raw '&'" in said
        and "attributes without a space" in said
        and "declaration not at the start" in said
    )
    assert sc.space.issues[0].values == ("AT & T", "Verizon")
    # EvaluatorDiscrete by hand: util1 carrier 4,1 -> 1, 0.25; plan 1,3 -> 1/3, 1; util2 carrier 0,2; plan 5,1.
    u1, u2 = sc.compile().utilities
    assert u1.tolist() == [
        0.75 * 1 + 0.25 * (1 / 3),
        0.75 * 1 + 0.25 * 1,
        0.75 * 0.25 + 0.25 * (1 / 3),
        0.75 * 0.25 + 0.25 * 1,
    ]
    assert u2.tolist() == [0.5 * 0 + 0.5 * 1, 0.5 * 0 + 0.5 * 0.2, 0.5 * 1 + 0.5 * 1, 0.5 * 1 + 0.5 * 0.2]


def test_a_domain_value_listed_twice_is_one_value() -> None:
    folder = FIXTURES / "duplicate_values"
    with pytest.warns(FormatWarning, match=r"flight-A-domain\.xml: issue 'date': values listed twice.*Sep4"):
        sc = load_folder(folder)
    assert sc.space.issues[0].values == ("Sep2", "Sep3", "Sep4")
    assert sc.compile().utilities.tolist() == [[1 / 3, 1.0, 2 / 3], [1.0, 1 / 3, 2 / 3]]


def test_a_nonlinear_profile_without_its_utility_element_is_refused_not_its_pareto_file() -> None:
    """GENIUS's NonlinearUtilitySpace reads the <utility> element of the objective; these have none."""
    with pytest.raises(InputError, match=r"profile-\d\.xml: utility: expected a <utility maxutility") as err:
        load_folder(FIXTURES / "nonlinear")
    assert "pareto.xml" not in str(err.value)


def test_integer_bounds_in_a_range_are_refused_as_genius_refuses_them() -> None:
    with pytest.raises(
        InputError, match=r"ws_domain\.xml: issue 'revenue' lowerbound: .*no <range> for integer"
    ):
        load_folder(FIXTURES / "integer_range")


def test_several_domain_copies_default_to_the_first_copy_s_profiles() -> None:
    with pytest.warns(
        ProfileChoice,
        match=r"Trip-A-prof1, Trip-A-prof2; left out, profiles of the other domain copies: Trip-B-prof1",
    ):
        sc = load_folder(FIXTURES / "domain_copies")
    assert [p.preferences.reservation for p in sc.parties] == [0.5, 0.5]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(load_folder(FIXTURES / "domain_copies", parties=["all"]).parties) == 4
