"""accord's YAML scenario format: loading against brute force, exact round trips, the YAML dialect,
the Hanoi scenario's sourcing discipline, and the GENIUS -> YAML mapping."""

import itertools
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.schema import RESERVED_KEYS, scenario_json_schema
from accord.io.yaml_scenario import dump_yaml, dumps_yaml, load_yaml, loads_yaml
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
SHARED = Path(os.environ["ACCORD_SHARED"])
SCENARIOS_MD = SHARED / "reference" / "scenarios.md"
GENIUS = SHARED / "data" / "genius"

BRUTE = """
name: brute force check
issues:
  relief: {values: [none, partial, full], ordered: true}
  site: [closed, "open site", "yes"]
  n: {type: integer, lower: 2, upper: 5}
  x: {type: real, lower: -1, upper: 1, steps: 5}
  k: {type: integer, lower: 0, upper: 3}
parties:
  a:
    weights: {relief: 0.4, site: 0.3, n: 0.2, x: 0.5}
    scores:
      relief: {linear: {slope: 0.5, offset: 0.1}}
      site: {closed: 0, "open site": 0.25, "yes": 1}
      n: {piecewise: [[2, 0], [3, 0.8], [5, 1]]}
      x: {triangular: {lower: -1, peak: 0.5, upper: 1}}
    terms:
      - {when: "relief == full and site == 'open site'", value: -0.3}
      - {when: "n >= 4 or x < 0", value: 0.05}
    constraints: ["relief != none"]
    reservation: {outcome: {relief: full, site: "open site", n: 5, x: 0.5, k: 0}}
  b:
    weights: {relief: 1.5, k: 2.5, x: 0}
    scores:
      relief: {none: 1, partial: 0.5, full: 0}
      k: {linear: {slope: 0.6, offset: -0.3, clip: true}}
      x: {constant: 0.7}
    terms: [{when: "k in [1, 3] and not relief == none", value: 0.125, note: a note}]
    discount: 0.8
    reservation: 0.25
    strategy: conceder
  c:
    weights: {site: 1}
    scores: {site: {constant: 0.5}}
protocol: {deadline: 7}
"""


def _brute_force() -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Utilities of BRUTE written out by hand, outcome by outcome, in itertools.product order."""
    relief = ["none", "partial", "full"]
    site = {"closed": 0.0, "open site": 0.25, "yes": 1.0}
    ns, xs, ks = [2, 3, 4, 5], [-1.0, -0.5, 0.0, 0.5, 1.0], [0, 1, 2, 3]

    def pw(n: float) -> float:  # through (2, 0), (3, 0.8), (5, 1)
        return 0.8 * (n - 2) if n <= 3 else 0.8 + 0.2 * (n - 3) / 2

    def tri(x: float) -> float:  # 0 at -1, 1 at 0.5, 0 at 1
        return (x + 1) / 1.5 if x <= 0.5 else (1 - x) / 0.5

    def ua(r: int, s: str, n: int, x: float) -> float:
        u = 0.4 * (0.1 + 0.5 * r) + 0.3 * site[s] + 0.2 * pw(n) + 0.5 * tri(x)
        u += -0.3 if (relief[r] == "full" and s == "open site") else 0.0
        return u + (0.05 if (n >= 4 or x < 0) else 0.0)

    rows, ok = [], []
    for r, s, n, x, k in itertools.product(range(3), site, ns, xs, ks):
        ub = 1.5 * [1.0, 0.5, 0.0][r] + 2.5 * min(1.0, max(0.0, -0.3 + 0.6 * k))
        ub += 0.125 if (k in (1, 3) and relief[r] != "none") else 0.0
        rows.append((ua(r, s, n, x), ub, 0.5))
        ok.append(relief[r] != "none")
    return np.array(rows).T, np.array(ok), [ua(2, "open site", 5, 0.5), 0.25, 0.0]


def test_loader_matches_brute_force(tmp_path):
    path = tmp_path / "brute.yaml"
    path.write_text(BRUTE)
    sc = load_yaml(path)
    assert sc.party_names == ("a", "b", "c") and sc.space.size == 3 * 3 * 4 * 5 * 4
    assert sc.path == str(path) and sc.protocol == Protocol(7, None)
    comp = sc.compile()
    ref, ok, res = _brute_force()
    np.testing.assert_allclose(comp.utilities, ref, rtol=0, atol=1e-12)
    assert np.array_equal(comp.acceptable[0], ok) and comp.acceptable[1:].all()
    np.testing.assert_allclose(comp.reservations, res, rtol=0, atol=1e-12)
    assert comp.discounts.tolist() == [1.0, 0.8, 1.0]
    assert [p.strategy for p in sc.parties] == [None, "conceder", None]
    assert sc.parties[1].preferences.terms[0].note == "a note"


def test_weights_are_not_renormalised_and_absent_issues_weigh_nothing():
    doc = """
