"""The few functions every front end calls: load, compile, analyse, run.

The CLI, the web app, the experiment runner and Python users all go through here, so nothing is
computed in two places. Functions return plain data (dicts of JSON-able values) or result objects.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.model.scenario import CompiledScenario, Scenario
from accord.protocols.alternating import Result, run_alternating
from accord.strategies.base import Negotiator

_COMPILED: weakref.WeakKeyDictionary[Scenario, CompiledScenario] = weakref.WeakKeyDictionary()


def load(path: str | Path, parties: Sequence[str] | None = None) -> Scenario:
    """Load a scenario (accord YAML, or a GENIUS / GeniusWeb folder); ``parties`` picks some by name."""
    from accord.io import load as _load

    return _load(path, parties)


def _scenario(scenario: Scenario | str | Path, parties: Sequence[str] | None = None) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario.select(list(parties)) if parties else scenario
    return load(scenario, parties)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compiled arrays of a scenario, cached so many runs share them."""
    c = _COMPILED.get(scenario)
    if c is None:
        c = scenario.compile()
        _COMPILED[scenario] = c
    return c


def _point(scenario: Scenario, idx: int | None, utilities: np.ndarray | None) -> dict[str, Any] | None:
    if idx is None or utilities is None:
        return None
    return {
        "outcome": scenario.space.outcome(int(idx)),
        "utilities": {n: float(u) for n, u in zip(scenario.party_names, utilities, strict=True)},
    }


def analyze(scenario: Scenario | str | Path, parties: Sequence[str] | None = None) -> dict[str, Any]:
    """The standard analysis as one JSON-able dict (the contract of ``accord analyze --json``).

    Keys: ``outcomes``, ``parties``, ``pareto`` (list of {outcome, utilities}), ``nash``,
    ``kalai_smorodinsky``, ``max_welfare`` (each {outcome, utilities} or None), ``zopa_size``,
    ``reservations``. Spaces too large to enumerate use the exact linear-additive frontier; then
    ``zopa_size`` is None and the solutions are taken over the frontier.
    """
    sc = _scenario(scenario, parties)
    out: dict[str, Any] = {
        "scenario": sc.name,
        "outcomes": sc.space.size,
        "parties": list(sc.party_names),
        "reservations": {p.name: p.preferences.reservation for p in sc.parties},
    }
    if sc.space.enumerable():
        from accord.analysis.solutions import analyze as _analyze

        comp = compile_scenario(sc)
        a = _analyze(comp)
        U = comp.utilities
        out["pareto"] = [_point(sc, int(i), U[:, i]) for i in a.pareto]
        for key, idx in (
            ("nash", a.nash),
            ("kalai_smorodinsky", a.kalai_smorodinsky),
            ("max_welfare", a.max_welfare),
        ):
            out[key] = None if idx is None else _point(sc, int(idx), U[:, idx])
        out["zopa_size"] = int(a.zopa_size)
        out["method"] = "enumeration"
    else:
        from accord.analysis.large import analyze_large

        big = analyze_large(sc)
        out["pareto"] = [_point(sc, int(i), u) for i, u in zip(big.pareto, big.pareto_utilities, strict=True)]
        for key in ("nash", "kalai_smorodinsky", "max_welfare"):
            idx, u = getattr(big, key), getattr(big, key + "_utilities")
            out[key] = None if idx is None else _point(sc, int(idx), u)
        out["zopa_size"] = None
        out["method"] = "linear-additive frontier (no enumeration)"
    return out


def negotiator_for(spec: str) -> Negotiator:
    """Build a negotiator from a name or a spec such as ``aspiration(e=2)`` or ``boa(...)``."""
    if "(" in spec:
        from accord.strategies.spec import parse_negotiator

        return parse_negotiator(spec)
    from accord.strategies.base import make

    return make(spec.strip())


