"""Answers to the analyst's four questions, computed from a talks scenario and its variants.

Each question is asked of any talks scenario where it applies, with its wording derived from the file
(:func:`headings`): which variants, stages and facts it declares; where it does not apply it says why.

1. *Groundwork*: the scenario against the variant that drops its first stage (any name; found by its
   stages), and a sweep of the first stage's rounds.
2. *What relief buys under private facts*: for every deal on the table (the base run's agreement and every
   variant whose table fixes one package), the exact expected threat reduction, relief delivered and
   utilities when the fact is true and when it is false (:func:`accord.implementation.engine.expected`).
3. *Which course*: the variants side by side (simulated), each fixed deal's exact value if signed against
   walking away, the deterrent inspection rate of every delivery (:mod:`accord.implementation.deterrence`)
   and a sweep of the inspection rate.
4. *Walk away or concede*: at the end of the talks, each leader's value of the standing offer (belief,
   implementation and stakes included) against its walk-away value, with the belief and the audience
   cost at which the decision flips.
Nothing here reads a number from the file except as the model's input; every figure is computed.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np

from accord.implementation.deterrence import deterrence_table
from accord.implementation.engine import expected
from accord.io.talks import talks_from_document
from accord.model.beliefs import world_weights
from accord.model.talks import TalksScenario
from accord.protocols.talks import compiled, run_batch, variant_summary

SWEEP_ROUNDS = (1, 2, 3, 4, 6, 8, 12, 20)
STOCHASTIC = (
    "random compliance: no exact expectation (the exact evaluator needs deterministic strategies); "
    "see the simulated rates of the variants table, or accord implement"
)
SWEEP_RATES = tuple(round(0.1 * k, 1) for k in range(11))


def _deal_of(ts: TalksScenario) -> int | None:
    """The single package the last stage's table allows, if it allows exactly one."""
    ct = compiled(ts)
    st = ts.stages[-1]
    if st.table is None:
        return None
    on = np.flatnonzero(ct.mask(st.table))
    return int(on[0]) if on.size == 1 else None


def _weights_for(ts: TalksScenario, world: int, beliefs: np.ndarray | None = None) -> np.ndarray:
    """Decision weights (P, W): knowers use ``world``, believers their prior (or ``beliefs``)."""
    F = len(ts.private.facts)
    truth = np.array([(world >> f) & 1 for f in range(F)], dtype=bool)
    b = ts.private.priors(ts.party_names, truth) if beliefs is None else beliefs
    return world_weights(b)


def deal_values(ts: TalksScenario, deal: int) -> dict[str, Any]:
    """Exact expectations of implementing ``deal`` in every world (decisions on each party's prior)."""
    ct = compiled(ts)
    if ct.impl is None:
        return {}
    names = ts.party_names
    out: dict[str, Any] = {"deal": ts.scenario.space.outcome(deal), "worlds": []}
    if ct.impl.stochastic:
        out["note"] = STOCHASTIC
        return out
    for w in range(ct.worlds.n_worlds):
        wts = _weights_for(ts, w)[None]
        e = expected(ct.impl, np.array([deal]), np.array([w]), wts)
        flags = {f: bool((w >> k) & 1) for k, f in enumerate(ts.private.names)}
        out["worlds"].append(
            {
                "facts": flags,
                "realised": {n: float(e.realised[0, i]) for i, n in enumerate(names)},
                "nominal": {n: float(ct.worlds.utilities[i, w, deal]) for i, n in enumerate(names)},
                "threat_reduction": _f(e.threat_reduction[0]),
                "dismantled_share": _f(e.dismantled_share[0]),
                "relief_delivered": _f(e.relief_delivered[0]),
                "cheating_probability": {n: float(e.cheated[0, i]) for i, n in enumerate(names)},
                "caught_probability": {n: float(e.caught[0, i]) for i, n in enumerate(names)},
                "completed_probability": float(e.completed[0]),
            }
        )
    return out


