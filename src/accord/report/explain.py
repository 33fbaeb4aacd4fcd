"""Why a run of staged talks ends as it does, what a run draws, and walk-away values with the true facts.

Derived from the result and trace objects only (nothing is rerun): the end of the last stage, the leaders'
comparison of the standing offer with their walk-away value (:func:`accord.experiments.questions.leader_decision`,
the leader's own rule: constraints, mandate, belief-dependent demands, value against walk-away value; Putnam
1988's win-set test, Fearon 1994's audience costs), and which belief-dependent demands were in force.
The CLI prints these lines under each run; ``accord run --json`` carries them under ``explanation``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["explain_run", "drawn_note", "mean_walk_away_values", "walk_away_values"]


def _deal(outcome: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (outcome or {}).items())


def _last_offers(tr: Any, party: int) -> int | None:
    """The last offer ``party`` received from another party in a stage trace (None if none)."""
    for k in range(len(tr) - 1, -1, -1):
        if tr.party[k] != party and tr.action[k] == "offer" and int(tr.offer[k]) >= 0:
            return int(tr.offer[k])
    return None


def _demands(ts: Any, beliefs: np.ndarray) -> list[str]:
    """The belief-dependent demands and whether each was in force with these beliefs."""
    out = []
    names = list(ts.party_names)
    for dm in ts.private.demands:
        b = float(beliefs[names.index(dm.party), ts.private.fact_index(dm.fact)])
        on = b >= dm.above
        out.append(
            f"{dm.party} believes {dm.fact} with P = {b:.3f} {'>=' if on else '<'} {dm.above:g}: "
            + (f"it requires {dm.require.text}" if on else f"it does not require {dm.require.text}")
        )
    return out


def explain_run(ts: Any, r: Any) -> list[str]:
    """Lines saying why a run of talks ``ts`` (its result ``r``, a ``TalksResult``) ends as it does: each
    stage's end, the belief-dependent demands in force, and the leaders' decisive comparison."""
    from accord.experiments.questions import _truth, leader_decision

    names = list(ts.party_names)
    lines: list[str] = []
    for so in r.stages[:-1]:
        what = f"settled {_deal(so.settled)}" if so.settled else "settled nothing"
        lines.append(f"stage {so.name} ended by {so.end} after {so.rounds} round(s): {what}")
    last = r.stages[-1] if r.stages else None
    if last is None:
        return lines
    stage = next((s for s in ts.stages if s.name == last.name), ts.stages[-1])
    before = r.stages[-2].beliefs if len(r.stages) > 1 else ts.private.priors(names, _truth(ts, r.world))
    lines += _demands(ts, before)
    if last.end == "no_options":
        lines.append(
            f"stage {last.name}: no outcome left on its table after what earlier stages settled (no_options)"
        )
        return lines
    tr = last.result.trace if last.result is not None else None
    space = ts.scenario.space
    if r.agreement and r.outcome_index is not None:
        acc = [int(tr.party[k]) for k in range(len(tr)) if tr.action[k] == "accept"] if tr is not None else []
        who = ", ".join(dict.fromkeys(names[i] for i in acc)) or "the parties"
        lines.append(
            f"agreement in stage {last.name} after {last.rounds} round(s): {who} accepted "
            f"{_deal(space.outcome(r.outcome_index))}"
        )
    decisive: list[str] = []
    for i, n in enumerate(names):
        if stage.roles.get(n, "leader") != "leader" or tr is None:
            continue
        offer = r.outcome_index if r.agreement else _last_offers(tr, i)
        if offer is None:
            if n == r.walked_away_by:
                decisive.append(f"{n} walked away before any offer from the other side")
            continue
        d = leader_decision(ts, stage, i, int(offer), before)
        worth = (
            f"worth {d['total']:.3f} to it (value {d['expected_value']:.3f}, prestige {d['prestige']:.3f}, "
            f"audience cost {d['audience_cost']:.3f}) against its walk-away value {d['walk_away_value']:.3f}"
        )
        if r.agreement:
            decisive.append(
                f"{n}: the deal is {worth}" + (f"; but {'; '.join(d['reasons'])}" if d["reasons"] else "")
            )
        else:
            verb = "walked away" if n == r.walked_away_by else "did not accept"
            if d["reasons"]:
                why = "; ".join(d["reasons"])
                decisive.append(
                    f"{n} {verb}: the last offer it faced, {_deal(d['offer'])}, fails its rule: {why}"
                )
            else:
                decisive.append(
                    f"{n} {verb} the last offer it faced, {_deal(d['offer'])}, although it passes its rule "
                    f"({worth}): it came before the party's last chance, below its concession target then"
                )
    if r.end == "walk_away":
        lines.append(f"{r.walked_away_by} walked away in stage {last.name} after {last.rounds} round(s)")
    elif r.end == "deadline":
        lines.append(f"stage {last.name} reached its deadline ({last.rounds} round(s)) without acceptance")
    return lines + decisive + _walk_away_in_truth(ts, r)


def _walk_away_in_truth(ts: Any, r: Any) -> list[str]:
    """Where a walk-away value (as used: every private fact false) differs from the status quo's utility in
    the run's own world, both numbers and what follows from the gap."""
    world = getattr(r, "world", None)
    if world is None:
        return []
    out = []
    facts = ", ".join(f"{f}={bool((int(world) >> k) & 1)}" for k, f in enumerate(ts.private.names))
    for n, row in walk_away_values(ts).items():
        per = list((row.get("per_world") or {}).values())
        if int(world) >= len(per) or abs(per[int(world)] - row["used"]) <= 1e-12:
            continue
        true = per[int(world)]
        gap = (
            f"a deal worth between {true:.3f} and {row['used']:.3f} to it is refused although it beats what it keeps"
            if true < row["used"]
            else f"it may sign a deal worth less than the {true:.3f} it keeps without one"
        )
        out.append(
            f"{n}: walk-away value {row['used']:.3f} as the model uses it (its status quo with every private fact "
            f"false); with this run's facts ({facts}) the status quo is worth {true:.3f} to it, so {gap}"
        )
    return out


