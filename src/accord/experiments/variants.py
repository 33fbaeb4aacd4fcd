"""A scenario's talks with every declared variant beside them: what ``accord run SCENARIO --json`` prints
for a scenario with talks (docs/scenario-format.md, "variants")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.io.talks import load_talks, read, variant_changes, variant_names
from accord.protocols.talks import run_batch, summarize, variant_summary


def batch_of(path: str | Path, variant: str | None, runs: int, seed: int, draws: bool) -> Any:
    """The runs of ``variant`` (None: the base): with ``draws``, every uncertain number drawn per run (run
    k: seed + k, :func:`accord.experiments.backtest_runs.drawn_batch`); else at its nominal value."""
    if draws:
        from accord.experiments.backtest_runs import drawn_batch

        return drawn_batch(path, runs, seed, variant or "base")
    return run_batch(load_talks(path, variant), runs, seed)


def run_with_variants(
    path: str | Path, *, runs: int = 1, seed: int = 0, draws: bool = False, base: Any = None
) -> dict[str, Any]:
    """The base summary (:func:`accord.protocols.talks.summarize`, with the last stage's ``negotiators``)
    and ``variants``: name -> agreement_rate, mean_utilities, threat_reduction_mean,
    cheating_detected_rate, completed_rate and ``changes`` (what the variant changes). ``draws``: every
    uncertain number drawn per run (:func:`batch_of`); else all at their nominal values. ``base``: the base's
    batch if already played (as :func:`batch_of` gives it)."""
    ts = load_talks(path)
    out = summarize(base if base is not None else batch_of(path, None, runs, seed, draws))
    out["negotiators"] = [
        ts.stages[-1].strategies.get(n) or ts.stages[-1].roles.get(n, "leader") for n in ts.party_names
    ]
    doc = read(path)[0]
    out["variants"] = {
        name: {
            **variant_summary(batch_of(path, name, runs, seed, draws)),
            "changes": variant_changes(doc, name),
        }
        for name in variant_names(doc)
    }
    out["uncertain_numbers"] = "drawn per run" if draws else "nominal"
    return out
