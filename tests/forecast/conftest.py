"""Fixtures of the forecasting tests: paths of the oracles (../shared/reference/oracles) and the NK table."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORACLES = Path(os.environ["ACCORD_SHARED"]) / "reference" / "oracles"


@pytest.fixture
def ec_path() -> Path:
    """BDM 1994 EC car-emissions table (Scholz et al. 2011, Table 1)."""
    return ORACLES / "bdm1994_ec_car_emissions_input.csv"


@pytest.fixture
def nk_path() -> Path:
    return ROOT / "scenarios" / "nk-sanctions-2019.csv"


@pytest.fixture
def oracle_rows():
    """Data rows of an oracle CSV (comment line and header dropped), as lists of strings."""

    def _rows(name: str) -> list[list[str]]:
        text = (ORACLES / name).read_text().splitlines()
        lines = [ln.strip() for ln in text if ln.strip() and not ln.startswith("#")]
        return [ln.split(",") for ln in lines[1:]]

    return _rows


@pytest.fixture
def write(tmp_path):
    """Write text to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "t.csv") -> Path:
        p = tmp_path / name
        p.write_text(text)
        return p

    return _write
