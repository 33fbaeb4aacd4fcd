"""NegMAS 0.16 side of nash_compare.py. Runs ONLY in benchmarks/.negmas-venv (NegMAS is AGPL).

accord never imports this module or NegMAS. Reads one JSON request per line on stdin,
{"domain": path, "profiles": [path, path]}, and answers one JSON line: NegMAS's Pareto frontier
(``pareto_frontier``, its own order: welfare descending), every point ``nash_points`` returns (within its
eps of the best product, first = the one a caller taking ``[0]`` gets), the reserved values and the
utility ranges (``minmax``) that ``nash_points`` uses for its disagreement point. Discounting is ignored,
as accord's analysis does; reserved values are kept.
"""

from __future__ import annotations

import json
import sys
import traceback


def _load(domain: str, profiles: list[str]):
    from negmas.inout import load_genius_domain, load_geniusweb_domain

    if domain.endswith(".json"):
        return load_geniusweb_domain(domain, profiles, ignore_discount=True)
    return load_genius_domain(domain, profiles, ignore_discount=True)


def genius_scaled(ufun, os):
    """The same profile on GENIUS's scale: each discrete issue's evaluations divided by their maximum
    (GENIUS's EvaluatorDiscrete), the weighted sum capped at 1 (GENIUS's reader); NegMAS 0.16 keeps the
    raw evaluations. Integer/real issues (affine evaluators, already on GENIUS's scale) are kept."""
    from negmas.preferences import LinearAdditiveUtilityFunction, MappingUtilityFunction
    from negmas.preferences.value_fun import TableFun

    values = []
    for issue, f in zip(os.issues, ufun.values, strict=True):
        if isinstance(f, TableFun):
            table = {v: float(f(v)) for v in issue.all}
            top = max(table.values())
            values.append(TableFun({v: (x / top if top > 0 else x) for v, x in table.items()}))
        else:
            values.append(f)
    lin = LinearAdditiveUtilityFunction(
        values=values, weights=list(ufun.weights), outcome_space=os, reserved_value=ufun.reserved_value
    )
    if sum(ufun.weights) <= 1.0:
        return lin
    return MappingUtilityFunction(
        mapping={o: min(1.0, float(lin(o))) for o in os.enumerate()},
        outcome_space=os,
        reserved_value=ufun.reserved_value,
    )


def analyse(domain: str, profiles: list[str], scale: str = "raw") -> dict:
    from negmas.preferences.ops import nash_points, pareto_frontier

    s = _load(domain, profiles)
    ufuns = list(s.ufuns)
    if scale == "genius" and not domain.endswith(".json"):  # GeniusWeb profiles are not rescaled
        ufuns = [genius_scaled(u, s.outcome_space) for u in ufuns]
    issues = list(s.outcome_space.issues)
    names = [i.name for i in issues]
    fu, fi = pareto_frontier(ufuns, issues=issues)
    outcomes = list(s.outcome_space.enumerate_or_sample())
    nash = nash_points(ufuns, fu, outcome_space=s.outcome_space)

    def outcome(k: int) -> dict:
        return {n: str(v) for n, v in zip(names, outcomes[int(k)], strict=True)}

    ranges = [list(map(float, u.minmax(s.outcome_space, above_reserve=False))) for u in ufuns]
    # nash_points again with ranges starting at each reserved value: its disagreement point is then r
    # (its rule keeps r when r >= the range's lower end), the definition accord uses.
    at_r = [(float(u.reserved_value), hi) for u, (_, hi) in zip(ufuns, ranges, strict=True)]
    nash_r = nash_points(ufuns, fu, ranges=at_r) if fu else ()
    return {
        "issues": names,
        "n_outcomes": len(outcomes),
        "reserved": [None if u.reserved_value is None else float(u.reserved_value) for u in ufuns],
        "ranges": ranges,
        "pareto": [
            {"outcome": outcome(k), "utilities": [float(x) for x in p]} for p, k in zip(fu, fi, strict=True)
        ],
        "nash": [
            {"outcome": outcome(fi[j]), "utilities": [float(x) for x in p], "frontier_position": int(j)}
            for p, j in nash
        ],
        "nash_with_d_equal_r": [
            {"outcome": outcome(fi[j]), "utilities": [float(x) for x in p], "frontier_position": int(j)}
            for p, j in nash_r
        ],
    }


def main() -> None:
    import negmas

    sys.stdout.write(json.dumps({"negmas": negmas.__version__}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            out = analyse(req["domain"], req["profiles"], req.get("scale", "raw"))
        except Exception as e:  # a domain NegMAS cannot load is a result, not a crash
            out = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
