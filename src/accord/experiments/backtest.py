"""The backtest as a forecast: each historical case's outcome in three categories, the model's probabilities
of them, and the scores of those probabilities next to two reference forecasters.

Categories, at a five-year horizon from signature (:data:`CATEGORIES`):

- ``no_agreement``: the talks ended without a signed deal;
- ``agreement_completed``: a deal was signed and carried out with nothing undetected left behind;
- ``agreement_collapsed``: a deal was signed and ended early (a consequence of detected cheating, a false
  alarm, a failed ratification, a change of government or preferences), or left cheating undetected.

A run of the model falls in exactly one category: no agreement; an agreement whose implementation completed
with no party cheating (completed); anything else (collapsed). Cheating that is never detected is counted apart
(``model_detail.agreement_undetected_cheating``) and scored as collapsed: the deal is not what was signed. A
scenario without an implementation block has no mechanism that breaks a signed deal, so its agreements count as
completed. The model's probability of a category is its share of the seeded runs. What happened is read from the
scenario's ``history`` (``outcome`` and, for an agreement, ``implementation: completed | collapsed``); an
agreement without ``implementation`` cannot be coded at five years and is left out of the scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.experiments import scores as S
from accord.model.talks import TalksScenario

__all__ = [
    "CATEGORIES",
    "RPS_ORDER",
    "history_category",
    "after_signature",
    "implement_deal",
    "run_categories",
    "backtest_one",
    "drawn_categories",
    "backtest",
    "score_cases",
    "scenario_files",
]

CATEGORIES = ("no_agreement", "agreement_completed", "agreement_collapsed")
NO_AGREEMENT, COMPLETED, COLLAPSED = 0, 1, 2
#: The order of the categories for the ranked probability score: how far the deal got.
RPS_ORDER = (NO_AGREEMENT, COLLAPSED, COMPLETED)
#: The horizon at which outcomes are coded (years after signature).
HORIZON_YEARS = 5.0


def history_category(history: dict[str, Any]) -> str | None:
    """The category of what happened at the five-year horizon, or None when it cannot be coded.

    ``history.category`` is the coded five-year outcome where the file declares it (it may differ from the
    eventual fate in ``history.implementation``: the Agreed Framework was in force five years on and collapsed
    later); otherwise it is derived from ``outcome`` and ``implementation: completed | collapsed``."""
    declared = history.get("category")
    if declared in CATEGORIES:
        return str(declared)
    out = history.get("outcome")
    if out is None:
        return None
    if out == "no_agreement":
        return "no_agreement"
    impl = history.get("implementation")
    if impl in ("completed", "collapsed"):
        return f"agreement_{impl}"
    return None


def run_categories(agreed: np.ndarray, impl: Any | None) -> tuple[np.ndarray, np.ndarray]:
    """Per run, the category code (R,) and whether the run left cheating undetected (R,).

    ``agreed`` (R,) marks the runs with a deal; ``impl`` holds their implementation outcomes (rows = the agreed
    runs in order) or None when the scenario has no implementation."""
    agreed = np.asarray(agreed, dtype=bool)
    code = np.full(agreed.shape, NO_AGREEMENT, dtype=np.int64)
    undetected = np.zeros(agreed.shape, dtype=bool)
    rows = np.flatnonzero(agreed)
    if impl is None:
        code[rows] = COMPLETED
        return code, undetected
    cheated = impl.cheated.any(axis=1)
    hidden = impl.cheated & ~impl.caught
    clean = impl.completed & ~cheated
    code[rows] = np.where(clean, COMPLETED, COLLAPSED)
    undetected[rows] = hidden.any(axis=1)
    return code, undetected


def after_signature(
    ts: TalksScenario,
    code: np.ndarray,
    nominal: np.ndarray,
    seeds: list[int],
    reservations: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """``code`` with completed deals that a pivot does not ratify, or that a change of government or preferences
    ends within :data:`HORIZON_YEARS`, recoded as collapsed (:mod:`accord.implementation.after_signature`);
    with the shares of runs each mechanism broke. ``nominal`` (R, P): each party's utility of its run's deal;
    ``reservations`` (R, P) or (1, P): each run's walk-away values (default: those of ``ts``)."""
    from accord.implementation.after_signature import apply_after_signature
    from accord.io.after_signature import read_after_signature
    from accord.protocols.talks import compiled

    spec = read_after_signature(ts)
    if spec is None:
        return code, {}
    res = compiled(ts).worlds.reservations[None, :] if reservations is None else reservations
    gains = nominal - res
    not_ratified, ended = apply_after_signature(spec, gains, seeds, HORIZON_YEARS)
    done = code == COMPLETED
    out = code.copy()
    out[done & (not_ratified | ended)] = COLLAPSED
    R = max(code.size, 1)
    return out, {
        "not_ratified": float((done & not_ratified).sum() / R),
        "ended_by_political_change": float((done & ended).sum() / R),
    }


