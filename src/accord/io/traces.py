"""Traces and results in the column conventions of GENIUS, GeniusWeb/ANL and NegMAS.

So that analysis scripts written for those tools read accord's output (formats.md §3.3):

- GENIUS session CSV (``genius.core.logging.FileLogger``): no header; one line per action
  ``round,turn,time,party,action`` with the action as GENIUS prints it, ``(Offer  bid:Bid[a: x, b: y])``,
  ``(Accept  bid:Bid[...])`` or ``(EndNegotiation)``, then a closing line ``agreement,<bid>,u1,u2,...``
  or ``ended-no-agreement``. Rounds and turns count from 1; time is the normalised time in [0, 1].
- GENIUS tournament ``log.csv``: first line ``sep=;``, then the header of ``genius.gui.progress.DataKey``
  (``Run time (s);Round;Exception;deadline;Agreement;Discounted;#agreeing;min.util.;max.util.;
  Dist. to Pareto;Dist. to Nash;Social Welfare;Agent 1;...;Utility 1;...;Disc. Util. 1;...;
  Perceived. Util. 1;...;Profile 1;...``) and one row per session, with GENIUS's value formats
  (``Yes``/``No``, ``100rounds``, five decimals for the derived figures, full precision for utilities).
- GeniusWeb / ANL session JSON (the ``SAOPState`` the ANL runner saves): ``actions`` as
  ``{"Offer": {"actor", "bid": {"issuevalues"}, "utilities"}}`` / ``{"Accept": ...}`` /
  ``{"EndNegotiation": {"actor"}}``, plus ``connections``, ``partyprofiles`` and ``progress``; and the
  ANL summary row (``num_offers, agent_i, utility_i, profile_i, nash_product, social_welfare, result``).
- NegMAS ``extended_trace``: ``(step, negotiator, offer)`` tuples (offers only), the offer as a tuple of
  issue values; written as CSV with columns ``step,negotiator,offer``.

Where accord's model differs: a session without agreement scores each party its reservation value
(GENIUS does the same; the ANL runner writes 0, which equals the reservation value in its domains);
distances are Euclidean in undiscounted utility space, to the Pareto frontier and to the Nash point of
:func:`accord.analysis.solutions.analyze`; "Perceived. Util." equals the utility (no preference
uncertainty). Writers take a :class:`~accord.protocols.alternating.Result` and the outcome space.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from accord.model.scenario import CompiledScenario
    from accord.model.space import OutcomeSpace
    from accord.protocols.alternating import Result

__all__ = [
    "write_trace_table",
    "genius_bid",
    "genius_session_lines",
    "write_genius_session_csv",
    "GENIUS_LOG_KEYS",
    "genius_log_header",
    "genius_log_row",
    "write_genius_log",
    "geniusweb_session",
    "anl_summary",
    "write_geniusweb_session",
    "negmas_extended_trace",
    "write_negmas_trace",
]


def write_trace_table(
    path: str | Path,
    document: dict[str, Any],
    keys: Sequence[str],
    issues: Sequence[str],
    parties: Sequence[str],
) -> Path:
    """Write accord's own trace, ``document["trace"]`` (one dict per action), as JSON (``.json``: the whole
    document) or CSV (``.csv``: the columns ``keys``, then ``offer``, the issues and ``u_<party>``)."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() == ".json":
            p.write_text(json.dumps(document, indent=2, default=str))
        elif p.suffix.lower() == ".csv":
            with p.open("w", newline="") as f:
                w = csv.writer(f)
                w.writerow([*keys, "offer", *issues, *[f"u_{n}" for n in parties]])
                for r in document["trace"]:
                    oc = r["outcome"] or {}
                    us = r["utilities"]
                    w.writerow(
                        [r[k] for k in keys]
                        + ["" if r["offer"] is None else r["offer"]]
                        + [oc.get(i, "") for i in issues]
                        + ["" if us[n] is None else repr(us[n]) for n in parties]
                    )
        else:
            raise InputError(str(p), None, "a trace file name ending in .csv or .json")
    except OSError as exc:
        raise InputError(str(p), None, f"a writable path ({exc.strerror})") from None
    return p


