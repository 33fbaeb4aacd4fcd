"""A YAML -> GENIUS/GeniusWeb -> YAML round trip keeps what those formats cannot hold (accord.json beside
the folder): issue order flags and integer/real issues, the party order (and so the opener), the protocol,
the name, sources, history, notes, descriptions and strategies; a stale or malformed sidecar is said so."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

from accord.io import load
from accord.io.convert import convert
from accord.io.genius import FormatWarning
from accord.io.sidecar import SIDECAR
from accord.io.yaml_scenario import load_yaml, scenario_to_dict

TOY = """\
name: Toy sanctions talks
description: A toy.
sources: {S1: a source}
issues:
  relief: [none, partial, full]
  inspections: {values: [none, declared_sites, anywhere], ordered: true}
  tranches: {type: integer, lower: 0, upper: 3}
  share: {type: real, lower: 0.0, upper: 1.0, steps: 3}
parties:
  usa:
    description: the United States
    weights: {relief: 0.4, inspections: 0.3, tranches: 0.2, share: 0.1}
    scores:
      relief: {none: 1.0, partial: 0.6, full: 0.0}
      inspections: {none: 0.0, declared_sites: 0.5, anywhere: 1.0}
      tranches: {linear: {slope: -0.25, offset: 1.0}}
      share: {linear: {slope: 1.0}}
    reservation: 0.3
    strategy: boulware
  dprk:
    weights: {relief: 0.6, inspections: 0.2, tranches: 0.1, share: 0.1}
    scores:
      relief: {none: 0.0, partial: 0.6, full: 1.0}
      inspections: {none: 1.0, declared_sites: 0.6, anywhere: 0.0}
      tranches: {linear: {slope: 0.25}}
      share: {linear: {slope: -1.0, offset: 1.0}}
    reservation: 0.25
protocol: {deadline: 20, opener: dprk}
history: {outcome: no_agreement, date: '2019-02-28'}
notes: judgements throughout
"""


@pytest.fixture
def toy(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    return p


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_round_trip_keeps_everything_the_scenario_holds(toy, tmp_path, fmt):
    convert(toy, tmp_path / "folder", to=fmt)
    assert (tmp_path / "folder" / SIDECAR).is_file()
    convert(tmp_path / "folder", tmp_path / "back.yaml")
    a, b = load_yaml(toy), load_yaml(tmp_path / "back.yaml")
    assert scenario_to_dict(b) == scenario_to_dict(a)
    assert b.party_names == ("usa", "dprk") and b.protocol.opener == "dprk" and b.protocol.deadline == 20
    assert [i.kind for i in b.space.issues] == ["categorical", "ordinal", "integer", "real"]
    assert (b.compile().utilities == a.compile().utilities).all()


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_without_the_sidecar_the_folder_alone_loses_what_it_cannot_hold(toy, tmp_path, fmt):
    """The losses the sidecar exists for: GENIUS/GeniusWeb files alone reorder parties by file name and
    forget order flags, integer issues, the deadline and the opener."""
    convert(toy, tmp_path / "folder", to=fmt)
    (tmp_path / "folder" / SIDECAR).unlink()
    b = load(tmp_path / "folder")
    assert b.party_names == ("dprk", "usa")
    assert b.space.issues[1].kind == "categorical" and b.protocol.deadline != 20
    assert b.protocol.opener is None and b.parties[1].strategy is None


def test_parties_named_by_the_caller_keep_the_callers_order(toy, tmp_path):
    convert(toy, tmp_path / "folder", to="genius")
    b = load(tmp_path / "folder", ["dprk", "usa"])
    assert b.party_names == ("dprk", "usa") and b.space.issues[1].kind == "ordinal"
    assert b.parties[1].strategy == "boulware"


def test_a_sidecar_the_folder_no_longer_matches_is_ignored_with_a_warning(toy, tmp_path):
    convert(toy, tmp_path / "folder", to="genius")
    side = tmp_path / "folder" / SIDECAR
    doc = json.loads(side.read_text())
    doc["issues"][0]["values"] = ["none", "some", "full"]  # the domain was edited since
    side.write_text(json.dumps(doc))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FormatWarning)
        b = load(tmp_path / "folder")
    assert b.party_names == ("dprk", "usa")  # as the folder's files alone say
    assert any(SIDECAR in str(w.message) and "ignored" in str(w.message) for w in caught)


def test_a_malformed_sidecar_is_one_clear_error(toy, tmp_path):
    convert(toy, tmp_path / "folder", to="genius")
    side = tmp_path / "folder" / SIDECAR
    doc = json.loads(side.read_text())
    doc["protocol"] = "twenty rounds"
    side.write_text(json.dumps(doc))
    r = subprocess.run(
        [sys.executable, "-m", "accord", "analyze", str(tmp_path / "folder")], capture_output=True, text=True
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert SIDECAR in r.stderr and "protocol" in r.stderr
    side.write_text("{not json")
    r = subprocess.run(
        [sys.executable, "-m", "accord", "analyze", str(tmp_path / "folder")], capture_output=True, text=True
    )
    assert r.returncode == 2 and SIDECAR in r.stderr and "Traceback" not in r.stderr


def test_an_unrelated_accord_json_is_left_alone(toy, tmp_path):
    convert(toy, tmp_path / "folder", to="genius")
    (tmp_path / "folder" / SIDECAR).write_text(json.dumps({"something": "else"}))
    assert load(tmp_path / "folder").party_names == ("dprk", "usa")


def test_converting_a_talks_file_says_the_talks_blocks_are_not_converted(tmp_path):
    from pathlib import Path

    hanoi = Path(__file__).resolve().parents[2] / "scenarios" / "hanoi-2019.yaml"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FormatWarning)
        convert(hanoi, tmp_path / "h.yaml")
    msgs = [str(w.message) for w in caught]
    assert any("tracks, private, implementation, variants: not converted" in m for m in msgs), msgs
