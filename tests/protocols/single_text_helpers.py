"""Small generated scenarios for the single-text tests, and a brute-force reference of the protocol."""

from __future__ import annotations

import itertools

import numpy as np
import yaml

from accord.io.yaml_scenario import loads_yaml
from accord.model.scenario import Scenario


def scenario(
    cards: list[int],
    seed: int,
    *,
    parties: int = 2,
    deadline: int = 40,
    reservation: float = 0.0,
    start: dict[str, str] | None = None,
) -> Scenario:
    """A scenario of ``len(cards)`` categorical issues with random table scores and weights."""
    rng = np.random.default_rng(seed)
    issues = {f"i{k}": [f"v{j}" for j in range(c)] for k, c in enumerate(cards)}
    doc: dict = {"name": "generated", "issues": issues, "parties": {}}
    for p in range(parties):
        w = rng.random(len(cards)) + 0.05
        doc["parties"][f"p{p}"] = {
            "weights": {f"i{k}": round(float(w[k] / w.sum()), 6) for k in range(len(cards))},
            "scores": {
                name: {v: round(float(x), 3) for v, x in zip(vals, rng.random(len(vals)), strict=True)}
                for name, vals in issues.items()
            },
            "reservation": reservation,
        }
    proto: dict = {"type": "single_text", "deadline": deadline}
    if start is not None:
        proto["start"] = start
    doc["protocol"] = proto
    return loads_yaml(yaml.safe_dump(doc, sort_keys=False), "generated.yaml")


def neighbours(cards: list[int], outcome: int) -> list[int]:
    """Every outcome one issue away from ``outcome``, by enumerating the digits in plain Python."""
    digits = list(np.unravel_index(outcome, cards))
    out = []
    for k, c in enumerate(cards):
        for v in range(c):
            if v != digits[k]:
                d = list(digits)
                d[k] = v
                out.append(int(np.ravel_multi_index(d, cards)))
    return out


def locally_pareto_optimal(u: np.ndarray, cards: list[int], outcome: int) -> bool:
    """No single-issue change makes one party better off and nobody worse off (u: (parties, outcomes))."""
    for o in neighbours(cards, outcome):
        if (u[:, o] >= u[:, outcome]).all() and (u[:, o] > u[:, outcome]).any():
            return False
    return True


def all_outcomes(cards: list[int]) -> list[tuple[int, ...]]:
    return list(itertools.product(*[range(c) for c in cards]))
