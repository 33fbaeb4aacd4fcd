"""Commands for staged talks and implementation: implement, questions, inspection game/dresher (and the
registration of ``backtest``, :mod:`accord.cli.backtest`).

Also :func:`run_talks_command`, which ``accord run`` calls for a scenario with tracks, private facts, an
implementation or variants. Every number printed comes from :mod:`accord.api`; nothing is computed here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.app import fail
from accord.cli.options import MAX_SEED

RunsOpt = Annotated[
    int, typer.Option("--runs", "-r", min=0, max=1_000_000, help="Seeded runs (run k uses seed + k).")
]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the first run.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _dump(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, default=str))


def _f(x: Any, nd: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return "inf" if x == float("inf") else f"{x:.{nd}f}"
    return str(x)


def _console() -> Any:
    from rich.console import Console

    return Console(width=120)


def _table(title: str, cols: list[str]) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def _deal(outcome: dict[str, Any] | None) -> str:
    return "no agreement" if not outcome else ", ".join(f"{k}={v}" for k, v in outcome.items())


# ----------------------------------------------------------------------------------------------- run


def run_talks_command(
    path: Path,
    parties: str | None,
    negotiators: str | None,
    steps: int | None,
    seed: int,
    runs: int,
    as_json: bool,
    trace: Path | None,
    nominal: bool = False,
) -> bool:
    """Handle ``accord run`` for a scenario with talks; False if the plain protocol applies instead
    (no talks blocks, or --parties / --negotiators / --steps given)."""
    from accord import api

    if parties or negotiators or steps is not None or not api.has_talks(path):
        return False
    if runs < 1:
        fail(f"--runs: expected a positive number of runs, got {runs}")
    from accord.report.explain import drawn_note, explain_run, uncertain_count, walk_away_values

    # --runs N (N > 1) draws the file's distributions per run, run k from seed + k (accord.experiments.
    # backtest_runs, as the backtest and montecarlo); one run, or --nominal, holds them at their nominal values
    draws = runs > 1 and not nominal and uncertain_count(path) > 0
    if draws:
        from accord.experiments.backtest_runs import drawn_runs, merged_batch
        from accord.protocols.talks import run_batch
        from accord.report.explain import mean_walk_away_values

        d = drawn_runs(path, runs, seed)
        base = merged_batch(d, api.load_talks(path))
        summary = api.run_talks_with_variants(path, runs=runs, seed=seed, draws=True, base=base)
        b = run_batch(d.scenarios[0], 1, seed)  # run 0 as drawn, shown stage by stage
        note = drawn_note(base.talks, base, path, "drawn")
        wa = mean_walk_away_values(d.scenarios)
    else:
        summary = api.run_talks_with_variants(path, runs=runs, seed=seed)
        b = api.talks_batch(path, runs=1, seed=seed)
        mode = "nominal" if nominal or runs > 1 else "single"
        note = drawn_note(b.talks, api.talks_batch(path, runs=min(runs, 50), seed=seed), path, mode)
        wa = walk_away_values(b.talks)
    if trace is not None:
        api.write_talks_trace(b, trace)
    summary["explanation"] = explain_run(b.talks, b.results[0])
    summary["drawn"] = note
    summary["walk_away_values"] = wa
    if as_json:
        _dump(summary)
        return True
    print_talks_run(b, draws)
    print_bargaining_analysis(b)
    print_summary(summary)
    print_variants(summary["variants"])
    q = api.questions(path, runs=min(runs, 20), seed=seed)
    if draws:  # the questions still run the file's numbers at their nominal values: say so
        nb = api.talks_batch(path, runs=min(runs, 20), seed=seed)
        q["drawn"] = drawn_note(nb.talks, nb, path, "nominal")
    print_questions(q)
    return True


def print_talks_run(batch: Any, drawn_numbers: bool = False) -> None:
    """The first run's stages: every offer with both sides' nominal utilities."""
    con = _console()
    ts = batch.talks
    r = batch.results[0]
    names = ts.party_names
    U = batch.nominal
    drawn = " (its uncertain numbers drawn from this seed)" if drawn_numbers else ""
    con.print(
        f"[bold]{ts.name}[/bold] — seed {batch.seeds[0]}{drawn}; facts: "
        + ", ".join(
            f"{f.name}={f.true_value if f.true_value is not None else 'drawn'}" for f in ts.private.facts
        )
    )
    for so in r.stages:
        t = _table(
            f"stage {so.name}: {so.end} after {so.rounds} round(s); open outcomes after it: {so.open_outcomes}",
            ["round", "party", "action", "offer"],
        )
        if so.result is not None:
            tr = so.result.trace
            for k in range(len(tr)):
                o = int(tr.offer[k])
                t.add_row(
                    str(tr.round[k]),
                    names[tr.party[k]],
                    tr.action[k],
                    _deal(ts.scenario.space.outcome(o)) if o >= 0 else "",
                )
        con.print(t)
        if so.settled:
            con.print("  settled: " + _deal(so.settled))
        if len(ts.private.facts):
            con.print(
                "  beliefs after the stage: "
                + "; ".join(
                    f"{n}: "
                    + ", ".join(f"P({f})={so.beliefs[i, k]:.3f}" for k, f in enumerate(ts.private.names))
                    for i, n in enumerate(names)
                )
            )
    con.print(
        f"result: {r.end}; deal: {_deal(ts.scenario.space.outcome(r.outcome_index) if r.agreement else None)}; "
        + ", ".join(f"{n} {U[0, i]:.3f}" for i, n in enumerate(names))
    )
    from accord.report.explain import explain_run

    con.print("[bold]why it ends so[/bold]")
    for line in explain_run(ts, r):
        con.print(f"  {line}")


def print_bargaining_analysis(batch: Any) -> None:
    """The standard analysis of the bargaining space (Pareto, Nash, KS, ZOPA) and the first run's deal in it."""
    from accord import api
    from accord.cli.render import print_analysis

    ts = batch.talks
    print_analysis(
        api.analyze(ts.scenario), title="Analysis of the bargaining space (preferences as declared)"
    )
    r = batch.results[0]
    if r.agreement:
        d = api.outcome_distances(ts.scenario, r.outcome_index)
        _console().print(
            "the deal's distance in utility space: "
            + ", ".join(f"to {k} {v:.4f}" for k, v in d.items() if v is not None)
        )


