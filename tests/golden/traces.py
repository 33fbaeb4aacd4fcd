"""Golden traces: every built-in strategy against every other on three GENIUS domains, offers and utilities.

As OpenSpiel keeps its playthroughs: a committed record of what each pair does, so any change of behaviour
shows as a diff in review. ``test_golden.py`` replays every pair and compares; after an intended change,
regenerate with ``PYTHONPATH=src python tests/golden/traces.py`` and commit the diff with the reason.

Each domain's file holds, per pair ``"a|b"`` (a plays the first profile, b the second): the end, the agreed
outcome index, the rounds, both parties' final utilities (exact, as JSON floats round-trip) and the trace,
one ``[round, party, action, offer, u_0, u_1]`` row per action (utilities of the offer rounded to 9 digits
for reading; ``null`` where an action carries no offer).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: (file stem, folder under shared/data/genius, the two profiles' file names)
DOMAINS = (
    ("laptop", "Laptop", ("laptop_buyer_utility.xml", "laptop_seller_utility.xml")),
    ("grocery", "Grocery", ("Grocery_domain_sam.xml", "Grocery_domain_mary.xml")),
    ("camera", "Camera", ("camera_buyer_utility.xml", "camera_seller_utility.xml")),
)
DEADLINE = 12
SEED = 0


def shared() -> Path:
    return Path(os.environ.get("ACCORD_SHARED", "/work/shared"))


def strategies() -> list[str]:
    """The built-in strategies (a user's class registered in the same process, e.g. the README's, is not)."""
    from accord.strategies import base, catalog

    names = catalog.available()
    return sorted(n for n in names if base._CLASSES[n].__module__.startswith("accord."))


def scenario(folder: str, profiles: tuple[str, str]) -> Any:
    from accord import api

    return api.load(shared() / "data" / "genius" / folder, parties=[p.rsplit(".", 1)[0] for p in profiles])


def record(result: Any) -> dict[str, Any]:
    """The golden record of one negotiation."""
    tr = result.trace
    rows = []
    for k in range(len(tr)):
        o = int(tr.offer[k])
        us = [None if o < 0 else round(float(u), 9) for u in tr.utilities[k]]
        rows.append([int(tr.round[k]), int(tr.party[k]), tr.action[k], o if o >= 0 else None, *us])
    return {
        "end": result.end,
        "agreement": result.outcome_index,
        "rounds": result.rounds,
        "utilities": list(result.utilities.values()),
        "trace": rows,
    }


def play(sc: Any, a: str, b: str) -> dict[str, Any]:
    from accord import api

    return record(api.run(sc, [a, b], steps=DEADLINE, seed=SEED))


def regenerate() -> None:
    names = strategies()
    for stem, folder, profiles in DOMAINS:
        sc = scenario(folder, profiles)
        pairs = {f"{a}|{b}": play(sc, a, b) for a in names for b in names}
        head = {
            "domain": folder,
            "profiles": list(profiles),
            "deadline": DEADLINE,
            "seed": SEED,
            "strategies": names,
        }
        (HERE / f"{stem}.json").write_text(dumps(head, pairs))


def dumps(head: dict[str, Any], pairs: dict[str, dict[str, Any]]) -> str:
    """JSON with one line per trace row, so a changed move is a one-line diff."""
    j = lambda x: json.dumps(x, separators=(",", ":"))  # noqa: E731
    out = ["{" + ",".join(f"{j(k)}:{j(v)}" for k, v in head.items()) + ',"pairs":{']
    for n, (key, rec) in enumerate(pairs.items()):
        fields = ",".join(f"{j(k)}:{j(v)}" for k, v in rec.items() if k != "trace")
        rows = ",\n  ".join(j(r) for r in rec["trace"])
        end = "}" if n == len(pairs) - 1 else "},"
        out.append(f'{j(key)}:{{{fields},"trace":[\n  {rows}]{end}')
    out.append("}}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    regenerate()
