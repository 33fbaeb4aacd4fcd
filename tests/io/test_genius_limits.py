"""Sizes a GENIUS or GeniusWeb file can ask for are checked before anything that large is made.

Each case would otherwise build a tuple of 10^12 values or index 10^30 outcomes (minutes and gigabytes);
each must end at once with an InputError naming the file and the field.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import InputError
from accord.io.folder import load_folder
from accord.io.genius import MAX_ISSUE_VALUES, FormatWarning, read_genius_domain
from accord.io.geniusweb import domain_from_json

DOMAIN = """<negotiation_template><utility_space><objective index="0" name="d">{issues}
</objective></utility_space></negotiation_template>"""


def test_an_integer_issue_of_a_trillion_values_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "d.xml"
    f.write_text(
        DOMAIN.format(
            issues='<issue index="1" name="money" type="integer" lowerbound="0" upperbound="1000000000000"/>'
        )
    )
    with pytest.raises(
        InputError, match=r"d\.xml: issue 'money' upperbound: expected at most 1,000,000 values"
    ):
        read_genius_domain(f)


def test_real_steps_are_bounded(tmp_path: Path) -> None:
    f = tmp_path / "d.xml"
    f.write_text(
        DOMAIN.format(
            issues='<issue index="1" name="km" type="real"><range lowerbound="0" upperbound="1"/></issue>'
        )
    )
    assert len(read_genius_domain(f, real_steps=1_000_000)[0].values) == 1_000_000
    with pytest.raises(InputError, match=r"real_steps: expected 1 to 1,000,000 points"):
        read_genius_domain(f, real_steps=10**9)


def test_a_geniusweb_range_of_a_quadrillion_values_is_refused() -> None:
    doc = {"name": "d", "issuesValues": {"money": {"range": {"low": 0, "high": 10**15, "step": 1}}}}
    with pytest.raises(
        InputError, match=r"dom\.json: issuesValues\.money\.range: expected at most 1,000,000 values"
    ):
        domain_from_json(doc, "dom.json")


def test_a_space_too_large_to_index_is_refused_naming_the_folder(tmp_path: Path) -> None:
    """ANAC 2014's 30-issue domains: 10^30 outcomes, beyond accord's 64-bit outcome indices."""
    issues = "".join(
        f'<issue index="{k}" name="i{k}" type="integer" lowerbound="0" upperbound="9"/>' for k in range(1, 31)
    )
    (tmp_path / "dom.xml").write_text(DOMAIN.format(issues=issues))
    prof = (
        '<utility_space type="nonlinear"><objective index="0" name="d"><utility maxutility="10">'
        '<ufun aggregation="sum"><hyperRectangle utility="10"><INCLUDES index="1" min="0" max="4"/>'
        "</hyperRectangle></ufun></utility></objective></utility_space>"
    )
    for name in ("a", "b"):
        (tmp_path / f"{name}.xml").write_text(prof)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FormatWarning)
        with pytest.raises(
            InputError, match=r"domain: expected an outcome space of at most 2\^62 outcomes"
        ) as err:
            load_folder(tmp_path)
    assert err.value.file == str(tmp_path)


@given(lo=st.integers(-(10**15), 10**15), span=st.integers(0, 10**15), steps=st.integers(-5, 10**10))
@settings(max_examples=60, deadline=None)
def test_any_integer_range_or_real_steps_loads_within_the_limit_or_is_refused(
    lo: int, span: int, steps: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "d.xml"
        f.write_text(
            DOMAIN.format(
                issues=f'<issue index="1" name="n" type="integer" lowerbound="{lo}" upperbound="{lo + span}"/>'
                '<issue index="2" name="x" type="real"><range lowerbound="0" upperbound="1"/></issue>'
            )
        )
        try:
            issues = read_genius_domain(f, real_steps=steps)
        except InputError as exc:
            assert str(exc).startswith(str(f)) and "expected" in str(exc)
            assert span + 1 > MAX_ISSUE_VALUES or not 1 <= steps <= MAX_ISSUE_VALUES
        else:
            assert len(issues[0].values) == span + 1 <= MAX_ISSUE_VALUES
            assert len(issues[1].values) == steps
