"""Many seeded runs of a scenario's talks and implementation, and its variants side by side (the backtest is
:mod:`accord.experiments.backtest`).

Run k of a batch uses seed ``seed + k``; its seed sequence spawns one child for the talks (facts drawn by
nature, stochastic strategies) and one for the implementation (inspections, detections), so a run's result
depends on its seed alone: the same in a batch, alone, or in another variant. When nothing in the talks is
random (fixed facts, deterministic strategies), the talks are run once and shared by every run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.implementation.engine import Outcome, draw_count, expected, simulate
from accord.implementation.schedule import compile_implementation, stack_specs
from accord.model.beliefs import WorldArrays, world_index, world_weights
from accord.model.seeding import facts_rng, implementation_draws_many
from accord.model.talks import TalksScenario
from accord.protocols.tracks import CompiledTalks, TalksResult, deal_rows, run_talks

_COMPILED: dict[int, tuple[TalksScenario, CompiledTalks]] = {}


def compiled(ts: TalksScenario) -> CompiledTalks:
    """Compiled arrays of a talks scenario, cached by identity."""
    hit = _COMPILED.get(id(ts))
    if hit is None or hit[0] is not ts:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        hit = (ts, CompiledTalks(ts))
        _COMPILED[id(ts)] = hit
    return hit[1]


@dataclass
class Batch:
    """The runs of one scenario (variant): talks results and, per run, implementation metrics."""

    talks: TalksScenario
    seeds: list[int]
    results: list[TalksResult]
    nominal: np.ndarray  # (R, P) utility of the agreed outcome (true world), reservation if none
    realised: np.ndarray  # (R, P) after implementation (nominal where there is no implementation)
    impl: Outcome | None  # rows = runs with an agreement (see agreed)
    agreed: np.ndarray  # (R,) bool
    reservations: np.ndarray | None = None  # (R, P) per run when the runs' scenarios differ (lockstep)
    engine: str = "run_by_run"  # which engine played the talks: "run_by_run" (tracks.run_talks) or "lockstep"


def run_batch(ts: TalksScenario, runs: int = 1, seed: int = 0) -> Batch:
    """Run the talks and the implementation ``runs`` times with seeds seed..seed+runs-1."""
    if runs < 1:
        raise InputError(None, "runs", "a positive number of runs", runs)
    ct = compiled(ts)
    seeds = [seed + k for k in range(runs)]
    results: list[TalksResult] = []
    shared: TalksResult | None = None
    for s in seeds:
        if ct.deterministic:
            if shared is None:
                shared = run_talks(ct, s)
            results.append(shared)
        else:
            results.append(run_talks(ct, s))
    W = ct.worlds
    res = W.reservations
    agreed = np.array([r.agreement for r in results], dtype=bool)
    nominal = np.tile(res, (runs, 1))
    for k, r in enumerate(results):
        if r.agreement:
            nominal[k] = W.utilities[:, r.world, r.outcome_index]
    realised = nominal.copy()
    impl = None
    if ct.impl is not None and agreed.any():
        rows = np.flatnonzero(agreed)
        ag = np.array([results[k].outcome_index for k in rows], dtype=np.int64)
        wd = np.array([results[k].world for k in rows], dtype=np.int64)
        bel = np.stack([results[k].beliefs for k in rows])
        wts = world_weights(bel)
        n = draw_count(ct.impl)
        draws = implementation_draws_many([seeds[k] for k in rows.tolist()], n)
        impl = simulate(ct.impl, ag, wd, wts, beliefs=bel, draws=draws if n else np.zeros((rows.size, 0)))
        realised[rows] = impl.realised
    return Batch(ts, seeds, results, nominal, realised, impl, agreed)


class _StackedImpl:
    """Implementation of lockstep runs: every run's numbers stacked on one structure
    (:func:`accord.implementation.schedule.stack_specs`), evaluated by one engine call for all runs."""

    def __init__(self, tss: list[TalksScenario], worlds: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        U, A, res = worlds
        ts0 = tss[0]
        w0 = WorldArrays(U[0], A[0], res[0], ts0.private.names)
        base = compile_implementation(ts0.scenario, ts0.implementation, w0, ts0.private)  # type: ignore[arg-type]
        self.U = U
        self.stack = stack_specs(base, [t.implementation for t in tss], [t.private for t in tss], U)  # type: ignore[misc]

    def values(self, beliefs: np.ndarray, here: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """(R, P, W, n): per run, the exact expected realised utility of the open outcomes ``here`` with
        decisions on the run's ``beliefs`` (the nominal utilities elsewhere), as CompiledTalks.valuation;
        only the columns ``cols`` (outcome indices covering every run's ``here``) if given."""
        n = here.shape[1]
        ag, wd, runs = deal_rows(here, self.U.shape[2])  # each run's rows as CompiledTalks.valuation's
        wts = world_weights(beliefs)[runs]  # (M, P, W)
        got = expected(self.stack, ag, wd, wts, runs=runs)
        if cols is None:
            V = np.array(self.U, copy=True)
            V[runs, :, wd, ag] = got.realised
        else:
            V = self.U[..., cols]
            pos = np.full(n, -1, dtype=np.int64)
            pos[cols] = np.arange(cols.size)
            V[runs, :, wd, pos[ag]] = got.realised
        return V

    def simulate(self, rows, ag, wd, wts, bel, draws) -> Outcome:
        return simulate(self.stack, ag, wd, wts, beliefs=bel, draws=draws, runs=rows)

    def draw_count(self) -> int:
        return draw_count(self.stack)


def run_lockstep_batch(tss: list[TalksScenario], seeds: list[int], worlds=None, impl=None) -> Batch:
    """The batch of runs ``tss[k]`` with seed ``seeds[k]`` (every run its own scenario, one structure), run in
    lockstep (:mod:`accord.protocols.lockstep`); run k equals ``run_batch(tss[k], 1, seeds[k])``."""
    from accord.protocols.lockstep import run_lockstep

    if worlds is None:
        from accord.model.batch import compile_worlds_many

        worlds = compile_worlds_many([t.scenario for t in tss], [t.private for t in tss])
    has_impl = tss[0].implementation is not None
    if impl is None and has_impl:
        impl = _StackedImpl(tss, worlds)
    results, beliefs = run_lockstep(tss, seeds, worlds, impl)
    U, _, res = worlds
    agreed = np.array([r.agreement for r in results], dtype=bool)
    nominal = res.copy()
    rows = np.flatnonzero(agreed)
    ag = np.array([results[k].outcome_index for k in rows], dtype=np.int64)
    wd = np.array([results[k].world for k in rows], dtype=np.int64)
    if rows.size:
        nominal[rows] = U[rows, :, wd, ag]
    realised = nominal.copy()
    out = None
    if has_impl and rows.size:
        bel = beliefs[rows]
        wts = world_weights(bel)
        n = impl.draw_count()
        draws = implementation_draws_many([seeds[k] for k in rows.tolist()], n)
        out = impl.simulate(rows, ag, wd, wts, bel, draws)
        realised[rows] = out.realised
    return Batch(tss[0], list(seeds), results, nominal, realised, out, agreed, res, engine="lockstep")


def _outcome(ts: TalksScenario, idx: int | None) -> dict[str, Any] | None:
    return None if idx is None else ts.scenario.space.outcome(int(idx))


def implementation_summary(b: Batch) -> dict[str, Any] | None:
    """Implementation metrics over all runs (a run without agreement: no reduction, not caught, not completed)
    and given an agreement."""
    if b.talks.implementation is None:
        return None
    R = len(b.seeds)
    n_ag = int(b.agreed.sum())
    names = b.talks.party_names
    if b.impl is None:
        zero = {"threat_reduction_mean": 0.0, "cheating_detected_rate": 0.0, "completed_rate": 0.0}
        return {**zero, "dismantled_share_mean": 0.0, "cheating_rate": 0.0, "agreements": 0}
    o = b.impl
    caught_any = o.caught.any(axis=1)
    cheat_any = o.cheated.any(axis=1)
    thr = np.nan_to_num(o.threat_reduction)
    dis = np.nan_to_num(o.dismantled_share)
    out: dict[str, Any] = {
        "agreements": n_ag,
        "threat_reduction_mean": float(thr.sum() / R),
        "dismantled_share_mean": float(dis.sum() / R),
        "cheating_detected_rate": float(caught_any.sum() / R),
        "completed_rate": float(o.completed.sum() / R),
        "cheating_rate": float(cheat_any.sum() / R),
        "given_agreement": {
            "threat_reduction_mean": float(thr.mean()),
            "dismantled_share_mean": float(dis.mean()),
            "relief_delivered_mean": None
            if np.isnan(o.relief_delivered).all()
            else float(np.nanmean(o.relief_delivered)),
            "steps_completed_mean": float(o.steps_completed.mean()),
            "completed_rate": float(o.completed.mean()),
            "cheating_rate_by_party": {n: float(o.cheated[:, i].mean()) for i, n in enumerate(names)},
            "caught_rate_by_party": {n: float(o.caught[:, i].mean()) for i, n in enumerate(names)},
            "mean_caught_step": {
                n: (float(o.caught_step[o.caught[:, i], i].mean()) + 1.0 if o.caught[:, i].any() else None)
                for i, n in enumerate(names)
            },
        },
    }
    return out


def _reservations(b: Batch) -> np.ndarray:
    """(P,) the walk-away values: the scenario's, or their mean over the runs where each run has its own."""
    return compiled(b.talks).worlds.reservations if b.reservations is None else b.reservations.mean(axis=0)


def summarize(b: Batch, with_results: bool = True) -> dict[str, Any]:
    """One JSON-able summary of a batch (the foundation's run fields plus the talks' own)."""
    ts = b.talks
    names = ts.party_names
    R = len(b.seeds)
    ends = Counter(r.end for r in b.results)
    walkers = Counter(r.walked_away_by for r in b.results if r.walked_away_by)
    modal = Counter(r.outcome_index for r in b.results if r.agreement).most_common(1)
    stages: list[dict[str, Any]] = []
    for s, st in enumerate(ts.stages):
        rows = [r.stages[s] for r in b.results if len(r.stages) > s]
        settled: dict[str, Counter] = {}
        for so in rows:
            for k, v in so.settled.items():
                settled.setdefault(k, Counter())[str(v)] += 1
        stages.append(
            {
                "name": st.name,
                "reached": len(rows) / R,
                "agreement_rate": sum(so.agreement is not None for so in rows) / R,
                "mean_rounds": float(np.mean([so.rounds for so in rows])) if rows else 0.0,
                "mean_open_outcomes": float(np.mean([so.open_outcomes for so in rows])) if rows else 0.0,
                "settled": {k: {v: c / R for v, c in cnt.items()} for k, cnt in settled.items()},
            }
        )
    facts = ts.private.names
    beliefs = np.mean([r.beliefs for r in b.results], axis=0)
    out: dict[str, Any] = {
        "scenario": ts.name,
        "variant": ts.variant,
        "parties": list(names),
        "runs": R,
        "agreement_rate": float(b.agreed.mean()),
        "mean_rounds": float(np.mean([r.rounds for r in b.results])),
        "mean_utilities": {n: float(b.realised[:, i].mean()) for i, n in enumerate(names)},
        "mean_nominal_utilities": {n: float(b.nominal[:, i].mean()) for i, n in enumerate(names)},
        "reservations": {n: float(v) for n, v in zip(names, _reservations(b), strict=True)},
        "ends": dict(ends),
        "walked_away_by": {n: walkers[n] / R for n in names if walkers[n]},
        "modal_outcome": None
        if not modal
        else {"outcome": _outcome(ts, modal[0][0]), "share": modal[0][1] / R},
        "stages": stages,
        "beliefs_after_talks": {
            n: {f: float(beliefs[i, k]) for k, f in enumerate(facts)} for i, n in enumerate(names)
        },
    }
    imp = implementation_summary(b)
    if imp is not None:
        out["implementation"] = imp
    if with_results:
        out["results"] = _results(b)
    return out


def _results(b: Batch) -> list[dict[str, Any]]:
    names = b.talks.party_names
    rows = {int(r): k for k, r in enumerate(np.flatnonzero(b.agreed))}
    out = []
    for k, (s, r) in enumerate(zip(b.seeds, b.results, strict=True)):
        row: dict[str, Any] = {
            "seed": s,
            "agreement": r.agreement,
            "outcome": _outcome(b.talks, r.outcome_index),
            "utilities": {n: float(b.nominal[k, i]) for i, n in enumerate(names)},
            "realised_utilities": {n: float(b.realised[k, i]) for i, n in enumerate(names)},
            "rounds": r.rounds,
            "end": r.end,
            "walked_away_by": r.walked_away_by,
            "stages": [
                {
                    "name": so.name,
                    "end": so.end,
                    "rounds": so.rounds,
                    "settled": {k2: str(v) for k2, v in so.settled.items()},
                }
                for so in r.stages
            ],
        }
        if b.impl is not None and k in rows:
            m, o = rows[k], b.impl
            row["implementation"] = {
                "completed": bool(o.completed[m]),
                "steps_completed": int(o.steps_completed[m]),
                "threat_reduction": None if np.isnan(o.threat_reduction[m]) else float(o.threat_reduction[m]),
                "dismantled_share": None if np.isnan(o.dismantled_share[m]) else float(o.dismantled_share[m]),
                "relief_delivered": None if np.isnan(o.relief_delivered[m]) else float(o.relief_delivered[m]),
                "cheated": [n for i, n in enumerate(names) if o.cheated[m, i]],
                "caught": {n: int(o.caught_step[m, i]) + 1 for i, n in enumerate(names) if o.caught[m, i]},
            }
        out.append(row)
    return out


def variant_summary(b: Batch) -> dict[str, Any]:
    """The per-variant fields of ``accord run --json``'s ``variants`` map."""
    s = summarize(b, with_results=False)
    out: dict[str, Any] = {
        "agreement_rate": s["agreement_rate"],
        "mean_utilities": s["mean_utilities"],
        "mean_nominal_utilities": s["mean_nominal_utilities"],
        "walked_away_by": s["walked_away_by"],
        "modal_outcome": s["modal_outcome"],
        "runs": s["runs"],
        "ends": s["ends"],
        # every run ends the same way with the same deal: the agreement rate is 0 or 1, not a probability
        "talks_alike": s["runs"] > 1
        and len(s["ends"]) == 1
        and (s["modal_outcome"] is None or s["modal_outcome"]["share"] == 1.0),
    }
    if "implementation" in s:
        imp = s["implementation"]
        out.update(
            threat_reduction_mean=imp["threat_reduction_mean"],
            cheating_detected_rate=imp["cheating_detected_rate"],
            completed_rate=imp["completed_rate"],
            dismantled_share_mean=imp["dismantled_share_mean"],
        )
    return out


def run_variants(
    base: TalksScenario, variants: dict[str, TalksScenario], runs: int, seed: int
) -> dict[str, Any]:
    """``{name: variant_summary}`` for the base scenario (``base``) and every variant, same seeds."""
    out = {"base": variant_summary(run_batch(base, runs, seed))}
    for name, ts in variants.items():
        out[name] = variant_summary(run_batch(ts, runs, seed))
    return out


# ---------------------------------------------------------------------------------------- a given deal


def implement_deal(ts: TalksScenario, deal: int, runs: int, seed: int) -> Outcome:
    """Implement one given agreement ``runs`` times (run k: seed + k, the same implementation stream as in
    :func:`run_batch`); decisions on each party's prior beliefs, the world drawn as in the talks."""
    ct = compiled(ts)
    if ct.impl is None:
        raise InputError(ts.scenario.path, "implementation", "an implementation block in the scenario")
    seeds = [seed + k for k in range(runs)]
    wd, bel = deal_worlds(ts, seeds)
    draws = implementation_draws_many(seeds, draw_count(ct.impl))
    return simulate(ct.impl, np.full(runs, deal), wd, world_weights(bel), beliefs=bel, draws=draws)


def deal_worlds(ts: TalksScenario, seeds: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per run of ``seeds``: the true world (the facts drawn as in the talks) and every party's prior
    beliefs in it, ((R,) world indices, (R, P, F) beliefs)."""
    worlds, beliefs = [], []
    for s in seeds:
        truth = ts.private.draw_truth(facts_rng(s) if ts.private.drawn else None)
        worlds.append(world_index(truth))
        beliefs.append(ts.private.priors(ts.party_names, truth))
    return np.array(worlds, dtype=np.int64), np.stack(beliefs)


def trace_rows(b: Batch, run: int = 0) -> list[dict[str, Any]]:
    """One run's trace over all stages: one row per action with its stage, every party's nominal utility."""
    ts = b.talks
    names = ts.party_names
    r = b.results[run]
    ct = compiled(ts)
    out = []
    for so in r.stages:
        if so.result is None:
            continue
        tr = so.result.trace
        for k in range(len(tr)):
            o = int(tr.offer[k])
            out.append(
                {
                    "stage": so.name,
                    "round": int(tr.round[k]),
                    "party": names[int(tr.party[k])],
                    "action": tr.action[k],
                    "offer": o if o >= 0 else None,
                    "outcome": ts.scenario.space.outcome(o) if o >= 0 else None,
                    "utilities": {
                        n: (float(ct.worlds.utilities[i, r.world, o]) if o >= 0 else None)
                        for i, n in enumerate(names)
                    },
                }
            )
    return out
