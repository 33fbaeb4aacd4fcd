"""One recipe from a run's seed (the bottom of the tree: numpy only) to its random streams; every entry point derives its draws here.

A run's seed ``s`` is the root ``SeedSequence(s)``; each use of randomness is a fixed spawn key under it
(numpy's ``SeedSequence`` children are ``SeedSequence(s, spawn_key=parent_key + (i,))``, so a stream can be
built from its key without spawning its siblings):

==================================  ==============  =============================================
stream                              spawn key       used by
==================================  ==============  =============================================
parties of a plain negotiation      ``(i,)``        party i of ``run_alternating`` / the web game
talks                               ``(0,)``        the parent of the next three
facts drawn by nature               ``(0, 0)``      ``accord run``, ``implement``, Monte Carlo, ...
stage ``k`` of the talks            ``(0, 1, k)``   parties of stage k: ``(0, 1, k, i)``
implementation                      ``(1,)``        inspections and detections after a deal
breakdown of a negotiation          ``(BREAKDOWN_KEY,)`` under the negotiation's stream (the run's seed,
                                                    or a stage's stream): when the talks break down
uncertain parameters (Monte Carlo)  ``(DRAW_KEY,)`` one uniform per uncertain number
==================================  ==============  =============================================

These are the streams ``numpy.random.default_rng(s).spawn(...)`` chains gave before this module existed
for ``accord run`` on talks scenarios and the Monte Carlo worker; ``accord implement`` used to draw the
facts from the talks stream ``(0,)`` itself and now draws them from ``(0, 0)`` like everyone else.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BREAKDOWN_KEY",
    "DRAW_KEY",
    "breakdown_rng",
    "facts_rng",
    "generator",
    "implementation_draws",
    "implementation_draws_many",
    "implementation_rng",
    "implementation_stream",
    "parameter_rng",
    "party_rngs",
    "stage_breakdown_rng",
    "stage_rngs",
    "talks_stream",
]

#: Spawn key of the parameter draws of a run (far from the party indices the protocol spawns).
DRAW_KEY = 0x5EED_DA7A
#: Spawn key of a negotiation's breakdown draw, under the negotiation's own stream.
BREAKDOWN_KEY = 0xB4EA
_TALKS, _IMPLEMENTATION = 0, 1
_FACTS, _STAGES = 0, 1


def _ss(seed: int | None, key: tuple[int, ...]) -> np.random.SeedSequence:
    """Run ``seed``'s stream ``key`` (fresh entropy when ``seed`` is None)."""
    return np.random.SeedSequence(None if seed is None else int(seed), spawn_key=key)


def _ss_child(root: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (i,))


def generator(ss: np.random.SeedSequence) -> np.random.Generator:
    """The PCG64 generator of a seed sequence (what ``numpy.random.default_rng(ss)`` builds)."""
    return np.random.Generator(np.random.PCG64(ss))


def party_rngs(seed: int | None, n: int, key: tuple[int, ...] = ()) -> list[np.random.Generator]:
    """The ``n`` parties' generators of the negotiation stream ``key`` of run ``seed`` (keys ``key + (i,)``)."""
    root = _ss(seed, key)
    return [generator(_ss_child(root, i)) for i in range(n)]


def breakdown_rng(seed: int | None, rng: np.random.Generator | None = None) -> np.random.Generator:
    """The generator of a negotiation's breakdown draw: key ``(BREAKDOWN_KEY,)`` under run ``seed``, or under
    the stream of ``rng`` when a negotiation is given its generator (a stage of the talks)."""
    if rng is not None:
        ss = rng.bit_generator.seed_seq  # type: ignore[attr-defined]
        return generator(_ss_child(ss, BREAKDOWN_KEY))
    return generator(_ss(seed, (BREAKDOWN_KEY,)))


def stage_breakdown_rng(seed: int, stage: int) -> np.random.Generator:
    """The breakdown draw of stage ``stage`` of run ``seed``'s talks: what :func:`breakdown_rng` gives with
    that stage's generator (:func:`stage_rngs`)."""
    return generator(_ss(seed, (_TALKS, _STAGES, stage, BREAKDOWN_KEY)))


def talks_stream(seed: int) -> np.random.SeedSequence:
    """The talks' stream of run ``seed`` (parent of the facts and the stages)."""
    return _ss(seed, (_TALKS,))


def facts_rng(seed: int) -> np.random.Generator:
    """The generator nature draws the private facts with in run ``seed``."""
    return generator(_ss(seed, (_TALKS, _FACTS)))


def stage_rngs(seed: int, stages: int) -> list[np.random.Generator]:
    """One generator per stage of the talks of run ``seed`` (each spawns its parties' streams)."""
    return [generator(_ss(seed, (_TALKS, _STAGES, k))) for k in range(max(1, stages))]


def implementation_stream(seed: int) -> np.random.SeedSequence:
    """The implementation's stream of run ``seed``."""
    return _ss(seed, (_IMPLEMENTATION,))


def implementation_rng(seed: int) -> np.random.Generator:
    """The generator of run ``seed``'s implementation draws (inspections, detections)."""
    return generator(implementation_stream(seed))


def implementation_draws(seed: int, n: int) -> np.ndarray:
    """The ``n`` uniforms of run ``seed``'s implementation."""
    return implementation_rng(seed).random(n)


def implementation_draws_many(seeds: list[int], n: int) -> np.ndarray:
    """(R, n): the implementation uniforms of every run of ``seeds``."""
    if not n:
        return np.zeros((len(seeds), 0))
    return np.stack([implementation_draws(s, n) for s in seeds])


def parameter_rng(seed: int) -> np.random.Generator:
    """The generator of run ``seed``'s uncertain parameters (one uniform per number, document order)."""
    return generator(_ss(seed, (DRAW_KEY,)))
