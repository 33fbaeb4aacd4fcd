"""The case library's index, scenarios/cases.csv, against the scenario files themselves: one row per file
with a history, the same id, date, parties and five-year category as the file's history block; every file
loads, cites at least three sources and defines every source id it cites; the library holds at least 24
independent cases with at least five in each category (issue 13)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.io.talks import load_talks, read
from accord.io.yaml_scenario import dumps_yaml, load_yaml, loads_yaml

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scenarios"
INDEX = LIB / "cases.csv"
COLUMNS = ["id", "file", "date", "parties", "category", "variant_of", "outcome", "main_sources"]
CATEGORIES = {"no_agreement", "agreement_completed", "agreement_collapsed"}
CITE = re.compile(r"\[([A-Z]{1,3}[0-9]+[a-z]?)\]")
# A line holding one number as a mapping value (a weight, a score, a rate): it must carry its source.
NUMBER_LINE = re.compile(r"^\s+[A-Za-z_][\w\-]*:\s*-?[0-9][0-9.]*\s*(#.*)?$")
# "as protocol.deadline", "as hanoi-2019.yaml": the same number as another field or file, which carries the source.
SAME_AS = re.compile(r"\bas (protocol|[\w.-]+\.yaml)")


def _rows() -> list[dict[str, str]]:
    with INDEX.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _case_files() -> list[Path]:
    return sorted(p for p in LIB.glob("*.yaml") if read(p)[0].get("history"))


ROWS = _rows()
FILES = _case_files()
VARIANTS = {r["id"] for r in ROWS if r["variant_of"]}


def test_index_lists_every_file_with_a_history_once():
    assert sorted(r["file"] for r in ROWS) == sorted(f"scenarios/{p.name}" for p in FILES)
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_matches_its_file(row):
    path = ROOT / row["file"]
    assert path.stem == row["id"]
    doc = read(path)[0]
    hist = doc["history"]
    assert row["date"] == str(hist["date"])
    assert row["parties"].split(";") == list(doc["parties"])
    assert row["category"] in CATEGORIES and row["category"] == hist["category"]
    assert (hist["outcome"] == "no_agreement") == (row["category"] == "no_agreement")
    if row["variant_of"]:
        assert (LIB / f"{row['variant_of']}.yaml").is_file()
    assert row["outcome"].strip()
    main = row["main_sources"].split(";")
    assert main and set(main) <= set(doc["sources"]), sorted(set(main) - set(doc["sources"]))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_loads_and_cites_what_it_defines(path):
    sc = load_yaml(path)
    ts = load_talks(path)
    assert sc.history["category"] == ts.history["category"]
    if path.stem not in VARIANTS:
        assert ts.implementation is not None, (
            "a case needs an implementation block to be coded in three categories"
        )
    doc = read(path)[0]
    assert len(doc["sources"]) >= 3
    cited = set(CITE.findall(path.read_text(encoding="utf-8")))
    assert cited <= set(doc["sources"]), sorted(cited - set(doc["sources"]))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_standalone_number_carries_a_source_or_judgement(path):
    bad = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if NUMBER_LINE.match(line):
            comment = line.split("#", 1)[1] if "#" in line else ""
            if not ("judgement" in comment or CITE.search(comment) or SAME_AS.search(comment)):
                bad.append((k, line.strip()))
    assert not bad, bad


def test_library_size_and_balance():
    independent = [r for r in ROWS if not r["variant_of"]]
    counts = Counter(r["category"] for r in independent)
    assert len(independent) >= 24, len(independent)
    assert all(counts[c] >= 5 for c in CATEGORIES), dict(counts)


SMALL = """\
name: small
issues:
  relief: [none, full]
parties:
  a: {weights: {relief: 1}, scores: {relief: {none: 0, full: 1}}}
  b: {weights: {relief: 1}, scores: {relief: {none: 1, full: 0}}}
protocol: {deadline: 2}
history:
  outcome: {outcome}
  category: {category}
"""


@pytest.mark.parametrize(
    ("outcome", "category", "expected"),
    [
        ("no_agreement", "agreement_completed", "no_agreement exactly when the outcome is no_agreement"),
        ("{relief: full}", "no_agreement", "no_agreement exactly when the outcome is no_agreement"),
        ("no_agreement", "failed", "agreement_collapsed"),
    ],
)
def test_bad_category_is_one_input_error_naming_the_field(outcome, category, expected):
    text = SMALL.replace("{outcome}", outcome).replace("{category}", category)
    with pytest.raises(InputError) as err:
        loads_yaml(text, "s.yaml")
    assert err.value.field == "history.category" and expected in str(err.value)


def test_category_survives_a_dump_and_load():
    sc = loads_yaml(SMALL.replace("{outcome}", "{relief: full}").replace("{category}", "agreement_collapsed"))
    again = loads_yaml(dumps_yaml(sc))
    assert again.history["category"] == "agreement_collapsed"


def test_cases_page_summarises_every_case_with_its_date_and_category():
    page = (ROOT / "docs" / "cases.md").read_text(encoding="utf-8")
    for r in ROWS:
        if r["variant_of"]:
            continue
        entry = f"- **{r['id']}** ({r['date']}, `{r['category']}`):"
        assert page.count(entry) == 1, entry
        following = page.split(entry, 1)[1].split("\n- **", 1)[0]
        assert any(f"[{s}]" in following for s in r["main_sources"].split(";")), r["id"]
