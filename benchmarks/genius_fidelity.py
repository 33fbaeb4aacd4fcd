"""accord's agents against the GENIUS 10.4 originals, side by side (issue 15).

The GENIUS side is the committed reference (tests/reference/genius/anac.json and timedep.json, made by
validation/genius/make_reference.py with GENIUS itself); the accord side is run fresh here through
``accord.api.run`` on the same cells: same folder, profiles (agent = first profile, opens), opponent
(accord's boulware/conceder for GENIUS's TimeDependentAgentBoulware/Conceder, e = 0.2 / 2), deadline in
rounds and seeds. No Java needed.

    python benchmarks/genius_fidelity.py [--json] [--agents agentk,atlas3]

Prints, per agent and opponent, {agent, opponent, cells, genius: {agreement, utility, opponent_utility,
rounds}, accord: {...}, diff: {...}}: agreement rate, the agent's mean (undiscounted) utility, the
opponent's, and the mean round at which the session ended. A session without agreement scores each side's
reservation value, as GENIUS does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference" / "genius"
TOLERANCE = 0.05


def data_dir() -> Path:
    env = os.environ.get("ACCORD_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if (cand / "data" / "genius").is_dir():
            return cand / "data" / "genius"
    raise SystemExit("shared/data/genius not found: set ACCORD_SHARED")


@cache
def scenario(folder: str):
    from accord.io.folder import load_folder

    meta = json.loads((REF / "meta.json").read_text())
    _, pa, pb = meta["session_domains"][folder]
    return load_folder(data_dir() / folder, parties=[pa.removesuffix(".xml"), pb.removesuffix(".xml")])


def genius_time_dependent(e: float):
    """GENIUS's TimeDependentAgent rebuilt on accord's schedule, for the harness only (never in accord).

    Two conventions differ from accord's boulware/conceder (read in GENIUS's TimeDependentAgent,
    DiscreteTimeline and SortedOutcomeSpace): the clock is t = r / (R + 1) for round r = 1..R, and the
    offer is the outcome whose utility is nearest p(t), above or below (accord: at or above).
    Acceptance as GENIUS's: the opponent's offer is worth at least the planned offer.
    """
    import numpy as np

    from accord.strategies.base import ACCEPT, REJECT
    from accord.strategies.time_based import TimeBased

    class GeniusTimeDependent(TimeBased):
        def setup(self, ctx) -> None:
            super().setup(ctx)
            self.sorted = np.argsort(ctx.utility, kind="stable")
            self.sorted_u = ctx.utility[self.sorted]

        def planned(self, state) -> int:
            target = self.target((state.round + 1) / (self.ctx.deadline + 1))
            k = int(np.searchsorted(self.sorted_u, target))
            near = [j for j in (k - 1, k) if 0 <= j < len(self.sorted_u)]
            best = min(near, key=lambda j: (abs(self.sorted_u[j] - target), -j))
            return int(self.sorted[best])

        def propose(self, state) -> int:
            return self.planned(state)

        def respond(self, state, offer: int) -> str:
            mine = self.ctx.utility[self.planned(state)]
            return ACCEPT if self.ctx.utility[offer] >= mine else REJECT

    return GeniusTimeDependent(e)


def on_genius_clock(negotiator):
    """``negotiator`` fed GENIUS's round clock t = (r + 1) / (R + 1) instead of accord's r / (R - 1).

    For the harness only (never in accord): GENIUS's DiscreteTimeline gives round r = 1..R the time
    r / (R + 1), so a rule for t > 0.9985 never fires in a 100-round GENIUS session, while accord's clock
    reaches t = 1 in the last round. Fed GENIUS's clock, accord's agent meets its end-game thresholds
    exactly where the original does; everything else (rounds, the protocol, the last-mover rule) is
    accord's.
    """
    import dataclasses

    from accord.strategies.base import Negotiator

    class GeniusClock(Negotiator):
        info = negotiator.info

        def __init__(self, inner) -> None:
            self.inner = inner

        def setup(self, ctx) -> None:
            super().setup(ctx)
            self.inner.setup(ctx)

        def _state(self, state):
            return dataclasses.replace(state, time=(state.round + 1) / (self.ctx.deadline + 1))

        def propose(self, state):
            return self.inner.propose(self._state(state))

        def respond(self, state, offer):
            return self.inner.respond(self._state(state), offer)

    return GeniusClock(negotiator)


E = {"boulware": 0.2, "conceder": 2.0}


def accord_cell(
    agent: str,
    opponent: str,
    folder: str,
    rounds: int,
    seed: int,
    genius_opponent: bool = False,
    genius_clock: bool = False,
) -> dict:
    from accord import api
    from accord.api import negotiator_for

    sc = scenario(folder)
    if genius_opponent or genius_clock:
        mine = negotiator_for(agent)
        if genius_clock:
            mine = on_genius_clock(mine)
        other = genius_time_dependent(E[opponent]) if genius_opponent else negotiator_for(opponent)
        r = api.run(sc, [mine, other], steps=rounds, seed=seed)
    else:
        r = api.run(sc, [agent, opponent], steps=rounds, seed=seed)
    u = list(r.utilities.values())
    return {"agreement": bool(r.agreement), "utility": u, "rounds": int(r.rounds)}


def genius_cell(s: dict) -> dict:
    return {"agreement": s["end"] == "agreement", "utility": s["utility"], "rounds": int(s["end_round"])}


def summary(cells: list[dict]) -> dict:
    n = len(cells)
    return {
        "agreement": sum(c["agreement"] for c in cells) / n,
        "utility": sum(c["utility"][0] for c in cells) / n,
        "opponent_utility": sum(c["utility"][1] for c in cells) / n,
        "rounds": sum(c["rounds"] for c in cells) / n,
    }


def compare(
    agents: list[str] | None = None,
    reference: Path = REF / "anac.json",
    genius_opponent: bool = False,
    genius_clock: bool = False,
) -> list[dict]:
    """One row per (agent, opponent) of the committed reference, with accord's figures on the same cells."""
    rows = json.loads(reference.read_text())
    groups: dict[tuple[str, str], list[dict]] = {}
    for s in rows:
        if s["end"] == "error" or (agents and s["agent"] not in agents):
            continue
        groups.setdefault((s["agent"], s["opponent"]), []).append(s)
    out = []
    for (agent, opp), cells in groups.items():
        g = summary([genius_cell(s) for s in cells])
        t0 = time.perf_counter()
        a = summary(
            [
                accord_cell(agent, opp, s["folder"], s["rounds"], s["seed"], genius_opponent, genius_clock)
                for s in cells
            ]
        )
        secs = time.perf_counter() - t0
        diff = {k: round(a[k] - g[k], 4) for k in g}
        out.append(
            {
                "agent": agent,
                "opponent": opp,
                "cells": len(cells),
                "domains": len({s["folder"] for s in cells}),
                "genius": {k: round(v, 4) for k, v in g.items()},
                "accord": {k: round(v, 4) for k, v in a.items()},
                "diff": diff,
                "match": abs(diff["agreement"]) <= TOLERANCE and abs(diff["utility"]) <= TOLERANCE,
                "accord_seconds": round(secs, 3),
                "genius_seconds": round(sum(s["java_seconds"] for s in cells), 3),
            }
        )
    return out


