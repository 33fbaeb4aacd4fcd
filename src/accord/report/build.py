"""``accord report RUN_DIR``: figures (PNG + SVG) and one self-contained HTML page for a run directory.

The report reads the run directory only: the results table, the manifest (whose plan lets any single run
be negotiated again, with its trace, from its seed) and the summary. An unfinished run is reported on
the rows finished so far, with a warning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.report import figures as F
from accord.report import sections as S
from accord.report.html import esc, kv, page, section, table
from accord.report.pieces import _col, _Out

__all__ = ["build_report"]

#: Above this many outcomes the utility-space plot shows a seeded random sample of them.
MAX_POINTS = 200_000
#: Runs replayed for the concession curves.
CONCESSION_RUNS = 20


def _nominal(src: Any) -> Any:
    from accord.experiments.plans import _nominal_scenario

    sc = _nominal_scenario(src)
    return sc, sc.compile()


def _outcome_label(outcome: str | None, end: str, walker: str | None, limit: int = 80) -> str:
    if outcome is None:
        return f"no deal: {end.replace('_', ' ')}" + (f" by {walker}" if walker else "")
    d = json.loads(outcome)
    s = ", ".join(f"{k}={v}" for k, v in d.items())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _overview(
    manifest: dict, summary: dict, done: int, total: int, names: list[str], stored: dict | None = None
) -> str:
    variants = (stored or {}).get("variants") or []
    pooled = (
        f" (all {len(variants)} variants pooled; each variant under Variants)" if len(variants) > 1 else ""
    )
    rows: list[tuple[str, Any]] = [
        ("experiment", manifest["kind"]),
        ("status", manifest.get("status", "?") + ("" if done == total else f" ({done:,} of {total:,} rows)")),
        ("command", " ".join(manifest.get("command") or []) or "(Python API)"),
        ("created", manifest.get("created")),
        ("seeds", f"{manifest['seeds']['seed']}: {manifest['seeds']['rule']}"),
        ("runs", summary["runs"]),
    ]
    drawn = (stored or {}).get("drawn")
    if drawn:
        rows.append(("drawn per run", drawn))
    rows.append((f"agreement rate{pooled}", f"{summary['agreement_rate']:.1%}"))
    ci = summary.get("agreement_rate_ci95")
    if ci:
        rows.append((f"95% interval (Wilson){pooled}", f"{ci[0]:.1%} – {ci[1]:.1%}"))
    rows.append((f"mean rounds{pooled}", summary["mean_rounds"]))
    for party, u in summary["mean_utilities"].items():
        rows.append((f"mean utility, {party}{pooled}", u))
    for key, label in (
        ("mean_dist_pareto", "mean distance to the Pareto frontier"),
        ("mean_dist_nash", "mean distance to the Nash point"),
        ("mean_dist_ks", "mean distance to the Kalai-Smorodinsky point"),
        ("mean_dist_max_welfare", "mean distance to the max-welfare point"),
    ):
        rows.append((label, summary.get(key)))
    warn = ""
    if done < total:
        warn = f"<p class='warn'>This run is unfinished: {done:,} of {total:,} rows. Continue it with --resume.</p>"
    note = (
        "<p>Utilities are each party's own (1 = its best outcome); without a deal a party gets its walk-away "
        "(reservation) value. Distances are Euclidean in utility space, as GENIUS reports them.</p>"
    )
    return section("Overview", warn, kv(rows), note, anchor="overview")


def _judgements(path: str, sha256: str) -> list[tuple[int, str, str]]:
    """(line, key, reason) of every comment marked ``judgement`` in the scenario file, if it is unchanged.

    The YAML parser drops comments, so they are read from the file itself, and only when its hash still
    matches the one recorded in the manifest (else the lines might not be the run's).
    """
    import hashlib
    import re

    f = Path(path)
    try:
        raw = f.read_bytes()
    except OSError:
        return []
    if hashlib.sha256(raw).hexdigest() != sha256:
        return []
    out = []
    for k, line in enumerate(raw.decode("utf-8-sig", errors="replace").splitlines(), start=1):
        code, sep, comment = line.partition("#")
        if not sep or "judgement" not in comment.lower():
            continue
        m = re.match(r"\s*-?\s*([A-Za-z_][\w-]*)\s*:", code)
        out.append((k, m.group(1) if m else "", comment.strip()))
    return out


def _assumptions(plan: Any, stored: dict[str, Any], summary: dict[str, Any]) -> str:
    """What the scenario assumes and where its facts come from; the model's base result next to history."""
    src = plan.sources[0]
    doc = src.doc
    if not doc:
        return ""
    parts = []
    if doc.get("description"):
        parts.append(f"<p>{esc(doc['description'])}</p>")
    hist = doc.get("history")
    if isinstance(hist, dict) and "outcome" in hist:
        recorded = hist["outcome"]
        recorded_text = "no agreement" if recorded == "no_agreement" else json.dumps(recorded)
        base = next((v for v in stored.get("variants") or [] if v.get("variant") == "base"), None)
        rate = base["agreement_rate"] if base else summary.get("agreement_rate")
        rows = [("recorded outcome", recorded_text)]
        if hist.get("note"):
            rows.append(("note", hist["note"]))
        if rate is not None:
            rows.append(("model (base scenario): agreement rate", f"{rate:.1%}"))
            agrees = (rate < 0.5) == (recorded == "no_agreement")
            verdict = (
                "the model's most likely result matches history"
                if agrees
                else "the model gets this case wrong: its most likely result is not what happened"
            )
            rows.append(("model against history", verdict))
        parts.append(kv(rows))
    srcs = doc.get("sources")
    if isinstance(srcs, dict) and srcs:
        parts.append("<h3>Sources</h3>")
        parts.append(table(["id", "source"], [(k, v) for k, v in srcs.items()]))
    marks = _judgements(src.path, src.sha256)
    if marks:
        parts.append(
            f"<h3>Judgements ({len(marks)})</h3><p>Numbers the sources do not fix, as marked in "
            f"<code>{esc(Path(src.path).name)}</code>, each with its reason:</p>"
        )
        parts.append(
            "<details><summary>show every judgement</summary>"
            + table(["line", "key", "comment"], marks)
            + "</details>"
        )
    if doc.get("notes"):
        parts.append(f"<h3>Notes</h3><pre>{esc(doc['notes'])}</pre>")
    return section("Assumptions and sources", *parts, anchor="assumptions") if parts else ""


def _uncertain(plan: Any, results: Any) -> str:
    """The uncertain inputs of every variant run: distribution, nominal value, what was drawn (over the
    runs that drew it) and, where variants differ, which variants drew it and which fixed or removed it."""
    from accord.experiments.worker import variant_doc

    src = plan.sources[0]
    if src.doc is None:
        return ""
    ran = list(plan.spec.get("variants") or ["base"])
    per = {v: {u.name: u for u in variant_doc(src, v)[1]} for v in ran}
    names = list(dict.fromkeys(n for v in ran for n in per[v]))
    if not names:
        return section(
            "Uncertain inputs",
            "<p>The scenario has no uncertain numbers: runs differ only by the strategies' own randomness.</p>",
            anchor="inputs",
        )
    vcol = _col(results, "variant", object) if "variant" in results.column_names else None
    rows = []
    for name in names:
        where = [v for v in ran if name in per[v]]
        u = per[where[0]][name]
        col = f"param.{name}"
        drawn = "–"
        if col in results.column_names and u.dist.numeric:
            x = _col(results, col)
            if vcol is not None:
                x = x[np.isin(vcol, where)]
            x = x[np.isfinite(x)]
            if x.size:
                drawn = f"{x.mean():.4g} [{x.min():.4g}, {x.max():.4g}]"
        dists = {per[v][name].dist.describe() for v in where}
        row = [name, "; ".join(sorted(dists)), u.dist.nominal(), drawn]
        if len(ran) > 1:
            others = [_fixed_in(src, v, name) for v in ran if v not in where]
            row.append("all" if not others else ", ".join(where) + "; " + "; ".join(others))
        rows.append(tuple(row))
    cols = ["parameter", "distribution", "nominal", "drawn: mean [min, max]"]
    return section(
        "Uncertain inputs",
        table([*cols, "drawn in variants"] if len(ran) > 1 else cols, rows),
        anchor="inputs",
    )


def _fixed_in(src: Any, variant: str, name: str) -> str:
    """How variant ``variant`` treats an input it does not draw: the number it fixes, or its removal."""
    from accord.experiments import params as P
    from accord.experiments.worker import variant_doc

    doc = variant_doc(src, variant)[0]
    try:
        value = P.get_path(doc, P.resolve_path(doc, name))
    except (InputError, KeyError, IndexError, TypeError):
        return f"{variant}: removed"
    return f"{variant}: fixed at {value}" if value is not None else f"{variant}: removed"


def _utility_space(out: _Out, plan: Any, results: Any, sample: tuple | None, seed: int) -> str:
    from accord.analysis.solutions import analyze

    parts = []
    labels = _col(results, "scenario", object)
    agree = _col(results, "agreement", bool)
    for s_idx, src in enumerate(plan.sources[:6]):
        sc, comp = _nominal(src)
        if comp.n_parties < 2:
            continue
        a = analyze(comp)
        U, pareto = comp.utilities[:2], a.pareto
        note = ""
        if U.shape[1] > MAX_POINTS:
            keep = np.sort(np.random.default_rng(seed).choice(U.shape[1], MAX_POINTS, replace=False))
            U = np.concatenate([U[:, keep], a.pareto_utilities[:2]], axis=1)
            pareto = np.arange(MAX_POINTS, U.shape[1])
            note = f"{MAX_POINTS:,} of {comp.space.size:,} outcomes shown (random, seed {seed})"
        sols = {k: (None if v is None else v[:2]) for k, v in a.solution_utilities().items()}
        sel = (labels == src.label) & agree
        pts = np.column_stack([_col(results, "utility_0")[sel], _col(results, "utility_1")[sel]])
        uniq, counts = np.unique(np.round(pts, 12), axis=0, return_counts=True) if len(pts) else (pts, None)
        traj = None
        if sample is not None and sample[0] == s_idx:
            tr = sample[2].trace
            offers = [k for k, act in enumerate(tr.action) if act == "offer"]
            traj = [(int(tr.party[k]), tr.utilities[k, :2]) for k in offers]
        fig = F.utility_space(
            U,
            list(sc.party_names),  # every proposer of the sample run is named (n parties: the first two axes)
            pareto,
            sols,
            comp.reservations[:2],
            uniq,
            counts,
            traj,
            title=f"Utility space: {sc.name}",
            note=note,
        )
        cap = (
            f"{esc(sc.name)}: every outcome (grey), the Pareto frontier, the Nash, Kalai-Smorodinsky and "
            f"max-welfare points, the walk-away values (dashed) and the {int(sel.sum()):,} deals reached"
        )
        if plan.sources[0].doc is not None:
            cap += " (outcomes and points at the nominal values of the uncertain numbers; each deal in its own run's utilities)"
        parts.append(out.fig(fig, f"utility_space_{s_idx}", cap + "."))
    return section("Utility space", *parts, anchor="space") if parts else ""


def _pick_sample(results: Any, wanted: int | None) -> int:
    if wanted is not None:
        return int(wanted)
    agree = _col(results, "agreement", bool)
    runs = _col(results, "run", np.int64)
    return int(runs[np.flatnonzero(agree)[0]]) if agree.any() else int(runs.min())


def _stage_starts(res: Any) -> list[tuple[str, int]]:
    st = getattr(res, "stages", None)
    return [(str(n), int(r)) for n, r in st] if st and isinstance(st[0], tuple) else []


def _why(plan: Any, run: int) -> str:
    """Why the sample run of staged talks ends as it does (accord.report.explain)."""
    from accord.report.explain import why_of_stored_run

    lines = why_of_stored_run(plan, run) if plan.kind != "tournament" else []
    if not lines:
        return ""
    return "<p>Why it ends so:</p><ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"


def _dance(out: _Out, sample: tuple) -> str:
    _src, sc, res, drawn, run = sample
    tr = res.trace
    offers = np.array([k for k, act in enumerate(tr.action) if act == "offer"], dtype=int)
    if offers.size == 0:
        return ""
    fig = F.dance(
        tr.round[offers],
        tr.party[offers],
        tr.utilities[offers],
        list(sc.party_names),
        res.end.replace("_", " "),
        _stage_starts(res),
    )
    shown = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in drawn.items())
    cap = f"Run {run} (seed {res.seed}): each offer's utility for every party, by round and proposer."
    if _stage_starts(res):
        cap += " Staged talks: the stages one after the other, each offer valued as that stage values it."
    if shown:
        cap += f" Values drawn: {esc(shown)}."
    return out.fig(fig, "dance", cap)