name: w
issues: {p: [a, b], q: [c, d], r: [e, f]}
parties:
  one: {weights: {p: 2, q: 3}, scores: {p: {a: 1, b: 0}, q: {c: 1, d: 0.5}}}
  two: {weights: {r: 0}, scores: {r: {e: 1, f: 1}}}
protocol: {deadline: 1}
"""
    comp = loads_yaml(doc).compile()
    assert comp.utilities[0].max() == 5.0 and comp.utilities[0].min() == 1.5
    assert not comp.utilities[1].any()


# ------------------------------------------------------------------------------------------ round trips


def _assert_same(a: Scenario, b: Scenario) -> None:
    ca, cb = a.compile(), b.compile()
    assert np.array_equal(ca.utilities, cb.utilities)  # bit for bit
    assert np.array_equal(ca.acceptable, cb.acceptable)
    assert np.array_equal(ca.reservations, cb.reservations)
    assert np.array_equal(ca.discounts, cb.discounts)
    assert a.space.names == b.space.names
    assert [i.values for i in a.space.issues] == [i.values for i in b.space.issues]
    assert [i.kind for i in a.space.issues] == [i.kind for i in b.space.issues]
    assert a.party_names == b.party_names and a.protocol == b.protocol
    assert (a.name, a.description, a.sources, a.history, a.notes) == (
        b.name,
        b.description,
        b.sources,
        b.history,
        b.notes,
    )
    for pa, pb in zip(a.parties, b.parties, strict=True):
        assert (pa.strategy, pa.description) == (pb.strategy, pb.description)
        assert [(t.condition.text, t.value, t.note) for t in pa.preferences.terms] == [
            (t.condition.text, t.value, t.note) for t in pb.preferences.terms
        ]


def test_hanoi_round_trip_keeps_every_utility(tmp_path):
    sc = load_yaml(HANOI)
    out = tmp_path / "again.yaml"
    dump_yaml(sc, out)
    again = load_yaml(out)
    _assert_same(sc, again)
    assert dumps_yaml(again) == out.read_text()  # writing is idempotent


def test_brute_round_trip():
    sc = loads_yaml(BRUTE)
    _assert_same(sc, loads_yaml(dumps_yaml(sc)))


TRICKY = [
    "yes", "no", "on", "off", "null", "~", "true", "False", "1e-3", "010", "0x1F", "2019-02-28", "a: b",
    "#c", "- d", " lead", "trail ", "", "[x]", "{y}", "'q'", '"dq"', "multi\nline", "tab\there", "ünï",
    "1", "1.0", ".inf", ".NaN", "<<", "&a", "*b", "!t", "%p", "@", "`", "12:30", "0o17", "+1",
]  # fmt: skip
labels = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_ \-]{0,8}[A-Za-z0-9_]", fullmatch=True)
_EXPR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@st.composite
def issues(draw, name):
    kind = draw(st.sampled_from(["categorical", "ordinal", "integer", "real"]))
    if kind in ("categorical", "ordinal"):
        vals = draw(st.lists(labels, min_size=1, max_size=4, unique=True))
        return Issue.categorical(name, vals, ordered=kind == "ordinal")
    if kind == "integer":
        lo = draw(st.integers(-50, 50))
        return Issue.integer(name, lo, lo + draw(st.integers(0, 4)))
    lo = draw(finite)
    return Issue.real(name, lo, lo + draw(st.floats(0.01, 100)), draw(st.integers(2, 5)))


@st.composite
def scenarios(draw):
    inames = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    space = OutcomeSpace([draw(issues(n)) for n in inames])
    parties = []
    for pname in draw(st.lists(names, min_size=2, max_size=3, unique=True)):
        w = np.array([draw(st.sampled_from([0.0, 1.0]) | st.floats(0, 5)) for _ in inames])
        scores = tuple(np.array([draw(finite) for _ in range(iss.size)]) for iss in space.issues)
        terms, constraints = [], []
        for iss in space.issues:
            if not _EXPR_NAME.match(iss.name) or iss.name in ("and", "or", "not", "in", "true", "false"):
                continue  # not usable in an expression
            if iss.kind == "integer" and draw(st.booleans()):
                cond = compile_expression(f"{iss.name} >= {iss.values[-1]}", space)
                terms.append(Term(cond, draw(finite), draw(st.sampled_from(["", "why [S1]"]))))
            if iss.kind == "integer" and draw(st.booleans()):
                constraints.append(compile_expression(f"{iss.name} != {iss.values[0]}", space))
        prefs = Preferences(
            space, w, scores, tuple(terms), tuple(constraints), draw(finite), draw(st.floats(0.01, 1))
        )
        parties.append(Party(pname, prefs, draw(st.sampled_from([None, "boulware"])), draw(labels)))
    return Scenario(
        draw(names),
        space,
        tuple(parties),
        Protocol(draw(st.integers(1, 200)), draw(st.sampled_from([None, parties[-1].name]))),
        description=draw(labels),
        sources=draw(st.dictionaries(names, labels, max_size=2)),
        history=draw(st.sampled_from([{}, {"outcome": "no_agreement", "note": "n [S1]"}])),
        notes=draw(labels),
    )


@given(scenarios())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip_of_generated_scenarios(sc):
    _assert_same(sc, loads_yaml(dumps_yaml(sc)))


# --------------------------------------------------------------------------------------- YAML dialect


def test_yaml_12_scalars():
    doc = """
