"""Bad scenario files: every problem is one InputError naming the file, the dotted field (and the line);
random mutations of valid files either load or raise InputError, never anything else."""

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.schema import RESERVED_KEYS
from accord.io.yaml_scenario import load_yaml, loads_yaml
from accord.model.scenario import Scenario

HANOI = Path(__file__).resolve().parents[2] / "scenarios" / "hanoi-2019.yaml"

VALID = """\
name: small
issues:
  relief: {values: [none, partial, full], ordered: true}
  site: [closed, open]
  x: {type: real, lower: 0, upper: 1, steps: 3}
parties:
  a:
    weights: {relief: 0.5, site: 0.3, x: 0.2}
    scores:
      relief: {none: 0, partial: 0.5, full: 1}
      site: {closed: 0, open: 1}
      x: {linear: {slope: 1}}
    terms: [{when: "relief == full and site == open", value: -0.1}]
    constraints: ["relief != none", "site == open or x >= 0.5"]
    reservation: {outcome: {relief: none, site: closed, x: 0}}
  b:
    weights: {relief: 1}
    scores: {relief: {none: 1, partial: 0.5, full: 0}}
    discount: 0.9
protocol: {deadline: 5, opener: b}
"""
BASE = yaml.safe_load(VALID)


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False))
    return path


def _error(tmp_path: Path, doc: object) -> InputError:
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as e:
        load_yaml(path)
    err = e.value
    assert err.file == str(path) and str(err).startswith(str(path))
    assert "expected" in str(err) and "Traceback" not in str(err)
    return err


def test_the_valid_document_loads(tmp_path):
    sc = load_yaml(_write(tmp_path, VALID))
    assert sc.space.size == 18 and sc.protocol.opener == "b"


def _set(path: str, value: object):
    def mutate(d: dict) -> None:
        *head, last = path.split("/")
        for k in head:
            d = d[int(k)] if isinstance(d, list) else d[k]
        if value is _DELETE:
            del d[last]
        elif isinstance(d, list):
            d[int(last)] = value
        else:
            d[last] = value

    return mutate


_DELETE = object()

