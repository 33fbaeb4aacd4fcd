"""GENIUS 10.4 as the oracle for reading: accord's utilities of sampled outcomes equal GENIUS's own.

Reference: tests/reference/genius/reading.json, written by validation/genius/make_reference.py, which ran
GENIUS 10.4's ``DomainImpl`` and ``AdditiveUtilitySpace`` (source: yasserfarouk/negmas external/genius10.4,
commit in meta.json) on every GENIUS XML folder of shared/data/genius: 100 outcomes drawn uniformly per
folder (seed 0), each profile's ``getUtility`` of them, its discount factor and reservation value.
No Java is needed here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from accord.io.folder import load_folder

REF = json.loads((Path(__file__).parent / "genius" / "reading.json").read_text())
DATA = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"

#: Profiles whose weights sum above 1: GENIUS's AdditiveUtilitySpace.getUtility returns min(sum, 1); accord
#: returns the sum (up to 1.0075 on car-Profile8, 1.00005 on the Laptop base profiles). Not yet fixed.
UNCLIPPED = {
    ("ANAC2015-CarDomain", "car-Profile8"),
    ("Laptop", "laptop_buyer_utility"),
    ("Laptop", "laptop_seller_utility"),
}


def _cases() -> list:
    out = []
    for key, ref in REF.items():
        for prof in ref["profiles"]:
            stem = prof.removesuffix(".xml")
            marks = []
            if (key.split("/")[0], stem) in UNCLIPPED:
                marks.append(
                    pytest.mark.xfail(
                        strict=True,
                        reason="weights sum above 1: GENIUS clips the utility at 1, accord does not",
                    )
                )
            out.append(pytest.param(key, stem, marks=marks, id=f"{key}:{stem}"))
    return out


def _party(key: str, stem: str):
    ref = REF[key]
    others = [p.removesuffix(".xml") for p in ref["profiles"] if p.removesuffix(".xml") != stem]
    sc = load_folder(DATA / key.split("/")[0], parties=[stem, others[0]])
    return sc, sc.parties[0]


def test_reference_covers_every_genius_xml_folder() -> None:
    folders = {k.split("/")[0] for k in REF}
    xml_folders = {p.name for p in DATA.iterdir() if p.is_dir() and any(p.glob("*.xml"))}
    assert folders == xml_folders
    assert all(len(r["outcomes"]) == 100 for r in REF.values())


@pytest.mark.parametrize(("key", "stem"), _cases())
def test_utilities_equal_genius(key: str, stem: str) -> None:
    ref = REF[key]
    sc, party = _party(key, stem)
    idx = np.array([sc.space.index(o) for o in ref["outcomes"]])
    got = party.preferences.evaluate(idx)
    want = np.array(ref["profiles"][stem + ".xml"]["utility"])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("key", "stem"), [c.values for c in _cases()])
def test_discount_and_reservation_equal_genius(key: str, stem: str) -> None:
    ref = REF[key]["profiles"][stem + ".xml"]
    _, party = _party(key, stem)
    assert party.preferences.discount == pytest.approx(ref["discount"], abs=1e-12)
    assert party.preferences.reservation == pytest.approx(ref["reservation"], abs=1e-12)
