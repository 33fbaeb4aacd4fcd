"""Hostile and oversized inputs end at once with one InputError naming the file and field (exit 2 on the
command line), never a hang, a traceback or gigabytes of memory: every size the format allows is bounded
and checked before anything is allocated (docs/scenario-format.md, "Limits")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.forecast.tables import MAX_ROWS, parse_csv, read_table
from accord.io.yaml_scenario import load_yaml
from accord.strategies.spec import parse as parse_spec
from accord.yaml_dialect import MAX_DEPTH, MAX_EXPANDED_NODES, parse

from .test_bad_input import VALID

ROOT = Path(__file__).resolve().parents[2]


def _bomb(levels: int, fanout: int, indent: str = "") -> str:
    """Anchors that fan out: level k is ``fanout`` aliases of level k-1 (fanout**levels leaves)."""
    out = f"{indent}l0: &l0 [{', '.join(['x'] * fanout)}]\n"
    for k in range(1, levels + 1):
        out += f"{indent}l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * fanout)}]\n"
    return out


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as e:
        load_yaml(path)
    assert str(e.value).startswith(str(path)) and "expected" in str(e.value)
    return e.value


@pytest.mark.parametrize("where", ["sources", "notes", "top"])
def test_alias_bombs_are_refused_by_their_expanded_size(tmp_path, where):
    bomb = _bomb(9, 9, "  ")  # 9^9 = 387 million leaves once expanded
    doc = {"sources": f"sources:\n{bomb}", "notes": f"notes:\n{bomb}", "top": _bomb(9, 9)}[where] + VALID
    p = tmp_path / "bomb.yaml"
    p.write_text(doc)
    assert "anchors" in _error(p).expected


def test_a_self_referencing_anchor_is_refused(tmp_path):
    p = tmp_path / "loop.yaml"
    p.write_text("notes: &a [1, *a]\n" + VALID)
    assert "self-referencing" in _error(p).expected


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 5000])
def test_deep_nesting_is_refused(tmp_path, depth):
    p = tmp_path / "deep.yaml"
    p.write_text(VALID + "notes: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in _error(p).expected


def test_the_limits_leave_room_for_real_files():
    hanoi = (ROOT / "scenarios" / "hanoi-2019.yaml").read_text()
    data, _ = parse(hanoi, "hanoi")
    assert isinstance(data, dict)
    fine = _bomb(4, 9)  # 9^4 = 6,561 leaves: a legitimate use of anchors
    assert parse(fine, "fine")[0]["l4"][0][0][0][0] == ["x"] * 9
    assert 9**5 < MAX_EXPANDED_NODES < 9**6


@given(levels=st.integers(1, 12), fanout=st.integers(2, 12))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_fan_out_of_anchors_loads_or_is_refused_by_size(levels, fanout):
    text = _bomb(levels, fanout)
    leaves = fanout ** (levels + 1)
    try:
        data, _ = parse(text, "f.yaml")
    except InputError as exc:
        assert "anchors" in exc.expected
        assert leaves > MAX_EXPANDED_NODES // 2  # refused only when it is really large
    else:
        assert len(data) == levels + 1 and leaves <= 2 * MAX_EXPANDED_NODES


def test_devices_and_fifos_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert "regular" in _error(fifo).expected
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    assert "regular" in _error(zero).expected


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    import accord.yaml_dialect as Y

    monkeypatch.setattr(Y, "MAX_FILE_BYTES", 1000)
    p = tmp_path / "big.yaml"
    p.write_text(VALID + "notes: " + "x" * 2000 + "\n")
    assert "at most 1,000 bytes" in _error(p).expected


@pytest.mark.parametrize(
    "old,new,field",
    [
        ("deadline: 5", "deadline: 10000000", "protocol.deadline"),
        ("deadline: 5", "deadline: 1" + "0" * 5000, "protocol.deadline"),
    ],
)
def test_sizes_are_bounded_in_the_schema(tmp_path, old, new, field):
    p = tmp_path / "s.yaml"
    p.write_text(VALID.replace(old, new))
    err = _error(p)
    assert err.field is None or err.field == field
    assert len(str(err)) < 700


def test_stage_rounds_are_bounded(tmp_path):
    doc = VALID + "tracks:\n  - {name: summit, rounds: 10000000}\n"
    p = tmp_path / "t.yaml"
    p.write_text(doc)
    from accord.io.talks import load_talks

    with pytest.raises(InputError) as e:
        load_talks(p)
    assert "tracks" in str(e.value) and "100000" in str(e.value)


def test_too_many_private_facts_are_refused(tmp_path):
    from accord.io.talks import load_talks
    from accord.model.beliefs import MAX_FACTS

    facts = {f"f{k}": {"probability": 0.5} for k in range(MAX_FACTS + 1)}
    doc = yaml.safe_load(VALID)
    doc["private"] = {"facts": facts}
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(InputError) as e:
        load_talks(p)
    assert "private" in str(e.value)


@pytest.mark.parametrize("spec", ["boulware(e=" + "9" * 5000 + ")", "boa(" * 3000, "aspiration(e=1e999999)"])
def test_strategy_specs_with_huge_or_deep_values_are_refused(spec):
    try:
        parse_spec(spec)
    except InputError as exc:
        assert len(str(exc)) < 600
    else:  # 1e999999 reads as inf; the strategy itself refuses it later, but parsing ends cleanly
        assert spec.startswith("aspiration")


@pytest.mark.parametrize(
    "text,what",
    [
        ('actor,capability,position,salience\n"A\nB",1,2,0.5\nC,1,3,0.5\n', None),
        ('actor,capability,position,salience\n"A,1,2,0.5\nC,1,3,0.5\n', "well-formed CSV"),
        ("actor,capability,position,salience\n" + "A" * 200_000 + ",1,2,0.5\n", "characters"),
    ],
)
def test_csv_quotes_and_huge_cells(text, what):
    if what is None:
        t = parse_csv(text, "t.csv")
        assert t.actors == ("A\nB", "C")
        return
    with pytest.raises(InputError) as e:
        parse_csv(text, "t.csv")
    assert what in e.value.expected and e.value.field.startswith("row ")


def test_actor_tables_are_bounded_in_rows(tmp_path):
    p = tmp_path / "big.csv"
    rows = "".join(f"a{k},1,{k % 100},0.5\n" for k in range(MAX_ROWS + 5))
    p.write_text("actor,capability,position,salience\n" + rows)
    with pytest.raises(InputError) as e:
        read_table(p)
    assert f"{MAX_ROWS:,}" in str(e.value)


def _cli(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [
        ["run", "{ok}", "--seed", "-1"],
        ["run", "{ok}", "--steps", "1000000000000"],
        ["run", "{ok}", "--seed", "9" * 5000],
        ["sweep", "{ok}", "--param", "protocol.deadline=1:100:1000000000", "--out", "{tmp}/sw"],
        ["run", "{bomb}"],
    ],
)
def test_the_command_line_ends_cleanly_with_exit_2(tmp_path, args):
    ok = tmp_path / "ok.yaml"
    ok.write_text(VALID)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb(9, 9) + VALID)
    p = _cli(*(a.format(ok=ok, bomb=bomb, tmp=tmp_path) for a in args))
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip()


def _geniusweb(tmp_path: Path, party1: str | None = None) -> Path:
    import shutil

    src = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius" / "GeniusWeb-Party"
    folder = tmp_path / "gw"
    shutil.copytree(src, folder)
    if party1 is not None:
        (folder / "party1.json").write_text(party1)
    return folder


def test_geniusweb_numbers_that_overflow_are_refused_with_their_field(tmp_path):
    from accord.io import load

    src = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius" / "GeniusWeb-Party" / "party1.json"
    text = src.read_text().replace('"Chips and Nuts": 0.75', '"Chips and Nuts": 1e400')
    with pytest.raises(InputError) as e:
        load(_geniusweb(tmp_path, text))
    assert e.value.field.endswith("valueUtilities.Chips and Nuts") and "1e15" in e.value.expected


def test_geniusweb_json_nested_deep_is_refused_before_parsing(tmp_path):
    from accord.io import load

    with pytest.raises(InputError) as e:
        load(_geniusweb(tmp_path, "[" * 100_000 + "]" * 100_000))
    assert "nested" in e.value.expected


def test_a_party_whose_constraints_exclude_every_outcome_cannot_run(tmp_path):
    from accord import api

    doc = yaml.safe_load(VALID)
    doc["parties"]["b"]["constraints"] = ["relief == full and relief == none"]
    p = tmp_path / "infeasible.yaml"
    p.write_text(yaml.safe_dump(doc))
    api.analyze(p)  # the analysis of such a scenario is well defined: no feasible outcome
    with pytest.raises(InputError) as e:
        api.run(p, seed=0)
    assert e.value.field == "parties.b.constraints" and e.value.file == str(p)
    run = _cli("run", p)
    assert run.returncode == 2 and "parties.b.constraints" in run.stderr and "Traceback" not in run.stderr
