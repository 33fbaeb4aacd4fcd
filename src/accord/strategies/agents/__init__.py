"""Published negotiation agents, each reimplemented from its paper's description.

One module per agent (or family); importing this package registers them all. Every module's docstring
cites the paper and says where the description left a choice open and what was chosen.
"""

from accord.strategies.agents import (
    agentk,
    agentlg,
    atlas3,
    bayesian_tft,
    caduceus,
    cuhkagent,
    gahboninho,
    hardheaded,
    iamhaggler,
    micro,
    parsagent,
)

__all__ = [
    "agentk",
    "agentlg",
    "atlas3",
    "bayesian_tft",
    "caduceus",
    "cuhkagent",
    "gahboninho",
    "hardheaded",
    "iamhaggler",
    "micro",
    "parsagent",
]
