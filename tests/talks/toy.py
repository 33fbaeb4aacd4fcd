"""A small talks scenario as a plain document (two stages, a private fact, an implementation, variants)."""

from __future__ import annotations

import copy
from typing import Any

TOY: dict[str, Any] = {
    "name": "toy talks",
    "issues": {
        "relief": {"values": ["none", "partial", "full"], "ordered": True},
        "plant": {"values": ["open", "frozen", "dismantled"], "ordered": True},
        "declaration": {"values": ["no", "yes"], "ordered": True},
        "office": ["no", "yes"],
    },
    "parties": {
        "a": {
            "weights": {"relief": 0.4, "plant": 0.3, "declaration": 0.2, "office": 0.1},
            "scores": {
                "relief": {"none": 1, "partial": 0.6, "full": 0},
                "plant": {"open": 0, "frozen": 0.4, "dismantled": 1},
                "declaration": {"no": 0, "yes": 1},
                "office": {"no": 0, "yes": 1},
            },
            "terms": [{"when": "sites and declaration == no", "value": -0.2}],
            "reservation": 0.35,
        },
        "b": {
            "weights": {"relief": 0.5, "plant": 0.2, "declaration": 0.2, "office": 0.1},
            "scores": {
                "relief": {"none": 0, "partial": 0.7, "full": 1},
                "plant": {"open": 1, "frozen": 0.7, "dismantled": 0.2},
                "declaration": {"no": 1, "yes": 0.3},
                "office": {"no": 0, "yes": 1},
            },
            "reservation": 0.4,
        },
    },
    "protocol": {"deadline": 3},
    "private": {
        "facts": {"sites": {"true_value": True, "beliefs": {"a": 0.5}}},
        "signals": [
            {
                "fact": "sites",
                "observer": "a",
                "sender": "b",
                "kind": "offer",
                "when": "declaration == no",
                "p_true": 0.8,
                "p_false": 0.4,
            },
            {
                "fact": "sites",
                "observer": "a",
                "sender": "b",
                "kind": "inspection",
                "p_true": 0.3,
                "p_false": 0.05,
            },
        ],
    },
    "tracks": [
        {
            "name": "working",
            "rounds": 8,
            "negotiators": {"a": "envoy", "b": "envoy"},
            "agenda": ["plant", "declaration", "office"],
            "mandates": {"a": {"min_utility": 0.45}},
        },
        {
            "name": "summit",
            "rounds": 3,
            "negotiators": {"a": "leader", "b": "leader"},
            "opener": "b",
            "stakes": {"a": {"audience_cost": 0.1, "public_demand": "relief != full", "prestige": 0.02}},
        },
    ],
    "implementation": {
        "schedule": [
            {"name": "freeze", "b": "plant = frozen", "a": "office = yes"},
            {"name": "relief", "a": "relief = full"},
            {"name": "dismantle", "b": ["plant = dismantled", "declaration = yes"]},
        ],
        "verification": {
            "inspection_rate": {"b": 0.5, "a": 1.0},
            "detection_probability": {"b": 0.7, "a": 1.0},
            "on_detection": {"b": "snapback", "a": "collapse"},
        },
        "compliance": {"b": "opportunist", "a": "faithful"},
        "relief_party": "a",
        "threat": {
            "party": "b",
            "components": [{"name": "plant", "share": 1.0, "issue": "plant", "at": "dismantled"}],
        },
    },
    "variants": {
        "no_working_level": {"tracks": [{"name": "working", "drop": True}]},
        "one_deal": {
            "tracks": [
                {
                    "name": "summit",
                    "table": "relief == partial and plant == dismantled and "
                    "declaration == yes and office == yes",
                }
            ]
        },
        "no_implementation": {"implementation": None},
    },
}


def toy(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(TOY)
    d.update(changes)
    return d