def uncertain_count(path: str | Path | None) -> int:
    """How many uncertain numbers (distributions) the scenario file declares (0 if it cannot be read)."""
    from accord.experiments.params import find_uncertain
    from accord.yaml_dialect import parse

    if not path:
        return 0
    try:  # the raw document: reading it as a scenario puts its distributions at their nominal values
        raw, _ = parse(Path(path).read_bytes().decode("utf-8-sig"), str(path))
        return len(find_uncertain(raw, str(path))) if isinstance(raw, dict) else 0
    except (OSError, ValueError, TypeError):
        return 0


def implement_drawn_note(ts: Any, runs: int, path: str | Path | None) -> str:
    """What ``accord implement``'s simulated runs draw and what they hold fixed."""
    n_dist = uncertain_count(path)
    spec = getattr(ts, "implementation", None)
    random_parties = [
        p for p, c in (getattr(spec, "compliance", None) or {}).items() if str(c).startswith("random")
    ]
    facts = [f.name for f in ts.private.facts if f.true_value is None and f.probability is not None]
    drawn = ["inspections", "detections"]
    if random_parties:
        drawn.append(f"the random compliance of {', '.join(random_parties)}")
    if facts:
        drawn.append(f"private fact(s) {', '.join(facts)}")
    fixed = (
        f"the file's {n_dist} distribution(s) at their nominal values (accord montecarlo draws them)"
        if n_dist
        else "every number as written"
    )
    what = ", ".join(drawn[:-1]) + f" and {drawn[-1]}"
    return (
        f"{runs} run(s) of this one deal, each drawing its {what}; {fixed}; "
        "exact: the expectation over those draws, without sampling"
    )