def _concession(out: _Out, run_dir: Path, plan: Any, results: Any, sample: tuple) -> str:
    from accord.experiments.runner import replay

    s_idx, sc = sample[0], sample[1]
    labels = _col(results, "scenario", object)
    runs = _col(results, "run", np.int64)
    same = labels == plan.sources[s_idx].label
    for i in range(sc.parties.__len__()):
        col = f"negotiator_{i}"
        if plan.kind == "tournament" and col in results.column_names:
            negs = _col(results, col, object)
            ref = negs[np.flatnonzero(runs == sample[4])[0]]
            same &= negs == ref
    chosen = sorted(runs[same].tolist())[:CONCESSION_RUNS]
    n = len(sc.parties)
    curves: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n)]
    for r in chosen:
        _sc, res, _d = replay(run_dir, int(r))
        tr = res.trace
        for p in range(n):
            k = np.array(
                [j for j, act in enumerate(tr.action) if act == "offer" and tr.party[j] == p], dtype=int
            )
            if k.size:
                curves[p].append((tr.time[k], tr.utilities[k, p]))
    fig = F.concession(curves, list(sc.party_names))
    return out.fig(
        fig,
        "concession",
        f"Each party's utility of its own offers over normalised time, {len(chosen)} runs replayed from their seeds.",
    )