CASES = [
    # (id, mutation, field)
    ("unknown issue in weights", _set("parties/a/weights/yongbyon", 0.1), "parties.a.weights.yongbyon"),
    ("unknown issue in scores", _set("parties/b/scores/yongbyon", {"x": 1}), "parties.b.scores.yongbyon"),
    ("unknown value in a table", _set("parties/b/scores/relief/most", 1), "parties.b.scores.relief.most"),
    ("value missing from a table", _set("parties/b/scores/relief/none", _DELETE), "parties.b.scores.relief"),
    ("weight is text", _set("parties/a/weights/site", "high"), "parties.a.weights.site"),
    ("weight is a list", _set("parties/a/weights/site", [0.3]), "parties.a.weights.site"),
    ("weights are not a mapping", _set("parties/a/weights", "0.5, 0.3, 0.2"), "parties.a.weights"),
    ("weight is negative", _set("parties/a/weights/site", -0.3), "parties.a.weights.site"),
    ("weight without a score", _set("parties/a/scores/site", _DELETE), "parties.a.scores.site"),
    ("score without a weight", _set("parties/a/weights/site", _DELETE), "parties.a.weights.site"),
    ("constraint does not parse", _set("parties/a/constraints/0", "relief !="), "parties.a.constraints[0]"),
    ("constraint unknown issue", _set("parties/a/constraints/1", "yongbyon == none"), "parties.a.constraints[1]"),
    ("constraint unknown value", _set("parties/a/constraints/0", "relief == most"), "parties.a.constraints[0]"),
    ("constraint not text", _set("parties/a/constraints/0", 3), "parties.a.constraints[0]"),
    ("term does not parse", _set("parties/a/terms/0/when", "site < open"), "parties.a.terms[0].when"),
    ("term without value", _set("parties/a/terms/0/value", _DELETE), "parties.a.terms[0].value"),
    ("zero deadline", _set("protocol/deadline", 0), "protocol.deadline"),
    ("negative deadline", _set("protocol/deadline", -4), "protocol.deadline"),
    ("fractional deadline", _set("protocol/deadline", 2.5), "protocol.deadline"),
    ("no deadline", _set("protocol/deadline", _DELETE), "protocol.deadline"),
    ("no protocol", _set("protocol", _DELETE), "protocol"),
    ("one party", _set("parties/b", _DELETE), "parties"),
    ("opener not a party", _set("protocol/opener", "c"), "protocol.opener"),
    ("real issue without steps", _set("issues/x/steps", _DELETE), "issues.x.steps"),
    ("real issue with one step", _set("issues/x/steps", 1), "issues.x.steps"),
    ("empty real range", _set("issues/x/upper", 0), "issues.x.upper"),
    ("discount zero", _set("parties/b/discount", 0), "parties.b.discount"),
    ("discount negative", _set("parties/b/discount", -0.5), "parties.b.discount"),
    ("discount above one", _set("parties/b/discount", 1.2), "parties.b.discount"),
    ("discount is text", _set("parties/b/discount", "high"), "parties.b.discount"),
    ("misspelt key", _set("parties/b/wieghts", {}), "parties.b.wieghts"),
    ("planned key", _set(min(RESERVED_KEYS, default="stakeholders"), []), min(RESERVED_KEYS, default="stakeholders")),
    ("unknown issue type", _set("issues/x/type", "complex"), "issues.x.type"),
    ("issue is a number", _set("issues/site", 3), "issues.site"),
    ("duplicate values", _set("issues/site", ["open", "open"]), "issues.site"),
    ("null value", _set("issues/site/1", None), "issues.site[1]"),
    ("score function unknown", _set("parties/a/scores/site", 0.5), "parties.a.scores.site"),
    ("linear on categorical", _set("parties/a/scores/site", {"linear": {"slope": 1}}), "parties.a.scores.site.linear"),
    ("reservation outcome bad value", _set("parties/a/reservation/outcome/site", "ajar"),
     "parties.a.reservation.outcome.site"),
    ("reservation outcome incomplete", _set("parties/a/reservation/outcome/x", _DELETE), "parties.a.reservation.outcome"),
    ("history outcome unknown", _set("history", {"outcome": "deal"}), "history.outcome"),
    ("name missing", _set("name", _DELETE), "name"),
    ("party is null", _set("parties/b", None), "parties.b"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_file_and_field(tmp_path, mutate, field):
    doc = copy.deepcopy(BASE)
    mutate(doc)
    err = _error(tmp_path, doc)
    assert err.field == field, str(err)
    assert err.line is not None and err.line >= 1


def test_bad_yaml_gives_the_line(tmp_path):
    text = VALID.replace("site: [closed, open]", "site: [closed, open")
    err = _error(tmp_path, text)
    # the parser notices on the next line, and says where the unclosed list began
    assert err.line == 5 and "valid YAML" in err.expected and "began on line 4" in err.expected


def test_tab_indentation_gives_the_line(tmp_path):
    err = _error(tmp_path, VALID.replace("  b:\n    weights", "  b:\n\tweights"))
    assert err.line == VALID.splitlines().index("  b:") + 2


def test_line_points_at_the_bad_key(tmp_path):
    err = _error(tmp_path, VALID.replace("weights: {relief: 1}", "weights: {relief: one}"))
    assert err.field == "parties.b.weights.relief"
    assert err.line == VALID.splitlines().index("    weights: {relief: 1}") + 1


def test_only_the_first_problem_is_shown_with_a_count(tmp_path):
    doc = copy.deepcopy(BASE)
    doc["protocol"]["deadline"] = 0
    doc["parties"]["b"]["discount"] = 2
    doc["parties"]["a"]["weights"]["site"] = "x"
    err = _error(tmp_path, doc)
    assert err.field == "parties.a.weights.site" and err.more == 2
    assert "2 more problems" in str(err)


@pytest.mark.parametrize(
    "text",
    ["", "- a\n- b\n", "just text", "name: x\nname: y\n", "a: !!float abc", "a: &x [*x]",
     "a: !!python/object:os.system x", "? [a, b]\n: c\n"],
)  # fmt: skip
def test_odd_documents(tmp_path, text):
    _error(tmp_path, text)


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(InputError) as e:
        load_yaml(tmp_path / "nope.yaml")
    assert e.value.file == str(tmp_path / "nope.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as e:
        load_yaml(bad)
    assert "UTF-8" in e.value.expected


# ------------------------------------------------------------------------------------ random mutations

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["relief == ", "(((", "relief in [none", "not", "x < 2", "site >= open", "1e999", "-"]),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(-3, 3), st.text(max_size=3)), max_size=2),
    st.sampled_from([{"linear": {"slope": "a"}}, {"type": "real", "lower": 0}, {"outcome": {}}, [[0, 1]]]),
)


def _slots(node: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _slots(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _slots(v, (*path, i))
    return out


@st.composite
def mutated_documents(draw, base):
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        slots = [s for s in _slots(doc) if s]
        if not slots:
            break
        path = draw(st.sampled_from(slots))
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        key = path[-1]
        op = draw(st.sampled_from(["delete", "replace", "rename", "add"]))
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = copy.deepcopy(draw(JUNK))  # sampled_from hands out one shared object
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = parent.pop(key)
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8) | st.integers())] = copy.deepcopy(draw(JUNK))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _loads_or_input_error(text: str) -> None:
    try:
        sc = loads_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml")
        return
    assert isinstance(sc, Scenario)


@given(mutated_documents(BASE))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_small_documents_load_or_raise_input_error(text):
    _loads_or_input_error(text)


@given(mutated_documents(yaml.safe_load(HANOI.read_text())))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_hanoi_loads_or_raises_input_error(text):
    _loads_or_input_error(text)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_text_level_junk_loads_or_raises_input_error(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 6)))
        text = (
            text[:i]
            + data.draw(st.text(max_size=4) | st.sampled_from(["\t", ":", "- ", "{", "&a", "*a"]))
            + text[j:]
        )
    _loads_or_input_error(text)
