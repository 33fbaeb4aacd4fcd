"""The stakeholder forecasts a scenario file uses (``{forecast: ...}`` forms, docs/scenario-format.md),
resolved by the step every load takes (:mod:`accord.io.prepare`, :mod:`accord.forecast.link`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.forecast.link import resolve_document
from accord.io.yaml_scenario import read_document


def scenario_links(path: str | Path) -> list[dict[str, Any]]:
    """One dict per link: ``{field, table, model, issue, forecast, value}``."""
    _, links = resolve_document(read_document(path), str(path))
    return [k.to_dict() for k in links]