def _distributions(out: _Out, results: Any, names: list[str]) -> str:
    agree = _col(results, "agreement", bool)
    utils = [_col(results, f"utility_{i}") for i in range(len(names))]
    parts = [
        out.fig(
            F.utility_distribution(utils, names, agree),
            "utility_distribution",
            "Utility of each party over the runs: deals and no-deals (where a party gets its walk-away value).",
        )
    ]
    outcome = results.column("outcome").to_pylist()
    end = results.column("end").to_pylist()
    walker = results.column("walked_away_by").to_pylist()
    labels = [_outcome_label(o, e, w, limit=10_000) for o, e, w in zip(outcome, end, walker, strict=True)]
    uniq, counts = np.unique(np.asarray(labels, dtype=object), return_counts=True)
    order = np.lexsort((uniq.astype(str), -counts))[:12]
    fig = F.outcome_frequencies([str(uniq[k]) for k in order], [int(counts[k]) for k in order], len(labels))
    parts.append(out.fig(fig, "outcome_frequencies", "The most frequent results, as shares of all runs."))
    return section("Outcome distributions", *parts, anchor="outcomes")


def _reproduce(manifest: dict[str, Any], run_dir: Path) -> str:
    v = manifest.get("versions", {})
    rows = [(k, v[k]) for k in sorted(v)]
    code = (
        f"from accord.experiments import reproduce, replay\n"
        f"reproduce({str(run_dir)!r}, 'runs/again')      # the whole run, same rows\n"
        f"scenario, result, drawn = replay({str(run_dir)!r}, 0)   # one run with its trace"
    )
    return section(
        "Reproduce",
        f"<p>Plan hash <code>{esc(manifest.get('plan_hash', ''))}</code>. The manifest holds the full plan "
        "(scenario documents, seeds, options).</p>",
        f"<pre>{esc(code)}</pre>",
        kv(rows),
        anchor="reproduce",
    )


