"""One step between parsing a scenario document and validating it.

Every loader of accord's YAML scenarios (:func:`accord.io.yaml_scenario.loads_yaml`,
:func:`accord.io.yaml_scenario.scenario_from_dict`, :func:`accord.io.talks.read`) passes the parsed
document through :func:`prepare_document` before the schema sees it, so the same file means the same
thing to ``accord run``, ``accord analyze``, the experiment runner and the web app:

- uncertain numbers (a ``{dist: ...}`` mapping where a number is expected,
  :mod:`accord.experiments.distributions`) take their nominal value; the experiment runner draws them
  per run instead and hands the drawn document to :func:`scenario_from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def prepare_document(doc: Mapping[str, Any], file: str | None = None) -> dict[str, Any]:
    """The document the schema validates: distributions at their nominal values."""
    from accord.experiments.params import find_uncertain, nominal_document

    out = dict(doc)
    unc = find_uncertain(out, file)
    if unc:
        out = nominal_document(out, unc)
    return out
