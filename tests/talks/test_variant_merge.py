"""The variant rule for `tracks`: naming a stage merges into it, every stage not named is kept, and only
`{name: STAGE, drop: true}` removes one (docs/scenario-format.md, "Variants"); checked by hand on a toy
and over every variant of the library."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.io.talks import apply_variant, load_talks, read, talks_from_document, variant_changes

from .toy import toy

LIB = Path(__file__).resolve().parents[2] / "scenarios"
LIBRARY = sorted(LIB.glob("*.yaml"))


def _names(ts) -> list[str]:
    return [s.name for s in ts.stages]


def test_naming_one_stage_keeps_the_others():
    doc = toy()
    doc["variants"]["short_summit"] = {"tracks": [{"name": "summit", "rounds": 1}]}
    ts = talks_from_document(doc, "toy.yaml", variant="short_summit")
    base = talks_from_document(doc, "toy.yaml")
    assert _names(ts) == ["working", "summit"]
    assert ts.stages[0] == base.stages[0]
    assert ts.stages[1].rounds == 1 and ts.stages[1].opener == base.stages[1].opener
    assert ts.document["tracks"][1] == {**doc["tracks"][1], "rounds": 1}


def test_drop_removes_a_stage_and_is_reported_as_a_removal():
    doc = toy()
    ts = talks_from_document(doc, "toy.yaml", variant="no_working_level")
    assert _names(ts) == ["summit"]
    assert variant_changes(doc, "no_working_level") == ["drops stage `working`"]


def test_a_new_stage_goes_after_the_stage_named_before_it():
    doc = toy()
    extra = {"name": "retreat", "rounds": 2, "negotiators": {"a": "envoy", "b": "envoy"}}
    doc["variants"]["retreat"] = {"tracks": [{"name": "working"}, extra]}
    doc["variants"]["first"] = {"tracks": [extra]}
    assert _names(talks_from_document(doc, "toy.yaml", variant="retreat")) == ["working", "retreat", "summit"]
    assert _names(talks_from_document(doc, "toy.yaml", variant="first")) == ["retreat", "working", "summit"]
    assert variant_changes(doc, "retreat") == ["stage `working`: nothing", "adds stage `retreat`"]


@pytest.mark.parametrize(
    "item, field, words",
    [
        ({"name": "working", "drop": True, "rounds": 2}, "variants.v.tracks[0]", "only `name` and `drop`"),
        ({"name": "working", "drop": "yes"}, "variants.v.tracks[0].drop", "true or false"),
        ({"rounds": 2}, "variants.v.tracks[0]", "stage mapping"),
    ],
)
def test_malformed_stage_items(item, field, words):
    doc = toy()
    doc["variants"]["v"] = {"tracks": [item]}
    with pytest.raises(InputError) as exc:
        talks_from_document(doc, "toy.yaml", variant="v")
    assert exc.value.field == field and words in str(exc.value)


def test_a_stage_named_twice():
    doc = toy()
    doc["variants"]["v"] = {"tracks": [{"name": "summit", "rounds": 1}, {"name": "summit", "drop": True}]}
    with pytest.raises(InputError) as exc:
        talks_from_document(doc, "toy.yaml", variant="v")
    assert exc.value.field == "variants.v.tracks[1].name"


def _expected_tracks(base: list[dict], over: list[dict]) -> list[dict]:
    """The rule written out independently: merge named stages key by key, drop the dropped, keep the rest."""
    named = {s["name"]: s for s in over}
    out = []
    for stage in base:
        o = named.get(stage["name"])
        if o is None:
            out.append(stage)
        elif not o.get("drop"):
            merged = copy.deepcopy(stage)
            for k, v in o.items():
                if isinstance(v, dict) and isinstance(merged.get(k), dict):
                    merged[k] = {**merged[k], **v}
                elif k != "drop":
                    merged[k] = v
            out.append(merged)
    return out


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_library_variant_keeps_the_stages_it_does_not_name(path):
    doc = read(path)[0]
    base_tracks = doc.get("tracks") or []
    for name, over in (doc.get("variants") or {}).items():
        merged = apply_variant(doc, name, str(path))
        if "tracks" not in over:
            assert merged.get("tracks") == base_tracks, name
            continue
        assert all(s["name"] in {b["name"] for b in base_tracks} for s in over["tracks"]), name
        assert merged["tracks"] == _expected_tracks(base_tracks, over["tracks"]), name
        ts = load_talks(path, name)
        dropped = {s["name"] for s in over["tracks"] if s.get("drop")}
        assert _names(ts) == [b["name"] for b in base_tracks if b["name"] not in dropped], name
        for s in dropped:
            assert f"drops stage `{s}`" in variant_changes(doc, name)


def test_hanoi_variants_change_one_thing_each():
    """Only `no_working_level` runs the summit alone; every other course keeps the working level."""
    path = LIB / "hanoi-2019.yaml"
    stages = {n: _names(load_talks(path, n)) for n in read(path)[0]["variants"]}
    assert stages.pop("no_working_level") == ["summit"]
    assert all(s == ["working_level", "summit"] for s in stages.values()), stages


def test_a_misspelt_stage_name_adds_a_stage_and_is_warned_about(tmp_path):
    """`tracks: [{name: sumit, ...}]` is a new stage by the rule; its closeness to `summit` is said, and
    accord run warns, since a misspelling would otherwise add a stage silently."""
    import subprocess
    import sys

    import yaml

    doc = toy()
    doc["variants"] = {"typo": {"tracks": [{"name": "sumit", "rounds": 2}]}}
    assert variant_changes(doc, "typo") == ["adds stage `sumit` (not in the base; did you mean `summit`?)"]
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "accord", "run", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "warning: variant typo adds stage `sumit` (not in the base; did you mean `summit`?)" in " ".join(
        r.stdout.split()
    )
