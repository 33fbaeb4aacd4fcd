"""Actor tables: CSV (wide and long), YAML, scales, distributions, and every kind of bad input."""

import csv
import math

import numpy as np
import pytest

from accord.errors import InputError
from accord.forecast.tables import parse_csv, read_table


def test_ec_oracle_table_reads_as_published(ec_path):
    t = read_table(ec_path)
    with ec_path.open() as fh:
        rows = list(csv.DictReader(ln for ln in fh if not ln.startswith("#")))
    assert t.actors == tuple(r["actor"] for r in rows)
    assert t.issues == ("issue",)
    np.testing.assert_array_equal(t.capability[0], [float(r["capability"]) for r in rows])
    np.testing.assert_array_equal(t.position[0], [float(r["position"]) for r in rows])
    np.testing.assert_array_equal(t.salience[0], [float(r["salience"]) for r in rows])
    assert t.present.all() and not t.distributions


def test_headers_case_insensitive_aliases_comments_blank_lines_quotes_and_extra_columns():
    text = (
        "\ufeff# a comment\n\n"
        "STAKEHOLDER , Clout,POSITION,salience,Source\n"
        "# another comment between rows\n"
        '"Doe, J.", 2 , 10,0.5,"[A1], [A2]"\n'
        "\n"
        "Roe,0,20,1,\n"
    )
    t = parse_csv(text.lstrip("\ufeff"), "x.csv")
    assert t.actors == ("Doe, J.", "Roe")
    np.testing.assert_array_equal(t.capability[0], [2.0, 0.0])
    np.testing.assert_array_equal(t.position[0], [10.0, 20.0])
    assert t.notes[0]["Source"] == "[A1], [A2]"


def test_bom_is_ignored_when_reading_a_file(write):
    t = read_table(write("\ufeffActor,Capability,Position,Salience\na,1,2,0.5\n"))
    assert t.actors == ("a",)


def test_long_form_with_absent_actor_and_per_issue_scales(write):
    p = write(
        "# scale p: 0 .. 100\n# scale q: -1 .. 1\n# anchor q: -1 = against\n"
        "actor,issue,position,salience,capability\n"
        "a,p,10,0.5,1\na,q,-1,0.2,1\nb,p,90,0.9,2\nc,q,1,1,3\n"
    )
    t = read_table(p)
    assert t.issues == ("p", "q") and t.actors == ("a", "b", "c")
    np.testing.assert_array_equal(t.present, [[True, True, False], [True, False, True]])
    assert (t.scales[0].lo, t.scales[0].hi) == (0, 100)
    assert t.scales[1].anchors == ((-1.0, "against"),)
    d = t.issue_data("q")
    assert d.actors == ("a", "c")
    np.testing.assert_array_equal(d.weight, [0.2, 3.0])


def test_scale_directive_names_the_issue_and_salience_directive_rescales(write):
    t = read_table(
        write(
            "# scale relief: 0 .. 100\n# anchor: 0 = none\n# salience: 0 .. 100\nactor,capability,position,salience\na,1,0,40\nb,1,100,100\n"
        )
    )
    assert t.issues == ("relief",)
    assert t.scales[0].anchors == ((0.0, "none"),)
    np.testing.assert_array_equal(t.salience[0], [0.4, 1.0])


def test_distributions_in_cells_use_nominal_values(write):
    t = read_table(
        write(
            '# scale: 0 .. 10\nactor,capability,position,salience\na,uniform(1 3),triangular(2 3 7),"normal(0.5, 0.1)"\nb,1,5,0.5\n'
        )
    )
    assert (t.capability[0, 0], t.position[0, 0], t.salience[0, 0]) == (2.0, 3.0, 0.5)
    assert set(t.distributions) == {("capability", 0, 0), ("position", 0, 0), ("salience", 0, 0)}
    sal = t.distributions[("salience", 0, 0)]
    assert (sal.lo, sal.hi) == (0.0, 1.0)  # normal truncated to the salience domain
    assert t.distributions[("position", 0, 0)].hi == 10


def test_yaml_wide_and_long_and_inside_a_scenario(write):
    wide = write(
        "name: demo\nissues:\n  relief: {scale: [0, 100], anchors: {0: none, 100: all}}\n"
        "actors:\n  - {actor: a, capability: 1, position: 10, salience: {uniform: [0.2, 0.4]}}\n"
        "  - {Actor: b, Power: 2, Position: 90, Salience: 1}\n",
        "w.yaml",
    )
    t = read_table(wide)
    assert t.name == "demo" and t.issues == ("relief",) and t.actors == ("a", "b")
    assert t.scales[0].anchors == ((0.0, "none"), (100.0, "all"))
    assert math.isclose(t.salience[0, 0], 0.3) and ("salience", 0, 0) in t.distributions
    long = write(
        "stakeholders:\n  actors:\n    - {actor: a, issue: p, capability: 1, position: 1, salience: 1}\n"
        "    - {actor: a, issue: q, capability: 1, position: 2, salience: 1}\n",
        "s.yml",
    )
    t2 = read_table(long)
    assert t2.issues == ("p", "q")


