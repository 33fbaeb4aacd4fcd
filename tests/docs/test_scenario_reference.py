"""The scenario format's field reference: every field of the JSON Schema is described, and the committed
page docs/scenario-reference.md is the one scripts/scenario_reference.py writes from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from accord.io import schema as S
from accord.io import schema_talks as T
from accord.io.schema import scenario_json_schema
from accord.io.schema_docs import FIELDS, reference_markdown, undocumented

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "scenario-reference.md"


def _models() -> dict[str, type]:
    out = {}
    for mod in (S, T):
        for name in dir(mod):
            obj = getattr(mod, name)
            if isinstance(obj, type) and hasattr(obj, "model_fields") and obj.__module__ == mod.__name__:
                out[name] = obj
    return out


def test_every_field_of_every_level_is_described():
    schema = scenario_json_schema()
    assert undocumented(schema) == []
    # independently of the helper: walk every property in the printed schema
    blank = []
    for name, node in [("top", schema), *schema["$defs"].items()]:
        blank += [f"{name}.{f}" for f, p in node.get("properties", {}).items() if not p.get("description")]
    assert blank == []


def test_every_model_field_reaches_the_schema_and_no_description_is_stale():
    """Each pydantic model's fields appear in the schema (so they are in the reference), and every entry of
    schema_docs.FIELDS names a field that exists (a renamed field must not leave a dead description)."""
    schema = scenario_json_schema()
    defs = {"ScenarioSpec": schema, **schema["$defs"]}
    for name, model in _models().items():
        if name in ("ScenarioSpec", "TalksSpec", "_Strict"):
            continue
        if name in defs:
            assert set(model.model_fields) == set(defs[name]["properties"]), name
    for name, fields in FIELDS.items():
        assert name in defs, name
        for f in fields:
            assert f == "" or f in defs[name]["properties"], f"{name}.{f}"


def test_the_committed_reference_is_current():
    assert PAGE.read_text(encoding="utf-8") == reference_markdown(scenario_json_schema()), (
        "docs/scenario-reference.md is out of date: run PYTHONPATH=src python scripts/scenario_reference.py"
    )


def test_the_reference_names_every_field_and_the_cli_prints_the_descriptions():
    text = PAGE.read_text(encoding="utf-8")
    schema = scenario_json_schema()
    for name, node in [("Top level", schema), *schema["$defs"].items()]:
        assert f"## {name}" in text
        for f in node.get("properties", {}):
            assert f"| `{f}` |" in text, f"{name}.{f}"
    out = subprocess.run(
        [sys.executable, "-m", "accord", "schema"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    printed = json.loads(out)
    assert printed["$defs"]["StepSpec"]["properties"]["inspection_rate"]["description"]
    assert printed["properties"]["history"]["description"]


def test_the_script_checks_the_page():
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "scenario_reference.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout + r.stderr
