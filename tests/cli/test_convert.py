"""``accord convert``: every round trip between GENIUS XML, GeniusWeb JSON and accord YAML keeps every
utility of every outcome of every party, the reservation values and the discount factors.

References: each GENIUS/GeniusWeb domain in shared/data/genius as read by accord's readers (themselves
tested against brute-force GENIUS semantics in tests/io), and hypothesis-generated scenarios whose numbers
are known by construction. Comparisons are exact (bit for bit).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.convert import UTILITY_TOLERANCE, convert, read_scenario, write_scenario
from accord.io.folder import load_folder
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"
DOMAINS = sorted(p.name for p in DATA.iterdir() if p.is_dir())
FORMATS = ("genius", "geniusweb", "yaml")
TARGET = {"genius": "g", "geniusweb": "w.json", "yaml": "s.yaml"}


def accord(*args: object, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_same(a: Scenario, b: Scenario, through_geniusweb: bool) -> None:
    """Same parties, utility arrays equal to UTILITY_TOLERANCE (GENIUS rescales an issue whose best score
    is below 1), reservations; discounts (GeniusWeb has none: 1)."""
    assert sorted(a.party_names) == sorted(b.party_names)
    b = b.select(a.party_names)
    ca, cb = a.compile(), b.compile()
    assert ca.utilities.shape == cb.utilities.shape
    assert np.abs(ca.utilities - cb.utilities).max(initial=0.0) <= UTILITY_TOLERANCE
    assert np.array_equal(ca.reservations, cb.reservations)
    if through_geniusweb:
        assert (cb.discounts == 1.0).all()
    else:
        assert np.array_equal(ca.discounts, cb.discounts)


def chain(sc: Scenario, formats: tuple[str, ...], tmp: Path) -> Scenario:
    """Write ``sc`` through each format in turn, reading each output back; return the last reading."""
    cur = sc
    for k, fmt in enumerate(formats):
        (tmp / str(k)).mkdir(parents=True)
        out = tmp / str(k) / TARGET[fmt]
        write_scenario(cur, out, fmt, drop_discount=True)
        cur = read_scenario(out)
    return cur


def test_every_domain_folder_is_covered() -> None:
    assert len(DOMAINS) == 15 and "SixIssuesInteger" in DOMAINS and "ANL2023-domain00" in DOMAINS


# Every ordered pair of formats, and a three-step chain through all of them.
CHAINS = [
    *itertools.product(FORMATS, repeat=2),
    ("yaml", "geniusweb", "genius"),
    ("geniusweb", "genius", "yaml"),
]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_round_trip_keeps_every_utility_of_every_domain(domain: str, tmp_path: Path) -> None:
    sc = load_folder(DATA / domain)
    for k, formats in enumerate(CHAINS):
        back = chain(sc, formats, tmp_path / str(k))
        assert_same(sc, back, "geniusweb" in formats)


@pytest.mark.parametrize("domain", DOMAINS)
def test_geniusweb_refuses_discount_factors_unless_asked(domain: str, tmp_path: Path) -> None:
    sc = load_folder(DATA / domain)
    discounted = [p.name for p in sc.parties if p.preferences.discount != 1.0]
    if not discounted:
        write_scenario(sc, tmp_path / "w", "geniusweb")
        assert_same(sc, load_folder(tmp_path / "w", parties=["all"]), False)
        return
    with pytest.raises(InputError, match=rf"parties\.{discounted[0]}\.discount.*--drop-discount"):
        write_scenario(sc, tmp_path / "w", "geniusweb")
    assert not (tmp_path / "w").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("domain", ["Laptop", "ANL2023-domain00", "GeniusWeb-Party", "SixIssuesInteger"])
def test_cli_round_trip_genius_yaml_geniusweb_genius(domain: str, tmp_path: Path) -> None:
    src = DATA / domain
    sc = load_folder(src)
    steps = [(src, tmp_path / "a.yaml"), (tmp_path / "a.yaml", tmp_path / "b" / "dom.json")]
    steps.append((tmp_path / "b" / "dom.json", tmp_path / "c"))
    (tmp_path / "b").mkdir()
    for a, b in steps:
        p = accord("convert", a, b, "--drop-discount")
        assert p.returncode == 0, p.stderr
        assert "utilities checked" in p.stdout
    assert (tmp_path / "b" / "dom.json").is_file()
    assert sorted(f.name for f in (tmp_path / "c").iterdir()) == sorted(
        ["domain.xml", "accord.json", *(f"{n}.xml" for n in sc.party_names)]
    )  # accord.json: what GENIUS cannot hold (accord.io.sidecar)
    assert_same(sc, load_folder(tmp_path / "c", parties=["all"]), True)
    # A .xml/.json input stands for its folder; --parties picks profiles.
    a, b = sc.party_names[:2]
    p = accord("convert", tmp_path / "c" / "domain.xml", tmp_path / "d.yaml", "--parties", f"{b},{a}")
    assert p.returncode == 0, p.stderr
    assert read_scenario(tmp_path / "d.yaml").party_names == (b, a)


def test_cli_to_overrides_the_suffix_and_force_replaces(tmp_path: Path) -> None:
    src = DATA / "Amsterdam"
    out = tmp_path / "out"
    assert accord("convert", src, out, "--to", "geniusweb", "--parties", "all").returncode == 0
    assert {f.suffix for f in out.iterdir()} == {".json"}
    (out / "notes.txt").write_text("keep me")
    p = accord("convert", src, out, "--to", "geniusweb", "--parties", "Amsterdam_party1,Amsterdam_party2")
    assert p.returncode == 2
    assert "--force" in p.stderr and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert len(load_folder(out, parties=["all"]).parties) == 4  # untouched
    p = accord(
        "convert", src, out, "--to", "geniusweb", "--parties", "Amsterdam_party1,Amsterdam_party2", "--force"
    )
    assert p.returncode == 0, p.stderr
    assert load_folder(out).party_names == ("Amsterdam_party1", "Amsterdam_party2")
    assert (out / "notes.txt").read_text() == "keep me"
    assert not [f for f in out.iterdir() if f.name.startswith(".accord-convert")]


def leftovers(folder: Path) -> list[str]:
    return sorted(f.name for f in folder.rglob("*"))


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        # non-additive terms and constraints cannot go to GENIUS XML or GeniusWeb JSON
        (lambda t: [ROOT / "scenarios" / "hanoi-2019.yaml", t / "h"], "linear-additive"),
        (lambda t: [ROOT / "scenarios" / "hanoi-2019.yaml", t / "h.json"], "linear-additive"),
        # discount factors cannot go to GeniusWeb without --drop-discount
        (lambda t: [DATA / "Laptop", t / "l.json"], "--drop-discount"),
        # unwritable output: its parent is a file
        (lambda t: [DATA / "Laptop", t / "file" / "x.yaml"], "x.yaml"),
        (lambda t: [DATA / "Laptop", t / "file" / "x"], "file"),
        # unknown output format
        (lambda t: [DATA / "Laptop", t / "x.txt"], "--to"),
        (lambda t: [DATA / "Laptop", t / "x", "--to", "csv"], "genius, geniusweb, yaml"),
        # a party that does not exist
        (lambda t: [DATA / "Laptop", t / "x.yaml", "--parties", "nobody"], "nobody"),
        # input missing
        (lambda t: [t / "missing", t / "x.yaml"], "missing"),
    ],
)
def test_bad_conversions_fail_with_one_line_and_leave_nothing(
    make_args, message: str, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("a file")
    before = leftovers(tmp_path)
    p = accord("convert", *make_args(tmp_path))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and p.stderr.strip().count("\n") == 0
    assert message in p.stderr
    assert leftovers(tmp_path) == before


def test_existing_yaml_needs_force_and_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    out.write_text("old")
    with pytest.raises(InputError, match="--force"):
        convert(DATA / "Laptop", out)
    assert out.read_text() == "old"
    res = convert(DATA / "Laptop", out, force=True)
    assert res.format == "yaml" and res.verified
    assert_same(load_folder(DATA / "Laptop"), read_scenario(out), False)
    assert leftovers(tmp_path) == ["s.yaml"]


def test_input_and_output_must_differ(tmp_path: Path) -> None:
    convert(DATA / "Laptop", tmp_path / "s.yaml")
    with pytest.raises(InputError, match="different from the input"):
        convert(tmp_path / "s.yaml", tmp_path / "s.yaml", force=True)


def test_strict_geniusweb_keeps_the_acceptable_set_not_the_number(tmp_path: Path) -> None:
    sc = load_folder(DATA / "Amsterdam", parties=["all"])
    convert(DATA / "Amsterdam", tmp_path / "w.json", parties=["all"], strict=True)
    assert "accordReservationValue" not in (tmp_path / "Amsterdam_A100.json").read_text()
    back = load_folder(tmp_path, parties=["all"]).select(sc.party_names)
    u = sc.compile().utilities
    assert np.array_equal(u, back.compile().utilities)
    for i, (p, q) in enumerate(zip(sc.parties, back.parties, strict=True)):
        rv, rv2 = p.preferences.reservation, q.preferences.reservation
        assert np.array_equal(u[i] >= rv, u[i] >= rv2) if rv > 0 else rv2 == 0.0


# ------------------------------------------------------------------------------------ generated scenarios

LABEL = st.text(alphabet="abcXYZ019 _-é", min_size=1, max_size=6).filter(lambda s: s.strip() == s)
UNIT = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    issues = []
    for k in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lo = draw(st.integers(-5, 5))
            issues.append(Issue.integer(f"n{k}", lo, lo + draw(st.integers(0, 4))))
        else:
            labels = draw(st.lists(LABEL, min_size=1, max_size=4, unique=True))
            issues.append(Issue.categorical(f"c{k}", labels))
    space = OutcomeSpace(issues)
    names = draw(
        st.lists(
            # not the stem of a domain file the chain names (a party so named is refused when the
            # domain file is named explicitly: test_a_party_named_domain)
            st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True).filter(
                lambda n: n not in {Path(t).stem for t in TARGET.values()}
            ),
            min_size=2,
            max_size=3,
            unique=True,
        )
    )
    parties = []
    for name in names:
        scores = []
        for iss in issues:
            if iss.kind == "integer" and draw(st.booleans()):  # exactly linear: a GENIUS integer evaluator
                x = iss.numeric - iss.numeric[0]
                scores.append(np.clip(draw(st.floats(-1, 1)) * x + draw(UNIT), 0.0, 1.0))
            else:
                scores.append(np.array([draw(UNIT) for _ in iss.values]))
        # weights summing to at most 1 (scores are in [0, 1]): GENIUS caps every utility at 1, and writing
        # GENIUS XML of weighted scores that can sum above 1 is refused
        weights = np.array([draw(st.floats(0.0, 1.0 / len(issues))) for _ in issues])
        prefs = Preferences(
            space,
            weights,
            tuple(scores),
            reservation=draw(UNIT),
            discount=draw(st.floats(0.01, 1.0)),
        )
        parties.append(Party(name, prefs))
    return Scenario("generated", space, tuple(parties))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), formats=st.sampled_from(CHAINS))
def test_generated_scenarios_round_trip_through_every_format(sc: Scenario, formats: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        back = chain(sc, formats, Path(tmp))
    assert_same(sc, back, "geniusweb" in formats)


def test_a_party_named_domain(tmp_path):
    """A party called "domain": into a folder the domain file steps aside; named explicitly, it is refused."""
    src = tmp_path / "dom.yaml"
    src.write_text(
        "name: t\nissues:\n  a: [x, y]\nparties:\n"
        "  domain: {weights: {a: 1}, scores: {a: {x: 0, y: 1}}}\n"
        "  other: {weights: {a: 1}, scores: {a: {x: 1, y: 0}}}\nprotocol: {deadline: 5}\n",
        encoding="utf-8",
    )
    ok = accord("convert", src, tmp_path / "folder", "--to", "genius")
    assert ok.returncode == 0, ok.stderr
    back = load_folder(tmp_path / "folder", parties=["all"])
    assert sorted(p.name for p in back.parties) == ["domain", "other"]
    bad = accord("convert", src, tmp_path / "o2" / "domain.json")
    assert bad.returncode == 2
    assert "domain file name different" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "o2" / "domain.json").exists()