def print_summary(s: dict[str, Any]) -> None:
    con = _console()
    t = _table(f"{s['scenario']}: {s['runs']} run(s)", ["measure", *s["parties"]])
    t.add_row("mean utility after implementation", *[_f(s["mean_utilities"][n]) for n in s["parties"]])
    t.add_row(
        "mean utility of the deal as agreed", *[_f(s["mean_nominal_utilities"][n]) for n in s["parties"]]
    )
    mean = " (mean over the runs)" if s.get("uncertain_numbers") == "drawn per run" else ""
    t.add_row(f"walk-away value{mean}", *[_f(s["reservations"][n]) for n in s["parties"]])
    wa = s.get("walk_away_values") or {}
    differs = [
        n
        for n in s["parties"]
        if abs(wa.get(n, {}).get("true_facts", s["reservations"][n]) - s["reservations"][n]) > 1e-12
    ]
    if differs:
        t.add_row(
            f"walk-away value with the true facts{mean}",
            *[_f(wa[n].get("true_facts", s["reservations"][n])) for n in s["parties"]],
        )
    con.print(t)
    if differs:
        con.print(
            "  the walk-away value used is the status quo's utility with every private fact false; realised "
            "utilities use the true facts, so a party may sign and realise less than it could have kept ("
            + ", ".join(differs)
            + ")"
        )
    if s.get("drawn"):
        con.print(f"drawn: {s['drawn']}")
    con.print(
        f"agreement rate {s['agreement_rate']:.3f}; ends {s['ends']}; walked away: {s['walked_away_by'] or 'nobody'}"
    )
    imp = s.get("implementation")
    if imp:
        con.print(
            f"implementation: threat reduction {imp['threat_reduction_mean']:.3f}, cheating detected "
            f"{imp['cheating_detected_rate']:.3f}, completed {imp['completed_rate']:.3f} (over all runs)"
        )


def _alike(s: dict[str, Any]) -> str:
    """'alike' when every run of a variant ends the same way with the same deal, else 'vary'."""
    return "alike" if s.get("talks_alike") else "vary"