def _write(path: str | Path, text: str) -> Path:
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(p), None, f"a writable output file ({exc.strerror})") from None
    return p


def _values(space: OutcomeSpace, index: int) -> list[tuple[str, object]]:
    return list(space.outcome(int(index)).items())


def genius_bid(space: OutcomeSpace, index: int) -> str:
    """``Bid[issue: value, ...]`` as GENIUS's ``Bid.toString`` prints it."""
    return "Bid[" + ", ".join(f"{k}: {v}" for k, v in _values(space, index)) + "]"


def genius_session_lines(result: Result, space: OutcomeSpace) -> list[str]:
    """The lines of a GENIUS session log for ``result`` (no header, comma-separated)."""
    tr = result.trace
    lines = []
    turn, last_round = 0, -1
    for k in range(len(tr)):
        r = int(tr.round[k])
        turn = turn + 1 if r == last_round else 1
        last_round = r
        party = tr.party_names[int(tr.party[k])]
        act = tr.action[k]
        if act == "offer":
            text = f"(Offer  bid:{genius_bid(space, int(tr.offer[k]))})"
        elif act == "accept":
            text = f"(Accept  bid:{genius_bid(space, int(tr.offer[k]))})"
        else:
            text = "(EndNegotiation)"
        lines.append(f"{r + 1},{turn},{float(tr.time[k])!r},{party},{text}")
    if result.agreement and result.outcome_index is not None:
        us = ",".join(repr(float(result.utilities[n])) for n in tr.party_names)
        lines.append(f"agreement,{genius_bid(space, result.outcome_index)},{us}")
    else:
        lines.append("ended-no-agreement")
    return lines


def write_genius_session_csv(result: Result, space: OutcomeSpace, path: str | Path) -> Path:
    return _write(path, "\n".join(genius_session_lines(result, space)) + "\n")


GENIUS_LOG_KEYS = (
    "Run time (s)",
    "Round",
    "Exception",
    "deadline",
    "Agreement",
    "Discounted",
    "#agreeing",
    "min.util.",
    "max.util.",
    "Dist. to Pareto",
    "Dist. to Nash",
    "Social Welfare",
)
_MULTI = ("Agent", "Utility", "Disc. Util.", "Perceived. Util.")


def genius_log_header(n_parties: int) -> list[str]:
    cols = list(GENIUS_LOG_KEYS)
    for key in _MULTI:
        cols += [f"{key} {i}" for i in range(1, n_parties + 1)]
    return cols + [f"Profile {i}" for i in range(1, n_parties + 1)]


def genius_log_row(
    result: Result,
    compiled: CompiledScenario,
    deadline: int,
    *,
    agents: Sequence[str] | None = None,
    runtime: float = 0.0,
    analysis: object | None = None,
) -> list[str]:
    """One ``log.csv`` row. ``agents`` names the strategies (default: the party names)."""
    from accord.analysis.solutions import analyze

    names = compiled.scenario.party_names
    n = len(names)
    an = analysis if analysis is not None else analyze(compiled)
    u = np.array([result.utilities[p] for p in names], dtype=np.float64)
    du = np.array([result.discounted_utilities[p] for p in names], dtype=np.float64)
    F = an.pareto_utilities  # type: ignore[attr-defined]
    d_pareto = float(np.sqrt(((F - u[:, None]) ** 2).sum(axis=0)).min()) if F.shape[1] else math.nan
    nash = an.nash  # type: ignore[attr-defined]
    d_nash = float(np.sqrt(((compiled.utilities[:, nash] - u) ** 2).sum())) if nash is not None else math.nan
    discounted = bool((compiled.discounts != 1.0).any())
    row = [
        f"{runtime:.3f}",
        str(result.rounds),
        "",
        f"{deadline}rounds",
        "Yes" if result.agreement else "No",
        "Yes" if discounted else "No",
        str(n if result.agreement else 0),
        f"{du.min():.5f}",
        f"{du.max():.5f}",
        f"{d_pareto:.5f}",
        f"{d_nash:.5f}",
        f"{u.sum():.5f}",
    ]
    row += list(agents) if agents is not None else list(names)
    row += [repr(float(x)) for x in u] + [repr(float(x)) for x in du] + [repr(float(x)) for x in u]
    return row + list(names)


