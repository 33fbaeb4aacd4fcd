"""What ``accord run --json`` prints for plain negotiations: a batch of runs summarised as one JSON-able dict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from accord.model.scenario import Scenario
    from accord.protocols.alternating import Result


def summarize_runs(sc: Scenario, specs: Sequence[str], results: Sequence[Result]) -> dict[str, Any]:
    """Summary of a batch of runs: agreement rate, mean rounds and utilities, and every run's result."""
    names = sc.party_names
    runs = len(results)
    return {
        "scenario": sc.name,
        "parties": list(names),
        "negotiators": list(specs),
        "runs": runs,
        "agreement_rate": sum(r.agreement for r in results) / runs,
        "mean_rounds": float(np.mean([r.rounds for r in results])),
        "mean_utilities": {n: float(np.mean([r.utilities[n] for r in results])) for n in names},
        "results": [
            {
                "seed": r.seed,
                "agreement": r.agreement,
                "outcome": r.outcome,
                "utilities": r.utilities,
                "discounted_utilities": r.discounted_utilities,
                "rounds": r.rounds,
                "end": r.end,
                "walked_away_by": r.walked_away_by,
            }
            for r in results
        ],
    }
