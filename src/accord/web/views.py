"""Plain-data views of scenarios, runs and games, shared by the JSON API and the pages.

Every number comes from ``accord.api`` (or the engine modules it fronts); this module only selects and
arranges it.
"""

from __future__ import annotations

from typing import Any

from accord import api
from accord.errors import InputError
from accord.model.scenario import Scenario
from accord.web.game import Game
from accord.web.library import Entry, Library


def scenario_info(lib: Library, ident: str) -> dict[str, Any]:
    """Description, issues, parties, sources, history of a scenario (the library card and page header);
    made once per file version (callers only read it)."""
    e, sc = lib.scenario(ident)
    return lib.cached(e, "info", lambda: _info(lib, e, sc))


def _info(lib: Library, e: Entry, sc: Scenario) -> dict[str, Any]:
    ts = lib.talks(e)
    return {
        "id": e.id,
        "name": sc.name,
        "description": sc.description,
        "format": sc.format,
        "outcomes": sc.space.size,
        "compiled": lib.too_large(sc) is None,  # False: beyond the server's limits, frontier only
        "issues": [
            {"name": i.name, "kind": i.kind, "values": [_plain(v) for v in i.values]} for i in sc.space.issues
        ],
        "parties": [
            {
                "name": p.name,
                "description": p.description,
                "strategy": p.strategy,
                "reservation": p.preferences.reservation,
                "constraints": [c.text for c in p.preferences.constraints],
            }
            for p in sc.parties
        ],
        "protocol": {"deadline": sc.protocol.deadline, "opener": sc.protocol.opener},
        "sources": dict(sc.sources),
        "history": {k: _plain(v) for k, v in sc.history.items()},
        "notes": sc.notes,
        "talks": ts is not None,
        "stages": [s.name for s in ts.stages] if ts is not None else [],
        "implementation": bool(ts is not None and ts.implementation is not None),
        "variants": lib.variants(e),
        "uploaded": e.uploaded,
    }


def _plain(v: Any) -> Any:
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if hasattr(v, "item"):
        return v.item()
    return str(v)


def outcome_index(sc: Scenario, outcome: dict[str, Any], field: str = "outcome") -> int:
    """The index of an outcome given as {issue: value} (every issue named)."""
    if not isinstance(outcome, dict):
        raise InputError(None, field, "a mapping {issue: value} naming every issue", outcome)
    return sc.space.index(outcome, field=field)


def run_one(
    lib: Library, ident: str, negotiators: list[str] | None, variant: str | None, steps: int | None, seed: int
) -> dict[str, Any]:
    """One negotiation: with chosen strategies (the single-track protocol) or the file's talks (a variant)."""
    e, sc, comp = lib.compiled(ident)
    talks = lib.talks(e)
    if variant is not None and (negotiators or steps is not None):
        raise InputError(
            None,
            "variant",
            "either a variant (the file's staged talks) or strategies and steps, not both",
            variant,
        )
    if variant is not None and talks is None:
        raise InputError(e.label, "variant", "a scenario with staged talks and variants", variant)
    if talks is not None and not negotiators and steps is None:
        ts = talks if variant in (None, "base") else api.load_talks(e.path, variant)
        b = api.talks_batch(ts, runs=1, seed=seed)
        summary = api.talks_summary(b)
        rows = api.talks_trace_rows(b, 0)
        idx = b.results[0].outcome_index if b.results[0].agreement else None
        return {
            "mode": "talks",
            "variant": variant or "base",
            "negotiators": None,
            "summary": summary,
            "trace": rows,
            "distances": api.outcome_distances(ts.scenario, idx),
        }
    specs = api.resolve_negotiators(sc, negotiators)
    res = api.run(sc, specs, steps=steps, seed=seed)
    return {
        "mode": "strategies",
        "variant": None,
        "negotiators": specs,
        "summary": res.summary(),
        "trace": api.trace_rows(sc, res),
        "distances": distances(lib, ident, comp, res.outcome_index),
    }


def game_view(lib: Library, game: Game) -> dict[str, Any]:
    """What the player sees: own values only while playing; everything, with the analysis, at the end."""
    s = game.session
    comp = s.compiled
    sc = comp.scenario
    me = s.human
    names = sc.party_names
    U = comp.utilities
    hist = []
    for k in range(len(s.log)):
        r, p, action, off, _t = s.log[k]
        hist.append(
            {
                "round": r,
                "party": names[p],
                "action": action,
                "outcome": sc.space.outcome(off) if off >= 0 else None,
                "value": float(U[me, off]) if off >= 0 else None,
            }
        )
    st = s.state.standing
    if s.result is not None:
        status = s.result.end
    elif game.failed:
        status = "error"
    else:
        status = "your_turn"
    out: dict[str, Any] = {
        "id": game.id,
        "scenario": game.scenario_id,
        "scenario_name": sc.name,
        "party": names[me],
        "opponents": game.opponents,
        "rounds": s.R,
        "round": s.state.round,
        "status": status,
        "error": game.failed,
        "reservation": float(comp.reservations[me]),
        "standing": None
        if st is None
        else {"outcome": sc.space.outcome(st), "value": float(U[me, st]), "by": names[s.state.proposer]},
        "can_accept": s.result is None and s.can_accept(),
        "history": hist,
        "result": None,
    }
    if s.result is not None:
        if game.summary is None:
            game.summary = end_analysis(lib, game)
        out["result"] = game.summary
    return out


def end_analysis(lib: Library, game: Game) -> dict[str, Any]:
    """The result of a finished game with its analysis (distances to the frontier, Nash, KS; all utilities)."""
    s = game.session
    res = s.result
    assert res is not None
    sc = s.compiled.scenario
    a = lib.analysis(game.scenario_id, 0, 0)  # the solutions; no frontier page
    e = lib.get(game.scenario_id)
    ts = lib.talks(e)
    return {
        **res.summary(),
        "outcome_index": res.outcome_index,
        "distances": distances(lib, game.scenario_id, s.compiled, res.outcome_index),
        "solutions": {k: a.get(k) for k in ("nash", "kalai_smorodinsky", "max_welfare")},
        "reservations": a["reservations"],
        "trace": api.trace_rows(sc, res),
        "implementation_available": bool(res.agreement and ts is not None and ts.implementation is not None),
    }


def distances(lib: Library, ident: str, comp: Any, outcome_index: int | None) -> dict[str, Any]:
    """``accord.api.outcome_distances`` on the library's cached analysis (one analysis per scenario)."""
    if outcome_index is None:
        return {}
    from accord.analysis.solutions import distances as _distances

    d = _distances(comp, int(outcome_index), lib.frontier(ident))
    d.pop("utilities", None)
    return d


def entry_label(e: Entry) -> str:
    return e.label or e.id