def write_genius_log(rows: Sequence[Sequence[str]], n_parties: int, path: str | Path) -> Path:
    """A GENIUS tournament ``log.csv``: ``sep=;``, the header, then ``rows``."""
    buf = io.StringIO()
    buf.write("sep=;\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(genius_log_header(n_parties))
    for r in rows:
        w.writerow(r)
    return _write(path, buf.getvalue())


def _issuevalues(space: OutcomeSpace, index: int) -> dict[str, object]:
    return {k: v for k, v in _values(space, index)}


def geniusweb_session(
    result: Result,
    space: OutcomeSpace,
    deadline: int,
    *,
    agents: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The session state as the ANL runner saves it (actions carry every party's utility)."""
    tr = result.trace
    names = tr.party_names
    actions: list[dict[str, Any]] = []
    for k in range(len(tr)):
        actor = names[int(tr.party[k])]
        act = tr.action[k]
        if act == "walk":
            actions.append({"EndNegotiation": {"actor": actor}})
            continue
        utilities = {n: float(tr.utilities[k, j]) for j, n in enumerate(names)}
        body = {
            "actor": actor,
            "bid": {"issuevalues": _issuevalues(space, int(tr.offer[k]))},
            "utilities": utilities,
        }
        actions.append({"Offer" if act == "offer" else "Accept": body})
    strategies = list(agents) if agents is not None else list(names)
    agreements = {}
    if result.agreement and result.outcome_index is not None:
        bid = {"issuevalues": _issuevalues(space, result.outcome_index)}
        agreements = {n: bid for n in names}
    return {
        "actions": actions,
        "connections": list(names),
        "partyprofiles": {
            n: {"party": {"partyref": f"accord:{s}", "parameters": {}}, "profile": f"accord:{n}"}
            for n, s in zip(names, strategies, strict=True)
        },
        "progress": {"ProgressRounds": {"duration": int(deadline), "currentRound": int(result.rounds)}},
        "agreements": agreements,
    }


def anl_summary(result: Result, *, agents: Sequence[str] | None = None) -> dict[str, Any]:
    """The ANL runner's per-session summary row (``result`` is ``agreement`` or ``failed``)."""
    names = result.trace.party_names
    strategies = list(agents) if agents is not None else list(names)
    acts = result.trace.action
    out: dict[str, Any] = {"num_offers": sum(1 for a in acts if a in ("offer", "accept"))}
    us = [float(result.utilities[n]) for n in names]
    for i, (n, s, u) in enumerate(zip(names, strategies, us, strict=True), start=1):
        out[f"agent_{i}"] = s
        out[f"utility_{i}"] = u
        out[f"profile_{i}"] = n
    out["nash_product"] = math.prod(us)
    out["social_welfare"] = sum(us)
    out["result"] = "agreement" if result.agreement else "failed"
    return out


def write_geniusweb_session(
    result: Result,
    space: OutcomeSpace,
    deadline: int,
    path: str | Path,
    *,
    agents: Sequence[str] | None = None,
) -> Path:
    data = geniusweb_session(result, space, deadline, agents=agents)
    return _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def negmas_extended_trace(result: Result, space: OutcomeSpace) -> list[tuple[int, str, tuple[object, ...]]]:
    """NegMAS's ``extended_trace``: one ``(step, negotiator, offer)`` per offer; step = round (from 0)."""
    tr = result.trace
    out = []
    for k in range(len(tr)):
        if tr.action[k] != "offer":
            continue
        values = tuple(v for _, v in _values(space, int(tr.offer[k])))
        out.append((int(tr.round[k]), tr.party_names[int(tr.party[k])], values))
    return out


def write_negmas_trace(result: Result, space: OutcomeSpace, path: str | Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["step", "negotiator", "offer"])
    for step, who, offer in negmas_extended_trace(result, space):
        w.writerow([step, who, repr(offer)])
    return _write(path, buf.getvalue())