def resolve_negotiators(scenario: Scenario, names: Sequence[str] | None) -> list[str]:
    """One negotiator spec per party: given per party, one for all, or each party's default."""
    n = len(scenario.parties)
    if not names:
        return [p.strategy or "boulware" for p in scenario.parties]
    names = [s.strip() for s in names if s.strip()]
    if len(names) == 1:
        return names * n
    if len(names) != n:
        raise InputError(
            None,
            "negotiators",
            f"one strategy for all parties or one per party ({n}: {', '.join(scenario.party_names)})",
            ",".join(names),
        )
    return list(names)


def run(
    scenario: Scenario | str | Path,
    negotiators: Sequence[str] | Sequence[Negotiator] | None = None,
    *,
    parties: Sequence[str] | None = None,
    steps: int | None = None,
    seed: int = 0,
) -> Result:
    """Run one negotiation with seed ``seed``; ``steps`` overrides the deadline in rounds."""
    sc = _scenario(scenario, parties)
    if steps is not None and steps < 1:
        raise InputError(None, "steps", "a positive number of rounds", steps)
    comp = compile_scenario(sc)
    if negotiators and not isinstance(negotiators[0], str):
        negs = list(negotiators)  # type: ignore[arg-type]
    else:
        negs = [negotiator_for(s) for s in resolve_negotiators(sc, negotiators)]  # type: ignore[arg-type]
    return run_alternating(comp, negs, deadline=steps, seed=seed)  # type: ignore[arg-type]


def run_many(
    scenario: Scenario | str | Path,
    negotiators: Sequence[str] | None = None,
    *,
    parties: Sequence[str] | None = None,
    steps: int | None = None,
    seed: int = 0,
    runs: int = 1,
) -> dict[str, Any]:
    """Run ``runs`` negotiations with seeds seed..seed+runs-1 (the contract of ``accord run --json``)."""
    sc = _scenario(scenario, parties)
    specs = resolve_negotiators(sc, negotiators)
    return summarize_runs(sc, specs, run_batch(sc, specs, steps=steps, seed=seed, runs=runs))


def run_batch(
    scenario: Scenario, specs: Sequence[str], *, steps: int | None = None, seed: int = 0, runs: int = 1
) -> list[Result]:
    """Run ``runs`` negotiations of one scenario with seeds seed..seed+runs-1."""
    if runs < 1:
        raise InputError(None, "runs", "a positive number of runs", runs)
    return [run(scenario, list(specs), steps=steps, seed=seed + k) for k in range(runs)]


def summarize_runs(sc: Scenario, specs: Sequence[str], results: Sequence[Result]) -> dict[str, Any]:
    """Summary of a batch of runs as one JSON-able dict."""
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


def trace_rows(scenario: Scenario, result: Result) -> list[dict[str, Any]]:
    """The trace of one run as rows (round, time, party, action, offer, outcome, utilities)."""
    return result.trace.rows(scenario.space)


def write_trace(scenario: Scenario, result: Result, path: str | Path) -> Path:
    """Write a run's trace as CSV (``.csv``) or JSON (``.json``): one row per action."""
    import csv
    import json

    p = Path(path)
    rows = trace_rows(scenario, result)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() == ".json":
            doc = {
                "scenario": scenario.name,
                "parties": list(scenario.party_names),
                "result": result.summary(),
            }
            doc["trace"] = rows
            p.write_text(json.dumps(doc, indent=2, default=str))
        elif p.suffix.lower() == ".csv":
            names = list(scenario.party_names)
            issues = list(scenario.space.names)
            with p.open("w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["round", "time", "party", "action", "offer", *issues, *[f"u_{n}" for n in names]])
                for r in rows:
                    oc = r["outcome"] or {}
                    us = r["utilities"]
                    w.writerow(
                        [
                            r["round"],
                            r["time"],
                            r["party"],
                            r["action"],
                            "" if r["offer"] is None else r["offer"],
                        ]
                        + [oc.get(i, "") for i in issues]
                        + ["" if us[n] is None else repr(us[n]) for n in names]
                    )
        else:
            raise InputError(str(p), None, "a trace file name ending in .csv or .json")
    except OSError as exc:
        raise InputError(str(p), None, f"a writable path ({exc.strerror})") from None
    return p