name: dialect
issues:
  answer: [yes, no, on, off]
  when: [2019-02-28, 12:30]
  n: {type: integer, lower: 010, upper: 12}
parties:
  a: {weights: {answer: 1e-3}, scores: {answer: {yes: 1, no: 0, on: 0, off: 0}}}
  b: {weights: {n: 1.5E+0}, scores: {n: {10: 0.5, 11: 1, 12: 0x0}}}
protocol: {deadline: 1}
"""
    sc = loads_yaml(doc)
    assert sc.space.issue("answer").values == ("yes", "no", "on", "off")
    assert sc.space.issue("when").values == ("2019-02-28", "12:30")
    assert sc.space.issue("n").values == (10, 11, 12)  # 010 is ten, not octal eight
    assert sc.parties[0].preferences.weights[0] == 0.001
    assert sc.parties[1].preferences.scores[2].tolist() == [0.5, 1.0, 0.0]


def test_duplicate_key_is_an_error_with_its_line():
    doc = "name: x\nissues: {a: [p, q]}\nparties:\n  u:\n    weights: {a: 1}\n    weights: {a: 2}\n"
    with pytest.raises(InputError) as e:
        loads_yaml(doc, "dup.yaml")
    assert (e.value.file, e.value.field, e.value.line) == ("dup.yaml", "parties.u.weights", 6)


# ------------------------------------------------------------------------------------------ the schema


def test_json_schema_describes_the_format():
    s = scenario_json_schema()
    assert s["type"] == "object" and s["additionalProperties"] is False
    assert set(s["required"]) == {"name", "issues", "parties", "protocol"}
    assert set(yaml.safe_load(HANOI.read_text())) <= set(s["properties"])
    assert not set(RESERVED_KEYS) & set(s["properties"])
    party = s["$defs"]["PartySpec"]["properties"]
    assert party["discount"]["exclusiveMinimum"] == 0 and party["discount"]["maximum"] == 1
    assert s["$defs"]["RealIssue"]["required"] == ["type", "lower", "upper", "steps"]


# -------------------------------------------------------------------------------------------- Hanoi


def test_hanoi_structure():
    sc = load_yaml(HANOI)
    raw = yaml.safe_load(HANOI.read_text())
    sizes = [len(v if isinstance(v, list) else v["values"]) for v in raw["issues"].values()]
    assert sc.space.size == math.prod(sizes) and 100 <= sc.space.size <= 5000
    assert sc.party_names == ("usa", "dprk")
    assert sc.history["outcome"] == "no_agreement"
    assert sc.protocol.opener in sc.party_names and sc.protocol.deadline >= 1
    for p in sc.parties:
        assert p.preferences.terms and p.preferences.constraints


def test_hanoi_reservation_is_the_status_quo_by_hand():
    """Walk-away values are each party's additive utility of the status quo, computed from the raw tables."""
    raw = yaml.load(HANOI.read_text(), Loader=yaml.BaseLoader)  # all scalars as text: an independent read
    sc = load_yaml(HANOI)
    for p in sc.parties:
        spec = raw["parties"][p.name]
        sq = spec["reservation"]["outcome"]
        # an uncertain weight ({triangular: [low, mode, high]}) loads at its nominal value, the mode
        nominal = {i: w["triangular"][1] if isinstance(w, dict) else w for i, w in spec["weights"].items()}
        by_hand = sum(float(w) * float(spec["scores"][i][sq[i]]) for i, w in nominal.items())
        assert p.preferences.reservation == pytest.approx(by_hand, abs=1e-12)
        assert float(p.preferences.evaluate(sc.space.index(sq))) == pytest.approx(by_hand, abs=1e-12)