def print_variants(v: dict[str, Any]) -> None:
    con = _console()
    parties = list(next(iter(v.values()))["mean_utilities"]) if v else []
    runs = next(iter(v.values())).get("runs") if v else None
    t = _table(
        f"variants (same seeds{f', {runs} runs each' if runs else ''})",
        [
            "variant",
            "talks",
            "agreement",
            *[f"u {p}" for p in parties],
            "threat red.",
            "caught",
            "completed",
            "deal (most frequent)",
            "changes from the base",
        ],
    )
    for name, s in v.items():
        t.add_row(
            name,
            _alike(s),
            _f(s["agreement_rate"]),
            *[_f(s["mean_utilities"][p]) for p in parties],
            _f(s.get("threat_reduction_mean")),
            _f(s.get("cheating_detected_rate")),
            _f(s.get("completed_rate")),
            _deal((s.get("modal_outcome") or {}).get("outcome")),
            "; ".join(s.get("changes", [])),
        )
    con.print(t)
    if any(_alike(s) == "alike" for s in v.values()):
        con.print(
            "talks alike: every run of the variant ends the same way with the same deal, so its agreement "
            "rate is 0 or 1, not a probability (the spread of the other columns is the implementation's)"
        )
    for name, s in v.items():
        for c in s.get("changes", []):
            if c.startswith(("drops", "removes")):
                con.print(f"warning: variant {name} {c} of the base")
            elif c.startswith("adds stage"):
                con.print(f"warning: variant {name} {c}")


def print_questions(q: dict[str, Any]) -> None:
    """The four answers, each with the figures behind it."""
    con = _console()
    if q.get("drawn"):
        con.print(f"drawn: {q['drawn']} (each answer's rates are over these runs)")
    g = q["groundwork"]
    first = g.get("first_stage", "first")
    if _heading(con, q, "groundwork", 1):
        w, wo = g["with_working_level"], g.get("without_working_level")
        con.print(
            f"  with the {first} stage: agreement {w['agreement_rate']:.2f}, utilities {_u(w['mean_utilities'])}; "
            f"deal: {_deal((w.get('modal_outcome') or {}).get('outcome'))}"
        )
        if wo:
            con.print(
                f"  without it (variant {g['without_first_stage_variant']}): agreement {wo['agreement_rate']:.2f}, "
                f"utilities {_u(wo['mean_utilities'])}; deal: {_deal((wo.get('modal_outcome') or {}).get('outcome'))}"
            )
        else:
            con.print(
                f"  no variant drops the {first} stage (`{{name: {first}, drop: true}}`): only the rounds sweep"
            )
    if g["working_level_rounds_sweep"]:
        con.print(
            f"  {first} rounds -> agreement rate: "
            + ", ".join(
                f"{x['working_level_rounds']}: {x['agreement_rate']:.2f}"
                for x in g["working_level_rounds_sweep"]
            )
        )
    _heading(con, q, "relief_under_private_facts", 2)
    for name, d in q["relief_under_private_facts"].items():
        if d.get("note"):
            con.print(f"  {name}: {d['note']}")
        for wv in d.get("worlds", []):
            facts = ", ".join(f"{k}={v}" for k, v in wv["facts"].items()) or "no private facts"
            con.print(
                f"  {name} ({facts}): threat reduction {_f(wv['threat_reduction'])}, relief delivered "
                f"{_f(wv['relief_delivered'])}, utilities {_u(wv['realised'])}"
            )
    c = q["course"]
    _heading(con, q, "course", 3)
    for name, d in c["deal_values"].items():
        if d.get("note"):
            con.print(f"  {name}: {d['note']}")
            continue
        con.print(
            f"  {name}: value if signed {_u(d['value_if_signed'])} vs walking away {_u(d['walk_away_value'])}; "
            f"threat reduction {_f(d['threat_reduction'])}"
        )
    for name, rows in c["deterrence"].items():
        worst = [x for x in rows if x["gain"] > 0]
        if worst:
            con.print(
                f"  {name}: deterrent inspection rate per delivery with a gain from cheating: "
                + "; ".join(
                    f"{x['party']} {x['issue']} at '{x['step']}' r*={_f(x['deterrent_rate'])} (in force "
                    f"{', '.join(_f(r, 2) for r in x['rates_in_force'])}: {'deterred' if x['deterred'] else 'not deterred'})"
                    for x in worst
                )
            )
    _heading(con, q, "walk_or_concede", 4)
    for name, d in q["walk_or_concede"].items():
        if name == "belief_sweep":
            for course_name, rows in d.items():
                for r in rows:
                    con.print(
                        f"  {course_name}: prior of {r['party']} on {r['fact']} = {r['prior']:.1f} -> agreement "
                        f"{r['agreement_rate']:.2f}, walked away {r['walked_away_by'] or '-'}; deal: "
                        f"{_deal((r.get('modal_outcome') or {}).get('outcome'))}"
                    )
            continue
        for leader, x in d["decisions"].items():
            be = "; ".join(
                f"break-even P({k})={_f(v['break_even_belief'])}"
                if v["break_even_belief"] is not None
                else f"{v['decision_at_every_belief']} whatever P({k})"
                for k, v in x["belief_break_even"].items()
            )
            con.print(
                f"  {name}, {leader}: offer worth {_f(x['total'])} (value {_f(x['expected_value'])}, prestige "
                f"{_f(x['prestige'])}, audience cost {_f(x['audience_cost'])}) vs walk-away {_f(x['walk_away_value'])}"
                f" -> {x['decision']}"
                + (f" ({'; '.join(x['reasons'])})" if x.get("reasons") else "")
                + (f"; in the run: {x['in_the_run']}" if x.get("in_the_run") else "")
                + (f"; {be}" if be else "")
            )
    con.print(
        "\nAssumptions: every input is in the scenario file, with its source or marked as a judgement; "
        "see docs/models/*.md for the equations and docs/hanoi-questions.md for the Hanoi discussion."
    )