def drawn_categories(
    ts: TalksScenario, path: str | Path, runs: int, seed: int, variant: str = "base"
) -> tuple[np.ndarray, np.ndarray, dict[str, float], list[str], list[int | None]]:
    """Per run of the case in ``path`` with every uncertain number drawn (:mod:`accord.experiments.
    backtest_runs`): the category code, undetected cheating, the shares each after-signature mechanism broke,
    how the talks ended and the agreed outcome (None: none). ``ts``: the case at nominal values, whose
    after-signature rules are applied (``variant``: one of the file's variants, ``ts`` then that variant)."""
    from accord.experiments.backtest_runs import drawn_runs

    d = drawn_runs(path, runs, seed, variant)
    code = np.zeros(runs, dtype=np.int64)
    undetected = np.zeros(runs, dtype=bool)
    ends, outcomes = [""] * runs, [None] * runs  # type: list[str], list[int | None]
    broke = {"not_ratified": 0.0, "ended_by_political_change": 0.0}
    for idx, b, reservations in d.groups:
        c, u = run_categories(b.agreed, b.impl)
        c, shares = after_signature(ts, c, b.nominal, b.seeds, reservations)
        code[idx], undetected[idx] = c, u
        for k, r in zip(idx, b.results, strict=True):
            ends[k], outcomes[k] = r.end, (r.outcome_index if r.agreement else None)
        for name, share in shares.items():
            broke[name] += share * len(idx) / runs
    return code, undetected, broke, ends, outcomes


def _distribution(code: np.ndarray) -> dict[str, float]:
    n = np.bincount(code, minlength=len(CATEGORIES)) / max(code.size, 1)
    return {c: float(v) for c, v in zip(CATEGORIES, n, strict=True)}


def _historical_deal(ts: TalksScenario, outcome: dict[str, Any], path: str | None) -> int:
    space = ts.scenario.space
    values: dict[str, Any] = {}
    for k, v in outcome.items():
        try:
            issue = space.issue(k)
        except (KeyError, ValueError):
            raise InputError(
                path, f"history.outcome.{k}", f"an issue, one of {list(space.names)}", k
            ) from None
        try:
            values[k] = issue.values[issue.index_of(v if issue.kind in ("integer", "real") else str(v))]
        except (KeyError, ValueError):
            raise InputError(path, f"history.outcome.{k}", f"a value of {k}", v) from None
    return int(space.index(values))


def implement_deal(ts: TalksScenario, deal: int, runs: int, seed: int) -> tuple[Any, np.ndarray]:
    """Implement one given agreement ``runs`` times (run k: seed + k, the world and the implementation
    stream drawn as in the talks, :mod:`accord.model.seeding`); the outcome and (R,) each run's world."""
    from accord.protocols.talks import deal_worlds
    from accord.protocols.talks import implement_deal as implement

    out = implement(ts, deal, runs, seed)
    wd, _beliefs = deal_worlds(ts, [seed + k for k in range(runs)])
    return out, wd


def _given_deal(ts: TalksScenario, runs: int, seed: int, path: str | None) -> dict[str, Any] | None:
    """The historical deal implemented ``runs`` times: its completed / collapsed probabilities."""
    hist_out = ts.history.get("outcome")
    if ts.implementation is None or not isinstance(hist_out, dict):
        return None
    deal = _historical_deal(ts, hist_out, path)
    o, wd = implement_deal(ts, deal, runs, seed)
    code, undetected = run_categories(np.ones(runs, dtype=bool), o)
    from accord.protocols.talks import compiled

    nominal = compiled(ts).worlds.utilities[:, wd, deal].T  # (R, P) the deal in each run's world
    code, broke = after_signature(ts, code, nominal, [seed + k for k in range(runs)])
    dist = _distribution(code)
    dist.pop("no_agreement")
    hist = history_category(dict(ts.history))
    return {
        "model": dist,
        "agrees": None if hist is None else max(dist, key=lambda c: (dist[c], c)) == hist,
        "undetected_cheating_rate": float(undetected.mean()),
        **broke,
        "cheating_rate": {n: float(o.cheated[:, i].mean()) for i, n in enumerate(ts.party_names)},
        "caught_rate": {n: float(o.caught[:, i].mean()) for i, n in enumerate(ts.party_names)},
    }


