"""Shared fixtures: a small scenario with uncertain numbers, written to a temporary folder."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
GENIUS = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"

TOY = """
name: Toy deal with uncertain numbers
issues:
  price: {values: [low, mid, high], ordered: true}
  delivery: {values: [slow, fast], ordered: true}
  warranty: [none, one_year, two_years]
parties:
  buyer:
    weights: {price: {uniform: [0.4, 0.8]}, delivery: 0.2, warranty: {triangular: [0.1, 0.2, 0.4]}}
    scores:
      price: {low: 1.0, mid: 0.5, high: 0.0}
      delivery: {slow: 0.0, fast: 1.0}
      warranty: {none: 0.0, one_year: 0.6, two_years: 1.0}
    reservation: {uniform: [0.2, 0.6]}
    strategy: conceder
  seller:
    weights: {price: 0.6, delivery: 0.2, warranty: 0.2}
    scores:
      price: {low: 0.0, mid: 0.6, high: 1.0}
      delivery: {slow: 1.0, fast: 0.3}
      warranty: {none: 1.0, one_year: {beta: [2, 2]}, two_years: 0.0}
    reservation: {normal: [0.3, 0.1, 0.0, 0.7]}
    strategy: boulware
protocol:
  deadline: {choice: [3, 5, 8]}
"""


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    p = tmp_path / "toy.yaml"
    p.write_text(TOY)
    return p