_NUMBER = re.compile(r"(?::|-)\s+-?\d+(?:\.\d+)?\s*(?:#|$)")
_CITE = re.compile(r"\[([A-Z]\d+[a-z]?)\]")


def test_hanoi_every_number_is_sourced_or_a_declared_judgement():
    text = HANOI.read_text()
    body = text.split("\nnotes:")[0]
    bare = [
        (n, line)
        for n, line in enumerate(body.splitlines(), 1)
        if _NUMBER.search(line.split("#")[0] + " #") and not line.lstrip().startswith("format_version")
        if "#" not in line or not (_CITE.search(line.split("#", 1)[1]) or "judgement:" in line)
    ]
    assert not bare, bare


def test_hanoi_citations_resolve_in_the_file_and_in_the_reference():
    text = HANOI.read_text()
    sc = load_yaml(HANOI)
    cited = set(_CITE.findall(text))
    assert cited and cited <= set(sc.sources), sorted(cited - set(sc.sources))
    assert set(sc.sources) <= cited  # no unused source
    if SCENARIOS_MD.exists():
        ref = SCENARIOS_MD.read_text()
        assert all(f"[{c}]" in ref for c in cited)


# ------------------------------------------------------------------------------- GENIUS -> accord YAML


@pytest.mark.parametrize("folder", ["Laptop", "ItexvsCypress", "ANL2023-domain00", "PartyDomain"])
def test_genius_folders_convert_to_yaml_exactly(folder, tmp_path):
    if not (GENIUS / folder).exists():
        pytest.skip("shared GENIUS data not present")
    from accord.io import load

    sc = load(GENIUS / folder)
    out = tmp_path / f"{folder}.yaml"
    dump_yaml(sc, out)
    again = load_yaml(out)
    ca, cb = sc.compile(), again.compile()
    assert np.array_equal(ca.utilities, cb.utilities)
    assert np.array_equal(ca.reservations, cb.reservations)
    assert np.array_equal(ca.discounts, cb.discounts)
    assert again.party_names == sc.party_names


def test_documented_example_loads():
    """The complete example in docs/scenario-format.md is a valid scenario using every foundation field."""
    text = (ROOT / "docs" / "scenario-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    sc = loads_yaml(example, "docs/scenario-format.md")
    kinds = {i.kind for i in sc.space.issues}
    assert kinds == {"categorical", "ordinal", "integer", "real"}
    north, south = (p.preferences for p in sc.parties)
    assert north.terms and north.constraints and north.discount == 0.95
    # south's reservation is its utility of the status quo: sanctions none (1), inspections none (0),
    # troops 10 (triangular 0 at the upper end): 0.5 * 1 + 0.3 * 0 + 0.2 * 0
    assert south.reservation == pytest.approx(0.5)
    assert sc.protocol.opener == "south" and sc.history["outcome"] == "no_agreement"


def test_unquoted_colon_in_a_value_gets_a_hint_to_quote_it():
    text = (
        "name: x\nissues:\n  a: [p, q]\nparties:\n  u: {weights: {a: 1}, scores: {a: {p: 1, q: 0}}}\n"
        "  v: {weights: {a: 1}, scores: {a: {p: 0, q: 1}}}\nprotocol: {deadline: 3}\n"
        "history:\n  outcome: no_agreement\n  note: Ri said: no relief\n"
    )
    with pytest.raises(InputError) as exc:
        loads_yaml(text, "s.yaml")
    assert exc.value.line == 10 and "must be quoted" in str(exc.value)
    assert loads_yaml(text.replace("Ri said: no relief", '"Ri said: no relief"'), "s.yaml").history["note"]


def test_analyze_refuses_an_implementation_block_run_would_refuse(tmp_path):
    """The talks blocks are validated once, at load: a schedule action on an unknown issue fails the plain
    load (accord analyze) with the same message as accord run."""
    from accord.io.talks import load_talks

    root = Path(__file__).resolve().parents[2]
    text = (root / "scenarios" / "hanoi-2019.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("        - yongbyon = dismantle_all\n", "        - reactor = dismantle_all\n", 1)
    )
    with pytest.raises(InputError) as plain:
        load_yaml(bad)
    with pytest.raises(InputError) as talks:
        load_talks(bad)
    assert plain.value.field == talks.value.field == "implementation.schedule[3].dprk[0]"
    assert "known issue" in str(plain.value)
