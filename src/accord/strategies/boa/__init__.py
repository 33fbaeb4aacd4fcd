"""BOA: negotiators assembled from a bidding strategy, an opponent model and an acceptance condition.

Baarslag, Hindriks, Hendrikx, Dirkzwager & Jonker (2014), "Decoupling negotiating agents to explore the
space of negotiation strategies". In Python::

    from accord.strategies.boa import BOA
    agent = BOA(bidding="boulware", model="frequency", acceptance="ac_combi(t=0.98)")

or by spec string (CLI and Python): ``boa(bidding=boulware, model=frequency, acceptance=ac_combi(t=0.98))``.
"""

from accord.strategies.boa import acceptance, bidding, models
from accord.strategies.boa.acceptance import ACCombi, ACConst, ACNext, ACPrev, ACTime
from accord.strategies.boa.bidding import RandomBidding, TimeDependentBidding
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    History,
    OpponentModel,
    component,
)
from accord.strategies.boa.models import BayesianModel, FrequencyModel
from accord.strategies.boa.negotiator import BOA
from accord.strategies.boa.parts import available_components, make_component

__all__ = [
    "BOA",
    "ACCombi",
    "ACConst",
    "ACNext",
    "ACPrev",
    "ACTime",
    "AcceptanceCondition",
    "BayesianModel",
    "BiddingStrategy",
    "ComponentInfo",
    "FrequencyModel",
    "History",
    "OpponentModel",
    "RandomBidding",
    "TimeDependentBidding",
    "acceptance",
    "available_components",
    "bidding",
    "component",
    "make_component",
    "models",
]
