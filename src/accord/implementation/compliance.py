"""Compliance strategies: how a party behaves at each step of an agreement's schedule.

At every step where a party owes a delivery it complies (delivers) or cheats (withholds it, keeping, say, a
hidden site or the relief it promised). A cheat is permanent: the withheld item stays undelivered, and so
do the party's later deliveries on the same issue. The strategies:

- ``faithful``: always complies.
- ``opportunist``: cheats when the expected gain beats the expected penalty (Avenhaus, von Stengel &
  Zamir 2002, §2: the inspectee's best response). With Q the chance the violation is detected before the
  schedule ends, it cheats iff ``(1 − Q)·u(undetected) + Q·u(detected) > u(comply) − N``, where the values
  are its own (belief-weighted) utilities of the final states and N is the nuisance cost of the inspections
  it would bear while legal. In a one-step schedule this is exactly the inspection game's threshold: it
  complies iff the inspection rate is at least p* = d / ((1−β)(b+d) − h) (models.md §4.1).
- ``conditional``: mirrors the other side: complies until it has detected a violation by another party,
  then withholds everything (tit-for-tat in a setting where violations persist; Axelrod 1984).
- ``random(p=...)``: cheats on each delivery with probability p (the inspectee's mixed strategy of the
  inspection game; used to check the simulation against the closed form).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.errors import InputError

FAITHFUL, OPPORTUNIST, CONDITIONAL, RANDOM = 0, 1, 2, 3


@dataclass(frozen=True)
class ComplianceInfo:
    name: str
    code: int
    source: str
    description: str
    stochastic: bool = False


COMPLIANCE: dict[str, ComplianceInfo] = {
    "faithful": ComplianceInfo("faithful", FAITHFUL, "-", "Always delivers what the schedule says."),
    "opportunist": ComplianceInfo(
        "opportunist",
        OPPORTUNIST,
        "Avenhaus, von Stengel & Zamir 2002",
        "Cheats when the expected gain beats the expected penalty under the inspection regime.",
    ),
    "conditional": ComplianceInfo(
        "conditional",
        CONDITIONAL,
        "Axelrod 1984",
        "Delivers until it detects a violation by the other side, then withholds (mirrors it).",
    ),
    "random": ComplianceInfo(
        "random",
        RANDOM,
        "Avenhaus, von Stengel & Zamir 2002",
        "Cheats on each delivery with probability p (a mixed strategy).",
        stochastic=True,
    ),
}

_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*(?:p\s*=\s*)?([0-9.eE+-]+)\s*\))?\s*$")


def parse_compliance(spec: str, file: str | None = None, field: str | None = None) -> tuple[int, float]:
    """``"opportunist"`` -> (code, 0.0); ``"random(p=0.3)"`` -> (RANDOM, 0.3)."""
    m = _SPEC.match(spec) if isinstance(spec, str) else None
    if not m or m.group(1) not in COMPLIANCE:
        raise InputError(
            file, field, f"a compliance strategy among {sorted(COMPLIANCE)} (random(p=0.2))", spec
        )
    info = COMPLIANCE[m.group(1)]
    if info.code == RANDOM:
        try:
            p = float(m.group(2)) if m.group(2) is not None else float("nan")
        except ValueError:
            p = float("nan")
        if not 0.0 <= p <= 1.0:
            raise InputError(file, field, "random(p=...) with a probability p in [0, 1]", spec)
        return RANDOM, p
    if m.group(2) is not None:
        raise InputError(file, field, f"{info.name} without parameters", spec)
    return info.code, 0.0


def check_exact(codes: np.ndarray, params: np.ndarray, parties: Sequence[str], file: str | None) -> None:
    """The exact evaluator branches on detections only: a random compliance strategy (a lottery per delivery)
    is simulated, not evaluated exactly. Raise an InputError naming the file and the field if one is used."""
    rand = np.flatnonzero(np.asarray(codes) == RANDOM)
    if rand.size:
        k = int(rand[0])
        raise InputError(
            file,
            f"implementation.compliance.{parties[k]}",
            "a deterministic compliance strategy (faithful, opportunist or conditional) where deals are valued "
            "exactly after implementation (a stage with valuation: implemented, or accord implement's exact "
            "values); random(p) is simulated only",
            f"random(p={float(params[k]):g})",
        )