def _f(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _with_doc(ts: TalksScenario, doc: dict[str, Any]) -> TalksScenario:
    return talks_from_document(doc, str(ts.scenario.path or "<document>"))


def without_first_stage(ts: TalksScenario, variants: dict[str, TalksScenario]) -> str | None:
    """The variant whose stages are the base's without the first (e.g. Hanoi's ``no_working_level``)."""
    want = [s.name for s in ts.stages][1:]
    if not want:
        return None
    return next((n for n, v in variants.items() if [s.name for s in v.stages] == want), None)


def package_variants(variants: dict[str, TalksScenario]) -> list[str]:
    """The variants whose last stage's table fixes exactly one package."""
    return [n for n, v in variants.items() if _deal_of(v) is not None]


def headings(ts: TalksScenario, variants: dict[str, TalksScenario]) -> dict[str, str | None]:
    """Each question's wording for this scenario, or None where it does not apply (see :func:`applies`)."""
    names = [s.name for s in ts.stages]
    facts = list(ts.private.names)
    pkgs = package_variants(variants)
    leaders = any(r == "leader" for r in ts.stages[-1].roles.values())
    return {
        "groundwork": f"Would the {names[0]} stage have changed the {names[-1]} stage's outcome?"
        if len(names) >= 2
        else None,
        "relief_under_private_facts": f"What does each deal deliver when {', '.join(facts)} is true and when false?"
        if facts and ts.implementation is not None
        else None,
        "course": f"Which course: {', '.join(pkgs)}, or walking away? Which inspection rate deters?"
        if pkgs and ts.implementation is not None
        else None,
        "walk_or_concede": f"When should a leader walk away rather than concede in the {names[-1]} stage?"
        if leaders
        else None,
    }


def applies(ts: TalksScenario, variants: dict[str, TalksScenario]) -> dict[str, str]:
    """Why a question does not apply to this scenario (empty text: it applies)."""
    h = headings(ts, variants)
    why = {
        "groundwork": "one stage only",
        "relief_under_private_facts": "needs private facts and an implementation",
        "course": "needs an implementation and variants whose last stage's table fixes one package",
        "walk_or_concede": "no leader in the last stage",
    }
    return {k: "" if h[k] else why[k] for k in h}


def groundwork(ts: TalksScenario, variants: dict[str, TalksScenario], runs: int, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {"with_working_level": variant_summary(run_batch(ts, runs, seed))}
    out["first_stage"] = ts.stages[0].name
    drop = without_first_stage(ts, variants)
    out["without_first_stage_variant"] = drop
    if drop is not None:
        out["without_working_level"] = variant_summary(run_batch(variants[drop], runs, seed))
    sweep = []
    doc = ts.document
    tracks = doc.get("tracks") or []
    if len(tracks) >= 2 and isinstance(tracks[0], dict):
        for r in SWEEP_ROUNDS:
            d = copy.deepcopy(dict(doc))
            d["tracks"][0]["rounds"] = r
            s = variant_summary(run_batch(_with_doc(ts, d), runs, seed))
            sweep.append(
                {
                    "working_level_rounds": r,
                    "agreement_rate": s["agreement_rate"],
                    "mean_utilities": s["mean_utilities"],
                    "modal_outcome": s["modal_outcome"],
                    "completed_rate": s.get("completed_rate"),
                    "threat_reduction_mean": s.get("threat_reduction_mean"),
                }
            )
    out["working_level_rounds_sweep"] = sweep
    return out


def relief_under_private_facts(
    ts: TalksScenario, variants: dict[str, TalksScenario], runs: int, seed: int
) -> dict[str, Any]:
    deals: dict[str, TalksScenario | int] = {}
    base = run_batch(ts, runs, seed)
    if base.agreed.any():
        modal = Counter(r.outcome_index for r in base.results if r.agreement).most_common(1)[0][0]
        deals["base (negotiated)"] = modal
    for name, v in variants.items():
        d = _deal_of(v)
        if d is not None:
            deals[name] = d
    out = {}
    for name, d in deals.items():
        src = variants.get(name, ts)
        out[name] = deal_values(src, int(d))
    return out


def course(ts: TalksScenario, variants: dict[str, TalksScenario], runs: int, seed: int) -> dict[str, Any]:
    table = {"base": variant_summary(run_batch(ts, runs, seed))}
    for name, v in variants.items():
        table[name] = variant_summary(run_batch(v, runs, seed))
    values = {}
    deterrence = {}
    sweeps = {}
    res = compiled(ts).worlds.reservations
    for name, v in variants.items():
        d = _deal_of(v)
        ct = compiled(v)
        if d is None or ct.impl is None:
            continue
        if ct.impl.stochastic:
            values[name] = {"deal": v.scenario.space.outcome(d), "note": STOCHASTIC}
            continue
        truth = ts.private.draw_truth(None) if not ts.private.drawn else None
        if truth is None:
            continue
        w = int(sum(1 << f for f, x in enumerate(truth) if x))
        wts = _weights_for(v, w)
        e = expected(ct.impl, np.array([d]), np.array([w]), wts[None])
        values[name] = {
            "deal": v.scenario.space.outcome(d),
            "value_if_signed": {n: float(e.realised[0, i]) for i, n in enumerate(v.party_names)},
            "walk_away_value": {n: float(res[i]) for i, n in enumerate(v.party_names)},
            "threat_reduction": _f(e.threat_reduction[0]),
            "cheating_probability": {n: float(e.cheated[0, i]) for i, n in enumerate(v.party_names)},
        }
        deterrence[name] = [x.as_dict() for x in deterrence_table(ct.impl, d, w, wts)]
        sweeps[name] = inspection_sweep(v, d, w, wts)
    return {"variants": table, "deal_values": values, "deterrence": deterrence, "inspection_sweep": sweeps}


def inspection_sweep(ts: TalksScenario, deal: int, world: int, wts: np.ndarray) -> list[dict[str, Any]]:
    """Exact cheating probability and utilities as the inspection rate varies: every party that is not
    inspected at every step anyway (rate 1 throughout, e.g. public relief) gets rate r at every step."""
    ct = compiled(ts)
    ci = ct.impl
    assert ci is not None
    swept = ci.insp_rate.min(axis=0) < 1.0
    out = []
    for r in SWEEP_RATES:
        rate = ci.insp_rate.copy()
        rate[:, swept] = r
        e = expected(replace(ci, insp_rate=rate), np.array([deal]), np.array([world]), wts[None])
        out.append(
            {
                "inspection_rate": r,
                "parties_swept": [n for n, on in zip(ts.party_names, swept, strict=True) if on],
                "cheating_probability": {n: float(e.cheated[0, i]) for i, n in enumerate(ts.party_names)},
                "caught_probability": {n: float(e.caught[0, i]) for i, n in enumerate(ts.party_names)},
                "realised": {n: float(e.realised[0, i]) for i, n in enumerate(ts.party_names)},
                "threat_reduction": _f(e.threat_reduction[0]),
            }
        )
    return out


def walk_or_concede(
    ts: TalksScenario, runs: int, seed: int, variants: dict[str, TalksScenario]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, v in {"base": ts, **variants}.items():
        b = run_batch(v, 1, seed)
        r = b.results[0]
        last = r.stages[-1] if r.stages else None
        if last is None or last.result is None:
            continue
        stage = v.stages[-1]
        tr = last.result.trace
        offers = {}
        for i, n in enumerate(v.party_names):
            mine = [
                int(tr.offer[k])
                for k in range(len(tr))
                if tr.party[k] != i and tr.action[k] in ("offer", "accept")
            ]
            if mine:
                offers[n] = mine[-1]
        decisions = {}
        before = (
            r.stages[-2].beliefs if len(r.stages) > 1 else v.private.priors(v.party_names, _truth(v, r.world))
        )
        for i, n in enumerate(v.party_names):
            if stage.roles.get(n) != "leader" or n not in offers:
                continue
            decisions[n] = leader_decision(v, stage, i, offers[n], before)
            acts = [tr.action[k] for k in range(len(tr)) if tr.party[k] == i]
            decisions[n]["in_the_run"] = _did(acts[-1] if acts else None, n == r.walked_away_by)
        out[name] = {"end": r.end, "walked_away_by": r.walked_away_by, "decisions": decisions}
    out["belief_sweep"] = {"base": belief_sweep(ts, runs, seed)}
    drop = without_first_stage(ts, variants)
    if drop is not None:
        out["belief_sweep"][drop] = belief_sweep(ts, runs, seed, variants[drop])
    return out


def _did(last_action: str | None, walked: bool) -> str:
    """What a leader did at the end of the run, in words."""
    if walked:
        return "walked away"
    return {"accept": "accepted", "offer": "made the last offer", None: "did not act"}.get(
        last_action, str(last_action)
    )


SWEEP_BELIEFS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0)


def belief_sweep(
    ts: TalksScenario, runs: int, seed: int, variant: TalksScenario | None = None
) -> list[dict[str, Any]]:
    """The talks (base, or a variant) rerun with each unaware party's prior on each fact set to a grid."""
    src = variant or ts
    out = []
    for fact in src.private.facts:
        for party in fact.beliefs:
            for b in SWEEP_BELIEFS:
                d = copy.deepcopy(dict(src.document))
                d["private"]["facts"][fact.name]["beliefs"][party] = b
                s = variant_summary(run_batch(_with_doc(src, d), runs, seed))
                out.append(
                    {
                        "fact": fact.name,
                        "party": party,
                        "prior": b,
                        "agreement_rate": s["agreement_rate"],
                        "walked_away_by": s["walked_away_by"],
                        "mean_utilities": s["mean_utilities"],
                        "modal_outcome": s["modal_outcome"],
                    }
                )
    return out


def _truth(ts: TalksScenario, world: int) -> np.ndarray:
    return np.array([(world >> f) & 1 for f in range(len(ts.private.facts))], dtype=bool)


def leader_decision(
    ts: TalksScenario, stage: Any, party: int, offer: int, beliefs: np.ndarray
) -> dict[str, Any]:
    """Leader ``party``'s value of accepting ``offer`` vs walking away, and where the decision flips."""
    ct = compiled(ts)
    V = ct.valuation(stage.valuation, beliefs)
    n = ts.party_names[party]
    st = stage.stakes.get(n)
    prestige = st.prestige if st else 0.0
    breaks = bool(st and st.public_demand is not None and not ct.mask(st.public_demand)[offer])
    a = st.audience_cost if st else 0.0
    audience = a if breaks else 0.0
    if st and st.audience_cost and st.public_demand is None:
        audience = 0.0  # proportional form: reported through the value below
    w = world_weights(beliefs[party])
    value = float(w @ V[party][:, offer])
    total = value + prestige - audience
    res = float(ct.worlds.reservations[party])
    unmet = [
        dm.require.text
        for dm in ts.private.demands
        if dm.party == n
        and beliefs[party, ts.private.fact_index(dm.fact)] >= dm.above
        and not ct.mask(dm.require)[offer]
    ]
    md = stage.mandates.get(n)
    broken = [c.text for c in (md.constraints if md else ()) if not ct.mask(c)[offer]]
    if not ct.worlds.robust_acceptable(party, w)[offer]:
        broken.append("the party's own constraints")
    # the leader's rule (accord.strategies.belief_based): concede iff the offer may be accepted at all
    # (constraints, mandate, belief-dependent demands, as tracks._stage_arrays masks them) and is worth
    # at least the walk-away value
    reasons = [f"demand unmet: {d}" for d in unmet] + [f"constraint broken: {c}" for c in broken]
    if total < res:
        reasons.append(f"worth {total:.3f} < walk-away value {res:.3f}")
    spec = stage.strategies.get(n)
    if spec and not spec.startswith("leader"):
        reasons.append(f"played by `{spec}`, not the leader's rule: this comparison is the leader's")
    out: dict[str, Any] = {
        "offer": ts.scenario.space.outcome(offer),
        "expected_value": value,
        "prestige": prestige,
        "audience_cost": audience,
        "total": total,
        "walk_away_value": res,
        "decision": "walk away" if reasons else "concede",
        "reasons": reasons,
        "demands_unmet": unmet,
    }
    flips = {}
    for f, fact in enumerate(ts.private.facts):
        if n not in fact.beliefs:
            continue
        vals = []
        for b in (0.0, 1.0):
            bb = beliefs[party].copy()
            bb[f] = b
            vals.append(float(world_weights(bb) @ V[party][:, offer]) + prestige - audience)
        slope = vals[1] - vals[0]
        p_star = (res - vals[0]) / slope if slope != 0 else None
        crosses = p_star is not None and 0 <= p_star <= 1
        flips[fact.name] = {
            "value_if_false": vals[0],
            "value_if_true": vals[1],
            "break_even_belief": float(p_star) if crosses else None,
            "decision_at_every_belief": None if crosses else ("concede" if min(vals) >= res else "walk away"),
        }
    out["belief_break_even"] = flips
    slack = value + prestige - res
    out["break_even_audience_cost"] = float(slack) if breaks and slack >= 0 else None
    return out


def answer_all(ts: TalksScenario, variants: dict[str, TalksScenario], runs: int, seed: int) -> dict[str, Any]:
    return {
        "scenario": ts.name,
        "runs": runs,
        "seed": seed,
        "groundwork": groundwork(ts, variants, runs, seed),
        "relief_under_private_facts": relief_under_private_facts(ts, variants, runs, seed),
        "course": course(ts, variants, runs, seed),
        "walk_or_concede": walk_or_concede(ts, runs, seed, variants),
        "headings": headings(ts, variants),
        "not_applicable": {k: v for k, v in applies(ts, variants).items() if v},
    }