def build_report(
    run_dir: str | Path, out: str | Path | None = None, *, seed: int = 0, sample_run: int | None = None
) -> Path:
    """Write ``index.html`` and the figures for ``run_dir`` into ``out`` (default ``RUN_DIR/report``)."""
    from accord.experiments.metrics import leaderboard
    from accord.experiments.metrics import summary as summarize_table
    from accord.experiments.runner import Plan, replay
    from accord.experiments.store import RunStore

    run_dir = Path(run_dir)
    store = RunStore(run_dir)
    manifest = store.read_manifest()
    plan = Plan(manifest["plan"])
    results = store.read("results")
    if results.num_rows == 0:
        raise InputError(
            str(run_dir), "results", "a run directory with at least one finished chunk of results"
        )
    folder = Path(out) if out is not None else run_dir / "report"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(folder), None, f"a writable report folder ({exc.strerror})") from None
    o = _Out(folder)
    stored = {}
    if (run_dir / "summary.json").exists():
        stored = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    summary = stored.get("summary") or summarize_table(results)
    total = sum(r for _, r in plan.tables if _ == "results")
    sc0, _ = _nominal(plan.sources[0])
    names = list(sc0.party_names)
    run = _pick_sample(results, sample_run)
    scn, res, drawn = replay(run_dir, run)
    s_idx = plan.jobs("results", run, run + 1)[0].source
    sample = (s_idx, scn, res, drawn, run)
    secs = [_overview(manifest, summary, results.num_rows, total, names, stored)]
    if plan.kind != "tournament":
        secs.append(_assumptions(plan, stored, summary))
    if stored.get("variants"):
        rows = [
            (
                v["variant"],
                v["runs"],
                v["agreement_rate"],
                f"{v['agreement_rate_ci95'][0]:.1%} – {v['agreement_rate_ci95'][1]:.1%}",
                *v["mean_utilities"].values(),
            )
            for v in stored["variants"]
        ]
        heads = ["variant", "runs", "agreement rate", "95% interval", *(f"mean utility, {n}" for n in names)]
        secs.append(
            section(
                "Variants", "<p>The same seeds in every variant.</p>", table(heads, rows), anchor="variants"
            )
        )
    if plan.kind != "tournament":
        secs.append(_uncertain(plan, results))
    secs.append(_utility_space(o, plan, results, (s_idx, scn, res), seed))
    secs.append(
        section(
            "A sample negotiation",
            _dance(o, sample),
            _why(plan, run),
            _concession(o, run_dir, plan, results, sample),
            anchor="dance",
        )
    )
    if plan.kind != "tournament":
        secs.append(_distributions(o, results, names))
    if plan.kind == "sweep":
        secs.append(S.sweep_section(o, plan, results))
    if plan.kind == "tournament":
        scoring = plan.spec.get("scoring", "utility")
        board = {
            "scoring": scoring,
            "leaderboard": stored.get("leaderboard") or leaderboard(results, scoring=scoring),
            "leaderboard_per_domain": stored.get("leaderboard_per_domain")
            or leaderboard(results, per_domain=True, scoring=scoring),
        }
        secs.append(S.tournament_section(o, results, board))
    if stored.get("sensitivity"):
        secs.append(S.sensitivity_section(o, stored["sensitivity"], names))
    secs.append(S.survival_section(o, results))
    secs.append(_reproduce(manifest, run_dir))
    secs = [s for s in secs if s]
    title = sc0.name if plan.kind != "tournament" else f"Tournament on {len(plan.sources)} scenario(s)"
    subtitle = (
        f"accord {esc(manifest['kind'])} · {summary['runs']:,} runs · {esc(manifest.get('created', ''))}"
    )
    toc = [
        (a, t)
        for a, t in (
            ("overview", "Overview"),
            ("assumptions", "Assumptions"),
            ("variants", "Variants"),
            ("inputs", "Inputs"),
            ("space", "Utility space"),
            ("dance", "Sample run"),
            ("outcomes", "Outcomes"),
            ("sweep", "Sweep"),
            ("tournament", "Tournament"),
            ("sensitivity", "Sensitivity"),
            ("implementation", "Implementation"),
            ("reproduce", "Reproduce"),
        )
        if any(f'id="{a}"' in s for s in secs)
    ]
    index = folder / "index.html"
    try:
        index.write_text(page(f"{title}", subtitle, secs, toc), encoding="utf-8")
    except OSError as exc:
        raise InputError(str(index), None, f"a writable report folder ({exc.strerror})") from None
    return index