def _heading(con: Any, q: dict[str, Any], key: str, k: int) -> bool:
    """Print question k's heading as derived from the scenario; False (with the reason) where it does not apply."""
    h = (q.get("headings") or {}).get(key)
    if h:
        con.print(f"\n[bold]{k}. {h}[/bold]")
        return True
    con.print(f"\n{k}. ({key.replace('_', ' ')}: not asked of this scenario: {q['not_applicable'][key]})")
    return False


def _u(d: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in d.items())


# ------------------------------------------------------------------------------------------ commands


def implement(
    path: Annotated[Path, typer.Argument(help="Scenario file with an implementation block.")],
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="One of the scenario's variants.")
    ] = None,
    deal: Annotated[
        str | None, typer.Option("--deal", help="The agreement: issue=value,... (every issue).")
    ] = None,
    runs: RunsOpt = 1000,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Implement one agreement step by step: simulated, exact expectation, and deterrent inspection rates.

    Example: accord implement scenarios/hanoi-2019.yaml --variant phased_verified --runs 10000
    """
    from accord import api

    out = api.implement(path, variant=variant, deal=deal, runs=runs, seed=seed)
    if as_json:
        _dump(out)
        return
    con = _console()
    con.print(f"[bold]{out['scenario']}[/bold] {out['variant'] or ''}: deal {_deal(out['deal'])}")
    sim = out["simulated"]
    con.print(
        f"simulated ({out['runs']} runs): utilities {_u(sim['realised_utilities'])}; completed {sim['completed_rate']:.3f}; "
        f"cheating {sim['cheating_rate']}; caught {sim['caught_rate']}; threat reduction {_f(sim['threat_reduction_mean'])}"
    )
    from accord.report.explain import implement_drawn_note

    con.print(f"drawn: {implement_drawn_note(api.load_talks(path, variant), out['runs'], path)}")
    if "exact" in out:
        ex = out["exact"]
        con.print(
            f"exact: utilities {_u(ex['realised_utilities'])}; completed {ex['completed_probability']:.3f}; "
            f"cheating {ex['cheating_probability']}; threat reduction {_f(ex['threat_reduction'])}"
        )
        t = _table(
            "deterrence (everybody compliant so far)",
            [
                "step",
                "party",
                "issue",
                "gain d",
                "penalty b",
                "1-beta",
                "steps left",
                "rates in force (this step on)",
                "P(caught)",
                "deterred at these rates",
                "r* (one common rate)",
            ],
        )
        for x in out["deterrence"]:
            t.add_row(
                x["step"],
                x["party"],
                x["issue"],
                _f(x["gain"]),
                _f(x["penalty"]),
                _f(x["detection"], 2),
                str(x["remaining_steps"]),
                " ".join(_f(r, 2) for r in x["rates_in_force"]),
                _f(x["caught_probability"]),
                "yes" if x["deterred"] else "no",
                _f(x["deterrent_rate"]),
            )
        con.print(t)
        con.print(
            "deterred: (1 - P(caught)) d - P(caught) b <= - expected nuisance, at each remaining step's own rate "
            "(the opportunist's rule); r*: the one rate at every remaining step that would deter"
        )


def questions(
    path: Annotated[Path, typer.Argument(help="Scenario file with tracks and variants.")],
    runs: RunsOpt = 100,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Answer the analyst's four questions (groundwork, relief under private facts, course, walk away).

    Example: accord questions scenarios/hanoi-2019.yaml --json
    """
    from accord import api
    from accord.report.explain import drawn_note

    q = api.questions(path, runs=runs, seed=seed)
    b = api.talks_batch(path, runs=min(runs, 50), seed=seed)
    q["drawn"] = drawn_note(b.talks, b, path)
    if as_json:
        _dump(q)
    else:
        print_questions(q)