def drawn_note(ts: Any, batch: Any, path: str | Path | None, mode: str = "nominal") -> str:
    """What the runs of a talks batch draw and what they hold fixed (``accord run``, ``questions``).
    ``mode``: "drawn" (the file's distributions drawn per run, ``accord run --runs N``), "single" (one run
    at nominal values, ``accord run`` without ``--runs``) or "nominal" (``--nominal``)."""
    n_dist = uncertain_count(path)
    facts = [f.name for f in ts.private.facts if f.true_value is None and f.probability is not None]
    runs = len(batch.results)
    if n_dist and mode == "drawn":
        fixed = (
            f"its {n_dist} distribution(s) drawn per run (run k from seed + k, as accord montecarlo and "
            "accord backtest draw them; --nominal holds them at their nominal values)"
        )
    elif n_dist:
        fixed = f"its {n_dist} distribution(s) at their nominal values (accord montecarlo draws them" + (
            "; so does accord run --runs N with N > 1)" if mode == "single" else ")"
        )
    else:
        fixed = "every number as written"
    drawn = f"private fact(s) {', '.join(facts)} drawn per run" if facts else "no private fact drawn"
    risks = [f"{st.name} {st.breakdown_risk:.3g}" for st in ts.stages if st.breakdown_risk > 0]
    if risks:
        per = "nominal risk per round" if n_dist and mode == "drawn" else "risk per round"
        drawn += f"; the talks may break down ({per}: {', '.join(risks)})"
    same = runs > 1 and len({(x.end, x.outcome_index, x.walked_away_by) for x in batch.results}) == 1
    tail = (
        f"; all {runs} runs end alike, so every rate is 0 or 1, not a probability"
        if same
        else "; rates are shares of these runs"
    )
    return f"{runs} run(s) with {fixed}; {drawn}{tail}"


def walk_away_values(ts: Any) -> dict[str, dict[str, Any]]:
    """Each party's walk-away value as used (its reservation) and, where it is the utility of a status quo
    outcome whose value depends on private facts, that outcome's utility with the true facts.

    The reservation of ``{outcome: ...}`` is evaluated once, with every private fact false (the scenario
    without its talks blocks); realised utilities use the true facts, so a party may sign and realise less
    than its walk-away value in truth. Both numbers are shown where they differ.
    """
    from accord.errors import InputError
    from accord.model.beliefs import world_index
    from accord.protocols.talks import compiled

    ct = compiled(ts)
    out: dict[str, dict[str, Any]] = {}
    parties = (ts.document.get("parties") or {}) if isinstance(ts.document, dict) else {}
    truth = ts.private.draw_truth(None) if not ts.private.drawn else None
    for i, n in enumerate(ts.party_names):
        used = float(ct.worlds.reservations[i])
        row: dict[str, Any] = {"used": used}
        spec = (parties.get(n) or {}).get("reservation")
        if isinstance(spec, dict) and isinstance(spec.get("outcome"), dict) and len(ts.private.facts):
            try:
                idx = ts.scenario.space.index(spec["outcome"])
            except (InputError, KeyError, ValueError):
                idx = None
            if idx is not None:
                if truth is not None:
                    w = world_index(truth)
                    row["true_facts"] = float(ct.worlds.utilities[i, w, idx])
                row["per_world"] = {
                    ", ".join(f"{f}={bool((w >> k) & 1)}" for k, f in enumerate(ts.private.names)): float(
                        ct.worlds.utilities[i, w, idx]
                    )
                    for w in range(ct.worlds.n_worlds)
                }
        out[n] = row
    return out


def mean_walk_away_values(tss: list[Any]) -> dict[str, dict[str, Any]]:
    """:func:`walk_away_values` averaged over runs whose numbers differ (``accord run --runs N`` with its
    distributions drawn): ``used`` and, where every run has it, ``true_facts``, each the mean over ``tss``
    (``runs``: how many); the per-world values are left out (they differ per run)."""
    rows = [walk_away_values(ts) for ts in tss]
    out: dict[str, dict[str, Any]] = {}
    for n in rows[0]:
        out[n] = {"used": float(np.mean([r[n]["used"] for r in rows])), "runs": len(rows)}
        if all("true_facts" in r[n] for r in rows):
            out[n]["true_facts"] = float(np.mean([r[n]["true_facts"] for r in rows]))
    return out


def why_of_stored_run(plan: Any, run: int) -> list[str]:
    """:func:`explain_run` for run ``run`` of a stored plan (its talks rebuilt with that run's draws and
    seed, as :func:`accord.experiments.runner.replay` does); empty for a plain negotiation."""
    from accord.experiments.worker import prepare
    from accord.protocols.talks import run_batch

    job = plan.jobs("results", run, run + 1)[0]
    prep, _ = prepare(plan.sources[job.source], job)
    if prep.talks is None:
        return []
    return explain_run(prep.talks, run_batch(prep.talks, 1, job.seed).results[0])
