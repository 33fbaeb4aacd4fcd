"""A scenario's talks with every declared variant beside them: what ``accord run SCENARIO --json`` prints
for a scenario with talks (docs/scenario-format.md, "variants")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.io.talks import load_talks, read, variant_changes, variant_names
from accord.protocols.talks import run_batch, summarize, variant_summary


def run_with_variants(path: str | Path, *, runs: int = 1, seed: int = 0) -> dict[str, Any]:
    """The base summary (:func:`accord.protocols.talks.summarize`, with the last stage's ``negotiators``)
    and ``variants``: name -> agreement_rate, mean_utilities, threat_reduction_mean,
    cheating_detected_rate, completed_rate and ``changes`` (what the variant changes)."""
    ts = load_talks(path)
    out = summarize(run_batch(ts, runs, seed))
    out["negotiators"] = [
        ts.stages[-1].strategies.get(n) or ts.stages[-1].roles.get(n, "leader") for n in ts.party_names
    ]
    doc = read(path)[0]
    out["variants"] = {
        name: {
            **variant_summary(run_batch(load_talks(path, name), runs, seed)),
            "changes": variant_changes(doc, name),
        }
        for name in variant_names(doc)
    }
    return out
