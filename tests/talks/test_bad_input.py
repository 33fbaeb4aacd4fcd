"""An inconsistent talks scenario fails with one clear message naming the file and the field (exit code 2)."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from accord.errors import InputError
from accord.io.talks import load_talks, talks_from_document

from .toy import toy


def _err(doc, variant=None) -> InputError:
    with pytest.raises(InputError) as exc:
        talks_from_document(doc, "bad.yaml", variant=variant)
    return exc.value


def _impl(doc):
    return doc["implementation"]


CASES = [
    (
        "schedule step with an unknown issue",
        lambda d: _impl(d)["schedule"][0].update(b="reactor = frozen"),
        "implementation.schedule[0].b",
        "known issue",
    ),
    (
        "schedule step with an unknown value",
        lambda d: _impl(d)["schedule"][0].update(b="plant = melted"),
        "implementation.schedule[0].b",
        "value of issue plant",
    ),
    (
        "schedule step with a malformed action",
        lambda d: _impl(d)["schedule"][0].update(b="plant"),
        "implementation.schedule[0].b",
        "issue = value",
    ),
    (
        "schedule step for an unknown party",
        lambda d: _impl(d)["schedule"][0].update(c="plant = frozen"),
        "implementation.schedule[0].c",
        "a party",
    ),
    (
        "probability above 1",
        lambda d: _impl(d)["verification"]["inspection_rate"].update(b=1.5),
        "implementation.verification.inspection_rate.b",
        "≤ 1",
    ),
    (
        "negative probability",
        lambda d: d["private"]["signals"][0].update(p_true=-0.1),
        "private.signals[0].p_true",
        "≥ 0",
    ),
    (
        "belief above 1",
        lambda d: d["private"]["facts"]["sites"]["beliefs"].update(a=1.2),
        "private.facts.sites.beliefs.a",
        "≤ 1",
    ),
    (
        "signal about an undefined fact",
        lambda d: d["private"]["signals"][0].update(fact="tunnels"),
        "private.signals[0].fact",
        "declared private fact",
    ),
    (
        "demand about an undefined fact",
        lambda d: d["private"].update(
            demands=[{"party": "a", "fact": "tunnels", "above": 0.5, "require": "declaration == yes"}]
        ),
        "private.demands[0].fact",
        "declared private fact",
    ),
    (
        "belief of an unknown party",
        lambda d: d["private"]["facts"]["sites"]["beliefs"].update(c=0.5),
        "private.facts.sites.beliefs.c",
        "a party",
    ),
    (
        "action only for an undefined fact",
        lambda d: _impl(d)["schedule"][2].update(b=[{"do": "plant = dismantled", "only_if": "tunnels"}]),
        "implementation.schedule[2].b[0].only_if",
        "declared private fact",
    ),
    ("stage with zero rounds", lambda d: d["tracks"][0].update(rounds=0), "tracks[0].rounds", "≥ 1"),
    (
        "stage with an unknown negotiator",
        lambda d: d["tracks"][0]["negotiators"].update(c="envoy"),
        "tracks[0].negotiators.c",
        "a party",
    ),
    (
        "stage with an unknown role",
        lambda d: d["tracks"][0]["negotiators"].update(a="king"),
        "tracks[0].negotiators.a",
        "envoy",
    ),
    (
        "stage agenda with an unknown issue",
        lambda d: d["tracks"][0].update(agenda=["plant", "moon"]),
        "tracks[0].agenda[1]",
        "an issue",
    ),
    (
        "unknown strategy",
        lambda d: d["tracks"][0].update(strategies={"a": "telepath"}),
        "tracks[0].strategies.a",
        "strateg",
    ),
    (
        "table that does not parse",
        lambda d: d["tracks"][1].update(table="relief ==="),
        "tracks[1].table",
        "expression",
    ),
    (
        "unknown consequence",
        lambda d: _impl(d)["verification"].update(on_detection="war"),
        "implementation.verification.on_detection",
        "snapback",
    ),
    (
        "unknown compliance strategy",
        lambda d: _impl(d)["compliance"].update(b="saint"),
        "implementation.compliance.b",
        "compliance strategy",
    ),
    (
        "fact with neither truth nor probability",
        lambda d: d["private"]["facts"]["sites"].pop("true_value"),
        "private.facts.sites",
        "true_value",
    ),
    ("misspelt stage key", lambda d: d["tracks"][0].update(roundz=3), "tracks[0].roundz", "no key"),
    (
        "preference naming an undefined fact",
        lambda d: d["parties"]["a"]["terms"][0].update(when="tunnels and relief == none"),
        "parties.a.terms[0].when",
        "tunnels",
    ),
]


@pytest.mark.parametrize(("what", "change", "field", "expected"), CASES, ids=[c[0] for c in CASES])
def test_inconsistent_scenario_names_file_and_field(what, change, field, expected):
    doc = toy()
    change(doc)
    e = _err(doc)
    assert e.file == "bad.yaml"
    assert e.field == field, str(e)
    assert expected in str(e), str(e)


def test_variant_overriding_an_unknown_field():
    doc = toy()
    doc["variants"]["oops"] = {"trackz": ["summit"]}
    e = _err(doc, variant="oops")
    assert e.field == "variants.oops.trackz" and "field of the scenario" in str(e)


def test_variant_naming_a_stage_by_a_bare_string():
    doc = toy()
    doc["variants"]["oops"] = {"tracks": ["summit"]}
    e = _err(doc, variant="oops")
    assert e.field == "variants.oops.tracks[0]" and "drop: true" in str(e)


def test_variant_dropping_an_unknown_stage():
    doc = toy()
    doc["variants"]["oops"] = {"tracks": [{"name": "gala_dinner", "drop": True}]}
    e = _err(doc, variant="oops")
    assert e.field == "variants.oops.tracks[0].name" and "base stage to drop" in str(e)


def test_error_inside_a_variant_is_named_by_the_variant():
    doc = toy()
    doc["variants"]["oops"] = {"tracks": [{"name": "summit", "rounds": 0}]}
    e = _err(doc, variant="oops")
    assert e.field.startswith("variants.oops") and "rounds" in e.field


def test_unknown_variant():
    e = _err(toy(), variant="nope")
    assert e.field == "variants" and "no_working_level" in str(e)


def test_cli_exit_code_2_and_one_line(tmp_path):
    import typer

    from accord.cli import core, talks
    from accord.cli.app import main  # noqa: F401  (error handling lives in main)

    doc = toy()
    doc["implementation"]["schedule"][0]["b"] = "plant = melted"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(InputError):
        load_talks(path)
    app = typer.Typer()
    core.register(app)
    talks.register(app)
    res = CliRunner().invoke(app, ["implement", str(path)])
    assert isinstance(res.exception, InputError)  # main() turns it into one line and exit 2
    import subprocess
    import sys

    code = (
        "import importlib,sys; A=importlib.import_module('accord.cli.app');"
        "A.COMMAND_MODULES=tuple(A.COMMAND_MODULES)+('accord.cli.talks',); A.main(sys.argv[1:])"
    )
    p = subprocess.run([sys.executable, "-c", code, "implement", str(path)], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "bad.yaml" in p.stderr and "implementation.schedule[0].b" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "change, field",
    [
        (
            lambda d: d["implementation"]["verification"].update(inspection_rates={"b": 0.5}),
            "implementation.verification.inspection_rates",
        ),
        (
            lambda d: d["implementation"]["schedule"][0].update(inspection_rates={"b": 1.0}),
            "implementation.schedule[0].inspection_rates",
        ),
    ],
)
def test_misspelt_talks_fields_get_a_suggestion(change, field):
    doc = toy()
    change(doc)
    e = _err(doc)
    assert e.field == field and "did you mean `inspection_rate`?" in str(e)


def _rename(block: dict, old: str, new: str) -> None:
    block[new] = block.pop(old)


@pytest.mark.parametrize(
    "change, field, given",
    [
        # a required key misspelt: pydantic reports the key missing first (protocol allows further keys,
        # so `deadlin` is not even an error there); the message names the misspelling
        (lambda d: _rename(d["protocol"], "deadline", "deadlin"), "protocol.deadline", "deadlin"),
        (lambda d: _rename(d["tracks"][1], "name", "nam"), "tracks[1].name", "nam"),
        (lambda d: _rename(d["tracks"][0], "rounds", "round"), "tracks[0].rounds", "round"),
        (lambda d: _rename(d["implementation"], "schedule", "schedul"), "implementation.schedule", "schedul"),
    ],
)
def test_a_misspelt_required_key_is_named_with_the_key_it_stands_for(change, field, given):
    doc = toy()
    change(doc)
    e = _err(doc)
    key = field.rsplit(".", 1)[-1]
    assert e.field == field and f"`{given}` is given: did you mean `{key}`?" in str(e), str(e)


def test_a_missing_key_with_no_near_miss_gets_no_suggestion():
    doc = toy()
    doc["protocol"] = {"opener": "a"}
    e = _err(doc)
    assert e.field == "protocol.deadline" and "did you mean" not in str(e)
