"""What can still break a deal after it is signed: ratification by each side's domestic pivot, and a change of
government or preferences before the horizon (the rules: :mod:`~accord.implementation.ratification`,
:mod:`~accord.implementation.durability`). Applied per run to deals the implementation engine completed.

Run k's draws come from its own stream ``SeedSequence(seed_k, spawn_key=(2,))`` (the talks use child 0 and the
implementation child 1 of the same seed), so they depend on the run's seed alone: first one uniform per party
with a drawn ratification threshold (in party order), then the durability draws of
:func:`~accord.implementation.durability.survives`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.implementation import durability as DU
from accord.implementation import ratification as RT

__all__ = ["AfterSignature", "AFTER_SIGNATURE_KEY", "apply_after_signature"]

#: Spawn key of the after-signature stream of a run's seed.
AFTER_SIGNATURE_KEY = 2


@dataclass(frozen=True)
class AfterSignature:
    """Per party (P,): whether a pivot must ratify, its threshold's range (low == high: a fixed number), the
    per-year hazard; elections (E,) with their party, year and turnover; the probability a change reneges."""

    ratifies: np.ndarray  # (P,) bool
    threshold_low: np.ndarray  # (P,)
    threshold_high: np.ndarray  # (P,)
    hazard: np.ndarray  # (P,)
    election_party: np.ndarray  # (E,) int
    election_year: np.ndarray  # (E,)
    election_turnover: np.ndarray  # (E,)
    renege: float = 1.0

    @property
    def active(self) -> bool:
        return bool(self.ratifies.any() or (self.hazard > 0).any() or self.election_year.size)


def apply_after_signature(
    spec: AfterSignature, gains: np.ndarray, seeds: list[int], horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """For runs whose deal was signed and carried out, with ``gains`` (R, P) each party's gain over its walk-away
    value: (R,) not ratified by some pivot, (R,) ended by a change within ``horizon`` years (among the ratified)."""
    R, P = gains.shape
    drawn = spec.ratifies & (spec.threshold_high > spec.threshold_low)
    u_thr = np.empty((R, int(drawn.sum())))
    u_dur = []
    for k, s in enumerate(seeds):
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(s, spawn_key=(AFTER_SIGNATURE_KEY,)))
        )
        u_thr[k] = rng.random(u_thr.shape[1])
        u_dur.append(rng)
    theta = np.broadcast_to(spec.threshold_low, (R, P)).copy()
    theta[:, drawn] += (spec.threshold_high - spec.threshold_low)[drawn] * u_thr
    ok = RT.ratifies_threshold(gains, theta) | ~spec.ratifies[None, :]
    not_ratified = ~ok.all(axis=1)
    ended = np.zeros(R, dtype=bool)
    if (spec.hazard > 0).any() or spec.election_year.size:
        for k, rng in enumerate(u_dur):
            alive, _ = DU.survives(
                spec.hazard[None, :],
                horizon,
                rng,
                elections=spec.election_year,
                turnover=spec.election_turnover,
                renege=spec.renege,
            )
            ended[k] = not alive[0]
    return not_ratified, ended & ~not_ratified