def backtest_one(
    ts: TalksScenario, runs: int, seed: int, path: str | None = None, draws: bool = False
) -> dict[str, Any]:
    """One case: the model's probabilities of the three categories next to what happened. ``draws``: every
    uncertain number of the file at ``path`` drawn per run, the talks included
    (:mod:`accord.experiments.backtest_runs`); otherwise every run at the nominal values."""

    from accord.protocols.talks import run_batch, summarize

    if draws and path is not None:
        code, undetected, broke, ends_of, outcomes = drawn_categories(ts, path, runs, seed)
        ends = Counter(ends_of)
        top = Counter(o for o in outcomes if o is not None).most_common(1)
        space = ts.scenario.space
        modal_outcome = (
            None if not top else {"outcome": space.outcome(int(top[0][0])), "share": top[0][1] / runs}
        )
    else:
        b = run_batch(ts, runs, seed)
        code, undetected = run_categories(b.agreed, b.impl)
        code, broke = after_signature(ts, code, b.nominal, b.seeds)
        ends = Counter(r.end for r in b.results)
        modal_outcome = summarize(b, with_results=False)["modal_outcome"]
    model = _distribution(code)
    hist = history_category(dict(ts.history))
    modal = max(model.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return {
        "scenario": ts.name,
        "file": path,
        "implementation_of_historical_deal": _given_deal(ts, runs, seed, path),
        "history": {
            "category": hist,
            "outcome": ts.history.get("outcome"),
            "implementation": ts.history.get("implementation"),
            "note": ts.history.get("note", ""),
        },
        "model": model,
        "model_detail": {
            "runs": runs,
            "has_implementation": ts.implementation is not None,
            "agreement_undetected_cheating": float(undetected.mean()),
            **broke,
            "uncertain_numbers": "drawn per run" if draws and path is not None else "nominal",
            "talks_ends": {k: v / runs for k, v in sorted(ends.items())},
        },
        "model_modal": modal,
        "probability_of_history": model[hist] if hist else None,
        "agrees": None if hist is None else modal == hist,
        "modal_outcome": modal_outcome,
    }


def scenario_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """The YAML files named, and those in the folders named (sorted; other files in a folder are skipped)."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in (".yaml", ".yml"))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(str(p), None, "a scenario file or a folder of scenario files")
    return out


def backtest(
    paths: str | Path | Iterable[str | Path], runs: int, seed: int, draws: bool = True
) -> list[dict[str, Any]]:
    """Backtest every accord YAML scenario with a recorded history among ``paths`` (files or folders);
    ``draws``: every uncertain number drawn per run, the talks included (else all at nominal values)."""
    from accord.io.talks import load_talks

    out = []
    for p in scenario_files(paths):
        ts = load_talks(p)
        if not ts.history:
            continue
        row = backtest_one(ts, runs, seed, str(p), draws=draws)
        row["variant_of"] = _variants_of(p.parent).get(p.stem)
        out.append(row)
    return out


def _variants_of(folder: Path) -> dict[str, str]:
    """``{case id: id of the case it varies}`` from the folder's ``cases.csv`` index, if it has one.

    A variant (the same negotiation under another assumption, e.g. Hanoi with the UN win-set) is listed
    and backtested but not scored: counting it would count one historical case twice.
    """
    import csv

    index = folder / "cases.csv"
    if not index.is_file():
        return {}
    with index.open(newline="", encoding="utf-8") as f:
        return {r["id"]: r["variant_of"] for r in csv.DictReader(f) if r.get("variant_of")}


def score_cases(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The scores of the model's probabilities on the cases that can be coded, next to the uniform and the
    leave-one-out base-rate forecasters; the reliability bins of the model; the cases given under 0.02."""
    cases = [r for r in rows if r["history"]["category"] is not None and not r.get("variant_of")]
    left_out = [r["scenario"] for r in rows if r["history"]["category"] is None]
    variants = [r["scenario"] for r in rows if r.get("variant_of")]
    K = len(CATEGORIES)
    out: dict[str, Any] = {
        "categories": list(CATEGORIES),
        "rps_order": [CATEGORIES[k] for k in RPS_ORDER],
        "cases": len(cases),
        "left_out": left_out,
        "variants_not_scored": variants,
        "log_floor": S.LOG_FLOOR,
    }
    if not cases:
        out["scores"] = None
        return out
    y = np.array([CATEGORIES.index(r["history"]["category"]) for r in cases], dtype=np.int64)
    P = np.array([[r["model"][c] for c in CATEGORIES] for r in cases])
    forecasts = {"model": P, "uniform": S.uniform_forecast(len(cases), K)}
    if len(cases) > 1:
        forecasts["base_rate_loo"] = S.loo_base_rate(y, K)
    out["scores"] = S.score_all(forecasts, y, RPS_ORDER)
    out["per_case"] = [
        {
            "scenario": r["scenario"],
            "history": r["history"]["category"],
            **{
                name: {
                    "p_history": float(F[n, y[n]]),
                    "brier": float(S.brier(F[n : n + 1], y[n : n + 1])[0]),
                }
                for name, F in forecasts.items()
            },
        }
        for n, r in enumerate(cases)
    ]
    out["confident_misses"] = [r["scenario"] for n, r in enumerate(cases) if P[n, y[n]] < 0.02]
    rel = S.reliability_bins(P, y)
    out["reliability"] = {k: [None if v != v else float(v) for v in a] for k, a in rel.items()}
    return out