def test_nk_table_loads_and_every_fact_position_has_a_source(nk_path):
    t = read_table(nk_path)
    assert t.issues == ("un_sanctions_relief",)
    assert (t.scales[0].lo, t.scales[0].hi) == (0.0, 100.0)
    assert len(t.scales[0].anchors) == 5
    for actor, note in zip(t.actors, t.notes, strict=True):
        assert note["position_basis"] in ("fact", "judgement"), actor
        assert note["capability_basis"] == "judgement" and note["salience_basis"] == "judgement"
        if note["position_basis"] == "fact":
            assert note["sources"].startswith("["), actor
    assert t.distributions  # judgement is written as uncertainty


# ------------------------------------------------------------------------------------------ bad input

HEADER = "actor,capability,position,salience\n"


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("actor,capability,position\na,1,2\n", "row 1, column salience", "salience"),
        ("# c\nActor,Capability,Position\na,1,2\n", "row 2, column salience", "salience"),
        (HEADER + "a,1,2,0.5\nb,1,2,1.5\n", "row 3, column salience", "[0, 1]"),
        (HEADER + "a,1,2,-0.1\n", "row 2, column salience", "[0, 1]"),
        (HEADER + "a,-1,2,0.5\n", "row 2, column capability", ">= 0"),
        (HEADER + "a,1,2,0.5\nb,1,3,0.5\na,1,4,0.5\n", "row 4, column actor", "each actor once"),
        ("# scale: 0 .. 10\n" + HEADER + "a,1,2,0.5\nb,1,11,0.5\n", "row 4, column position", "[0, 10]"),
        (HEADER + "a,1,two,0.5\n", "row 2, column position", "a number"),
        (HEADER + "a,1,,0.5\n", "row 2, column position", "a value"),
        (HEADER + "a,1,nan,0.5\n", "row 2, column position", "a number"),
        (HEADER + "a,1,2,uniform(0.5 2)\n", "row 2, column salience", "uniform(a, b)"),
        (HEADER + "a,1,2,beta(1 2)\n", "row 2, column salience", "one of"),
        (HEADER + "a,1,2,0.5,extra\n", "row 2", "4 cells"),
        (
            "actor,issue,capability,position,salience\na,p,1,1,1\na,p,1,2,1\n",
            "row 3, column actor",
            "once per issue",
        ),
        ("# scale: 10 .. 0\n" + HEADER + "a,1,2,0.5\n", "row 1, scale", "LOW < HIGH"),
        ("# scale zz: 0 .. 1\nactor,issue,capability,position,salience\na,p,1,1,1\n", "scale zz", "an issue"),
        (HEADER, "rows", "at least one actor"),
        ("", "row 1", "header"),
        (HEADER + "a,0,2,0.5\nb,1,3,0\n", "issue issue", "capability > 0 and salience > 0"),
    ],
)
def test_bad_csv_names_file_row_and_column(write, text, field, expected):
    p = write(text, "bad.csv")
    with pytest.raises(InputError) as err:
        read_table(p)
    msg = str(err.value)
    assert str(p) in msg and field in msg and expected in msg, msg
    assert err.value.file == str(p) and err.value.field == field
    assert "\n" not in msg


def test_duplicate_actor_message_points_to_first_row(write):
    with pytest.raises(InputError, match="first at row 2"):
        read_table(write(HEADER + "a,1,2,0.5\na,1,3,0.5\n"))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("actors: []\n", "actors"),
        ("actors:\n  - {actor: a, capability: 1, position: 1, salience: 2}\n", "actors[0].salience"),
        ("actors:\n  - {actor: a, capability: 1, position: 1}\n", "actors[0].salience"),
        (
            "issues: {p: {scale: [0, 1]}}\nactors:\n  - {actor: a, capability: 1, position: 5, salience: 1}\n",
            "actors[0].position",
        ),
        ("colour: red\nactors: []\n", "colour"),
        ("[1, 2]\n", None),
        (
            "issues: {p: {scale: [1]}}\nactors:\n  - {actor: a, capability: 1, position: 1, salience: 1}\n",
            "issues.p.scale",
        ),
    ],
)
def test_bad_yaml_names_the_field(write, text, field):
    with pytest.raises(InputError) as err:
        read_table(write(text, "bad.yaml"))
    assert err.value.field == field


def test_missing_file_and_unparsable_yaml(write, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="valid YAML"):
        read_table(write("a: [1,\n", "x.yaml"))
