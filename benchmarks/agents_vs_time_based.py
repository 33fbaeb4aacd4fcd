"""Agreement rate, own utility and rounds of every built-in agent against Boulware and Conceder.

Four shared GENIUS domains (two with reservation values), both roles, six seeds, 100 rounds:
``PYTHONPATH=src python benchmarks/agents_vs_time_based.py [--json]``. Used for issue 18 (agents that
refused a good last offer; IAMhaggler's and AgentLG's concession) to compare before and after.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DATA = Path("/work/shared/data/genius")
DOMAINS = {
    "Grocery(50/100)": ("Grocery", ["Grocery_domain_mary50", "Grocery_domain_sam100"]),
    "Itex(50/100)": ("ItexvsCypress", ["ItexvsCypress_Itex50", "ItexvsCypress_Cypress100"]),
    "Camera": ("Camera", ["camera_buyer_utility", "camera_seller_utility"]),
    "EnglandZimbabwe": ("EnglandZimbabwe", ["England", "Zimbabwe"]),
}
AGENTS = [
    "agentk",
    "agentlg",
    "atlas3",
    "bayesian_tit_for_tat",
    "caduceus",
    "cuhk_agent",
    "gahboninho",
    "hardheaded",
    "iamhaggler",
    "micro",
    "nice_tit_for_tat",
    "pars_agent",
    "aspiration",
    "tit_for_tat",
    "random",
]
OPPONENTS = ["boulware", "conceder"]


def measure(data: Path, seeds: int, steps: int) -> list[dict]:
    from accord import api

    scenarios = {k: api.load(data / f, p) for k, (f, p) in DOMAINS.items()}
    rows = []
    for agent in AGENTS:
        for opp in OPPONENTS:
            deals, utils, rounds, t0 = 0, [], [], time.perf_counter()
            for sc in scenarios.values():
                for side in (0, 1):
                    pair = [agent, opp] if side == 0 else [opp, agent]
                    for s in range(seeds):
                        r = api.run(sc, pair, steps=steps, seed=s)
                        deals += bool(r.agreement)
                        utils.append(r.utilities[sc.party_names[side]])
                        rounds.append(r.rounds)
            n = len(utils)
            rows.append(
                {
                    "agent": agent,
                    "opponent": opp,
                    "n": n,
                    "agreement": deals / n,
                    "utility": sum(utils) / n,
                    "rounds": sum(rounds) / n,
                    "seconds": time.perf_counter() - t0,
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = measure(a.data, a.seeds, a.steps)
    if a.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'agent':22} {'opponent':9} {'agree':>6} {'utility':>8} {'rounds':>7}")
    for r in rows:
        print(
            f"{r['agent']:22} {r['opponent']:9} {r['agreement']:6.2f} {r['utility']:8.3f} {r['rounds']:7.1f}"
        )


if __name__ == "__main__":
    main()
