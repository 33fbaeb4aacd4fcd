"""Read a scenario's after-signature blocks (``implementation.ratification``, ``hazard``, ``elections``,
``renege``; schema in :mod:`accord.io.schema_talks`) into :class:`accord.implementation.after_signature.AfterSignature`,
checking every party named: a pivot or a hazard naming an unknown party is an InputError naming file and field."""

from __future__ import annotations

import numpy as np

from accord.errors import InputError
from accord.implementation.after_signature import AfterSignature
from accord.io import schema_talks as T
from accord.model.talks import TalksScenario

__all__ = ["read_after_signature"]


def read_after_signature(ts: TalksScenario) -> AfterSignature | None:
    """The after-signature rules of ``ts`` (None when it declares none, or has no implementation block)."""
    raw = (ts.document or {}).get("implementation")
    if not isinstance(raw, dict):
        return None
    file = ts.scenario.path
    pre = "implementation"
    b = T.ImplementationBlock.model_validate(raw)  # already validated when the scenario was loaded
    names = list(ts.party_names)

    def idx(name: str, field: str) -> int:
        if name not in names:
            raise InputError(file, field, f"a party, one of {names}", name)
        return names.index(name)

    P = len(names)
    ratifies = np.zeros(P, dtype=bool)
    lo, hi = np.zeros(P), np.zeros(P)
    for name, r in b.ratification.items():
        i = idx(name, f"{pre}.ratification.{name}")
        ratifies[i] = True
        if isinstance(r.threshold, tuple):
            a, z = r.threshold
            if not a < z:
                raise InputError(
                    file, f"{pre}.ratification.{name}.threshold", "[low, high] with low < high", [a, z]
                )
            lo[i], hi[i] = a, z
        else:
            lo[i] = hi[i] = r.threshold
    hazard = np.zeros(P)
    for name, h in b.hazard.items():
        hazard[idx(name, f"{pre}.hazard.{name}")] = h
    ep = [idx(e.party, f"{pre}.elections[{k}].party") for k, e in enumerate(b.elections)]
    spec = AfterSignature(
        ratifies,
        lo,
        hi,
        hazard,
        np.array(ep, dtype=np.int64),
        np.array([e.year for e in b.elections], dtype=np.float64),
        np.array([e.turnover for e in b.elections], dtype=np.float64),
        float(b.renege),
    )
    return spec if spec.active else None