def time_dependent() -> list[dict]:
    """accord's boulware/conceder against GENIUS's on the committed deterministic sessions."""
    name = {"agents.TimeDependentAgentBoulware": "boulware", "agents.TimeDependentAgentConceder": "conceder"}
    groups: dict[tuple[str, str], list[tuple[dict, dict]]] = {}
    for s in json.loads((REF / "timedep.json").read_text()):
        a, b = (name[x] for x in s["agents"])
        groups.setdefault((a, b), []).append(
            (genius_cell(s), accord_cell(a, b, s["folder"], s["rounds"], s["seed"]))
        )
    out = []
    for (a, b), pairs in groups.items():
        g, c = summary([p[0] for p in pairs]), summary([p[1] for p in pairs])
        out.append(
            {
                "agent": a,
                "opponent": b,
                "cells": len(pairs),
                "genius": {k: round(v, 4) for k, v in g.items()},
                "accord": {k: round(v, 4) for k, v in c.items()},
                "same_agreement_outcome": sum(p[0]["utility"] == p[1]["utility"] for p in pairs),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the rows as one JSON list")
    ap.add_argument("--agents", help="comma-separated accord agent names (default: all in the reference)")
    ap.add_argument("--time-dependent", action="store_true", help="compare boulware/conceder instead")
    ap.add_argument("--reference", default=str(REF / "anac.json"), help="GENIUS sessions (anac.json)")
    ap.add_argument(
        "--genius-opponents",
        action="store_true",
        help="accord's agents meet GENIUS's time-dependent rules (clock and nearest bid) instead of accord's",
    )
    ap.add_argument(
        "--genius-clock",
        action="store_true",
        help="accord's agents see GENIUS's round clock t = (r+1)/(R+1) (harness only; see on_genius_clock)",
    )
    ap.add_argument("--markdown", action="store_true", help="print the rows as a Markdown table")
    args = ap.parse_args()
    agents = args.agents.split(",") if args.agents else None
    rows = (
        time_dependent()
        if args.time_dependent
        else compare(agents, Path(args.reference), args.genius_opponents, args.genius_clock)
    )
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    header = [
        "agent",
        "opponent",
        "cells",
        "agreement G / A",
        "utility G / A",
        "opp. utility G / A",
        "rounds G / A",
    ]
    fmt = {"agreement": ".2f", "utility": ".3f", "opponent_utility": ".3f", "rounds": ".1f"}
    table = [
        [r["agent"], r["opponent"], str(r["cells"])]
        + [f"{r['genius'][k]:{f}} / {r['accord'][k]:{f}}" for k, f in fmt.items()]
        for r in rows
    ]
    if args.markdown:
        for line in [header, ["---"] * len(header), *table]:
            print("| " + " | ".join(line) + " |")
        return
    for line in [header, *table]:
        print("  ".join(c.ljust(18 if k > 2 else 11) for k, c in enumerate(line)))


if __name__ == "__main__":
    main()