inspection_app = typer.Typer(
    help="Inspection games in closed form (Avenhaus et al. 2002; Dresher 1962).", no_args_is_help=True
)


@inspection_app.command("game")
def inspection_game(
    beta: Annotated[float, typer.Option(help="Probability an inspection misses a violation.")] = 0.2,
    d: Annotated[float, typer.Option(help="Inspectee's gain from an undetected violation.")] = 1.0,
    b: Annotated[float, typer.Option(help="Inspectee's loss when caught.")] = 4.0,
    h: Annotated[float, typer.Option(help="Inspectee's nuisance cost of an inspection.")] = 0.0,
    e: Annotated[float, typer.Option(help="Inspector's cost of an inspection.")] = 0.1,
    c: Annotated[float, typer.Option(help="Inspector's loss from an undetected violation.")] = 1.0,
    a: Annotated[float, typer.Option(help="Inspector's loss from a detected violation (0 < a < c).")] = 0.5,
    runs: RunsOpt = 0,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """The 2x2 inspection game: mixed equilibrium p*, q*, payoffs, and inspector leadership.

    Example: accord inspection game --beta 0.2 --d 1 --b 4 --e 0.1 --c 1 --a 0.5 --runs 100000
    """
    from accord import api

    out = api.inspection_game(beta, d, b, h, e, c, a, runs=runs, seed=seed)
    if as_json:
        _dump(out)
        return
    eq, ld = out["equilibrium"], out["leadership"]
    con = _console()
    con.print(
        f"equilibrium: inspect p* = {eq['p_star']:.6g}, violate q* = {eq['q_star']:.6g}; payoffs inspector "
        f"{eq['inspector_payoff']:.6g}, inspectee {eq['inspectee_payoff']:.6g}"
        + ("" if eq["interior"] else " (not interior)")
    )
    con.print(
        f"inspector leadership: commit to p = {ld['p_commit']:.6g}; inspectee legal; inspector {ld['inspector_payoff']:.6g}"
    )
    if "simulation" in out:
        s = out["simulation"]
        con.print(
            f"simulation ({runs} plays at p*, q*): inspector {s['inspector']:.4f}, inspectee {s['inspectee']:.4f}, "
            f"violations {s['violation_rate']:.4f}"
        )


@inspection_app.command("dresher")
def inspection_dresher(
    n: Annotated[int, typer.Argument(help="Periods.")],
    m: Annotated[int, typer.Argument(help="Inspections.")],
    runs: RunsOpt = 0,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Dresher's recursive game: value to the inspectee of m inspections over n periods.

    Example: accord inspection dresher 10 3 --runs 100000
    """
    from accord import api

    out = api.dresher(n, m, runs=runs, seed=seed)
    if as_json:
        _dump(out)
        return
    msg = (
        f"V({n},{m}) = {out['closed_form']:.10g} (recursion {out['recursion']:.10g}); now: violate "
        f"{out['violate_now']:.4g}, inspect {out['inspect_now']:.4g}"
    )
    if "simulation" in out:
        msg += f"; simulated {out['simulation']['mean']:.4f} ± {out['simulation']['se']:.4f}"
    _console().print(msg)


def register(app: typer.Typer) -> None:
    from accord.cli.backtest import backtest

    app.command()(backtest)
    app.command("compare", hidden=True, help="Alias of backtest.")(backtest)
    app.command()(implement)
    app.command()(questions)
    app.add_typer(inspection_app, name="inspection")
