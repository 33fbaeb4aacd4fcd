"""Stakeholder forecasting: who decides what, given each actor's capability, position and salience.

Models (equations and sources in docs/models/forecasting.md): the compromise model (weighted mean), the
median voter (pairwise votes), Bueno de Mesquita's expected-utility model as reconstructed by Scholz,
Calbert & Smith (2011), and the Stokman-Van Oosten exchange model; Monte Carlo and one-at-a-time
sensitivity over uncertain inputs. Front ends call ``accord.forecast.api``.
"""

from __future__ import annotations

from accord.forecast.bdm import BDMOptions, run_bdm
from accord.forecast.compromise import median_voter, weighted_mean
from accord.forecast.exchange import ExchangeOptions, run_exchange
from accord.forecast.models import MODELS, ForecastSettings, run_models
from accord.forecast.tables import ActorTable, read_table

__all__ = [
    "MODELS",
    "ActorTable",
    "BDMOptions",
    "ExchangeOptions",
    "ForecastSettings",
    "median_voter",
    "read_table",
    "run_bdm",
    "run_exchange",
    "run_models",
    "weighted_mean",
]
