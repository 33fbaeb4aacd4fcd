"""Scenario folders: telling domains from profiles by content, picking parties, refusing bad folders."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from accord.errors import InputError
from accord.io.folder import load_folder

DATA = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared GENIUS data not available")


def copy(name: str, tmp: Path) -> Path:
    return Path(shutil.copytree(DATA / name, tmp / name))


def test_specials_and_unrelated_files_are_ignored(tmp_path: Path) -> None:
    folder = copy("ANL2023-domain00", tmp_path)
    assert (folder / "specials.json").exists()
    (folder / "notes.txt").write_text("not a profile")
    (folder / "list.json").write_text("[1, 2, 3]")
    (folder / "other.xml").write_text("<session_log><round/></session_log>")
    sc = load_folder(folder)
    assert sc.party_names == ("profileA", "profileB")
    assert np.array_equal(sc.compile().utilities, load_folder(DATA / "ANL2023-domain00").compile().utilities)


def test_parties_pick_profiles_in_the_given_order() -> None:
    sc = load_folder(DATA / "PartyDomain", parties=["party3_utility", "party1_utility", "party7_utility"])
    assert sc.party_names == ("party3_utility", "party1_utility", "party7_utility")
    full = load_folder(DATA / "PartyDomain", parties=["all"])
    assert len(full.parties) == 11  # every profile, asked for
    assert np.array_equal(
        sc.compile().utilities, full.compile().utilities[[full.party_index(n) for n in sc.party_names]]
    )


def test_unknown_party_lists_the_available_ones() -> None:
    with pytest.raises(InputError, match=r"laptop_buyer_utility.*got 'nobody'"):
        load_folder(DATA / "Laptop", parties=["laptop_buyer_utility", "nobody"])


def test_fewer_than_two_parties_or_profiles_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least two parties"):
        load_folder(DATA / "Laptop", parties=["laptop_buyer_utility"])
    folder = copy("Laptop", tmp_path)
    for f in folder.glob("laptop_*_utility*.xml"):
        if f.stem != "laptop_buyer_utility":
            f.unlink()
    with pytest.raises(InputError, match=r"Laptop: profiles: expected at least two profiles"):
        load_folder(folder)


def test_missing_domain_and_missing_folder_are_input_errors(tmp_path: Path) -> None:
    folder = copy("Laptop", tmp_path)
    (folder / "laptop_domain.xml").unlink()
    with pytest.raises(InputError, match="negotiation_template"):
        load_folder(folder)
    with pytest.raises(InputError, match="nowhere"):
        load_folder(tmp_path / "nowhere")


def test_identical_domain_copies_are_accepted_but_different_ones_are_not(tmp_path: Path) -> None:
    sc = load_folder(DATA / "Barter", parties=["all"])  # three identical domain files (A, B, C)
    assert sc.space.size == 80 and len(sc.parties) == 6
    folder = copy("Barter", tmp_path)
    f = folder / "Barter-C-domain.xml"
    f.write_text(f.read_text().replace('value="10gm"', 'value="12gm"'))
    with pytest.raises(InputError, match="one domain file"):
        load_folder(folder)


def test_mixed_formats_are_refused(tmp_path: Path) -> None:
    folder = copy("Laptop", tmp_path)
    for f in (DATA / "GeniusWeb-Party").iterdir():
        shutil.copy(f, folder / f.name)
    with pytest.raises(InputError, match="not both"):
        load_folder(folder)


def test_geniusweb_profiles_without_a_domain_file_use_the_embedded_domain(tmp_path: Path) -> None:
    folder = copy("GeniusWeb-Party", tmp_path)
    (folder / "party.json").unlink()
    sc = load_folder(folder)
    assert np.array_equal(sc.compile().utilities, load_folder(DATA / "GeniusWeb-Party").compile().utilities)


def test_embedded_domain_must_match_the_domain_file(tmp_path: Path) -> None:
    folder = copy("GeniusWeb-Party", tmp_path)
    f = folder / "party2.json"
    data = json.loads(f.read_text())
    data["LinearAdditiveUtilitySpace"]["domain"]["issuesValues"]["Music"]["values"].append("Choir")
    f.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"party2\.json: LinearAdditiveUtilitySpace\.domain"):
        load_folder(folder)


def test_unsupported_geniusweb_profile_kind(tmp_path: Path) -> None:
    folder = copy("GeniusWeb-Party", tmp_path)
    domain = json.loads((folder / "party.json").read_text())
    (folder / "party2.json").write_text(
        json.dumps({"DefaultPartialOrdering": {"name": "x", "domain": domain, "better": [], "bids": []}})
    )
    with pytest.raises(InputError, match="LinearAdditiveUtilitySpace"):
        load_folder(folder)


def sources_pairs() -> dict[str, tuple[str, str]]:
    """Folder -> the "Pair used for check" of shared/data/genius/SOURCES.md's summary table (the pair the
    data's curator chose, as short names such as "buyer / seller"), multilateral folders left out."""
    out = {}
    for line in (DATA / "SOURCES.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (
            len(cells) == 8
            and "/" in cells[4]
            and "multilateral" not in line
            and (DATA / cells[0].split()[0]).is_dir()
        ):
            a, b = (x.strip() for x in cells[4].split("/"))
            out[cells[0].split()[0]] = (a, b)
    return out


# SOURCES.md: "9 profiles -> multilateral" (plus two UNCERTAIN variants each).
MULTILATERAL = {"ANAC2015-CarDomain": "car-Profile{}", "PartyDomain": "party{}_utility"}


@pytest.mark.parametrize(("folder", "pair"), sorted(sources_pairs().items()) if DATA.is_dir() else [])
def test_default_parties_are_the_pair_sources_checks(folder: str, pair: tuple[str, str]) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = load_folder(DATA / folder).party_names
    assert (pair[0] in x and pair[1] in y) or (pair[0] in y and pair[1] in x), (pair, x, y)


@pytest.mark.parametrize("folder", sorted(MULTILATERAL))
def test_multilateral_shared_domains_load_as_nine_party_scenarios(folder: str) -> None:
    with pytest.warns(UserWarning, match="9-party"):
        sc = load_folder(DATA / folder)
    assert sc.party_names == tuple(MULTILATERAL[folder].format(k) for k in range(1, 10))
