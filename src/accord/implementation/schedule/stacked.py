"""Many runs of one schedule's structure with their own numbers on a leading run axis
(:class:`StackedImplementation`; see :mod:`accord.implementation.schedule`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.implementation.schedule.compiled import CompiledImplementation, RunParams, _numbers
from accord.model.beliefs import PrivateInfo
from accord.model.talks import ImplementationSpec

_STRUCTURE_ARRAYS = (
    "cards",
    "strides",
    "ordered",
    "sq",
    "irreversible",
    "owner",
    "scheduled",
    "act_party",
    "act_issue",
    "act_value",
    "act_step",
    "act_only_if",
    "act_last",
    "on_detection",
    "compliance",
    "comp_issue",
    "comp_at",
    "comp_only_if",
)
_STRUCTURE_VALUES = ("party_names", "step_names", "fact_names", "threat_party", "relief_party")
#: Structural attributes a stacked implementation reads from its first run (equal in every run): the
#: structure above, the objects it was compiled from, and what is derived from the structure alone.
_SHARED = frozenset(
    {
        *_STRUCTURE_ARRAYS,
        *_STRUCTURE_VALUES,
        "scenario",
        "private",
        "n_steps",
        "n_parties",
        "n_actions",
        "stochastic",
        "digits",
        "encode",
        "direction",
        "targets",
        "initial_levels",
        "inspection_signals",
        "reached_components",
        "reached",
        "_targets",
        "_cache",
    }
)


@dataclass
class StackedImplementation:
    """R runs of one implementation structure: the structure of ``base`` (run 0) and the numbers of every run
    in ``params``. The engine (:func:`~accord.implementation.engine.simulate`,
    :func:`~accord.implementation.engine.expected`) takes it with ``runs[m]``, the run of row m.

    Structural attributes (names, schedule arrays, compliance codes, consequences, ``n_steps``...) read
    through to ``base``; the numbers are only in ``params`` (``base.insp_rate`` etc. are run 0's).
    """

    base: CompiledImplementation
    params: RunParams

    def __post_init__(self) -> None:
        self.params.check(self.base)

    @property
    def n_runs(self) -> int:
        return self.params.n_runs

    def __getattr__(self, name: str):
        base = self.__dict__.get("base")
        if name in _SHARED and base is not None:
            return getattr(base, name)
        raise AttributeError(
            f"StackedImplementation has no attribute {name!r} (per-run numbers are in .params, the structure "
            f"in .base)"
        )


def _structure_difference(a: CompiledImplementation, b: CompiledImplementation) -> str | None:
    """What differs between the structures of two compiled implementations (None: equal)."""
    for name in _STRUCTURE_VALUES:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            return f"{name} ({x!r} vs {y!r})"
    if a.scenario.space.names != b.scenario.space.names:
        return f"issues ({a.scenario.space.names!r} vs {b.scenario.space.names!r})"
    for name in _STRUCTURE_ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        if x.shape != y.shape or not np.array_equal(x, y):
            return f"{name} ({x.tolist()} vs {y.tolist()})"
    for name in ("insp_rate", "act_detect", "comp_share", "compliance_p"):
        x, y = getattr(a, name), getattr(b, name)
        if x.shape != y.shape:
            return f"shape of {name} ({x.shape} vs {y.shape})"
    if a.worlds.utilities.shape != b.worlds.utilities.shape:
        return f"shape of worlds.utilities ({a.worlds.utilities.shape} vs {b.worlds.utilities.shape})"
    if (a.private is None) != (b.private is None):
        return "private (declared in one, not in the other)"
    if a.inspection_signals() != b.inspection_signals():
        return "inspection signals (sender, observer, fact)"
    return None


def _structure_key(ci: CompiledImplementation) -> tuple:
    """Everything :func:`_structure_difference` compares, as one hashable value (quick to compare)."""
    arrays = [getattr(ci, n) for n in _STRUCTURE_ARRAYS]
    return (
        b"".join([a.tobytes() for a in arrays]),
        tuple([(a.dtype.char, a.shape) for a in arrays]),
        tuple([getattr(ci, n) for n in _STRUCTURE_VALUES]),
        ci.scenario.space.names,
        (ci.insp_rate.shape, ci.act_detect.shape, ci.comp_share.shape, ci.compliance_p.shape),
        ci.worlds.utilities.shape,
        ci.private is None,
        ci.inspection_signals(),
    )


def _likelihoods(ci: CompiledImplementation) -> tuple[list[float], list[float]]:
    sigs = [sg for sg in ci.private.signals if sg.kind == "inspection"] if ci.private else []
    return [sg.p_true for sg in sigs], [sg.p_false for sg in sigs]


def stack_implementations(cis: Sequence[CompiledImplementation]) -> StackedImplementation:
    """Stack the numbers of compiled implementations of one structure on a run axis (run r = ``cis[r]``).

    Every ``cis[r]`` must have the same structure as ``cis[0]`` (issues, parties, steps, actions, owners,
    compliance codes, consequences, threat components, status quo, facts, inspection signals); a ValueError
    names the first field that differs. Evaluating row m with ``runs[m] = r`` then gives, bit for bit, what
    ``cis[r]`` alone gives for that row.
    """
    cis = list(cis)
    if not cis:
        raise ValueError("stack_implementations needs at least one compiled implementation")
    base = cis[0]
    key = None
    for r, ci in enumerate(cis):
        if not isinstance(ci, CompiledImplementation):
            raise ValueError(f"cannot stack implementations: run {r} is a {type(ci).__name__}")
        if r == 0 or ci is base:
            continue
        if key is None:
            key = _structure_key(base)
        if _structure_key(ci) != key:
            diff = _structure_difference(base, ci)
            if diff is not None:
                raise ValueError(f"cannot stack implementations: run {r} differs from run 0 in {diff}")
    S = len(base.inspection_signals())
    lik = [_likelihoods(ci) for ci in cis]
    params = RunParams(
        utilities=np.stack([ci.worlds.utilities for ci in cis]).astype(np.float64, copy=False),
        insp_rate=np.stack([ci.insp_rate for ci in cis]).astype(np.float64, copy=False),
        act_detect=np.stack([ci.act_detect for ci in cis]).astype(np.float64, copy=False),
        inspection_cost=np.array([ci.inspection_cost for ci in cis], dtype=np.float64),
        nuisance_cost=np.array([ci.nuisance_cost for ci in cis], dtype=np.float64),
        compliance_p=np.stack([ci.compliance_p for ci in cis]).astype(np.float64, copy=False),
        comp_share=np.stack([ci.comp_share for ci in cis]).astype(np.float64, copy=False),
        signal_p_true=np.array([t for t, _ in lik], dtype=np.float64).reshape(len(cis), S),
        signal_p_false=np.array([f for _, f in lik], dtype=np.float64).reshape(len(cis), S),
    )
    return StackedImplementation(base, params)


def stack_specs(
    base: CompiledImplementation,
    specs: Sequence[ImplementationSpec],
    privates: Sequence[PrivateInfo],
    utilities: np.ndarray,
) -> StackedImplementation:
    """R runs of ``base``'s structure from their specs, private information and utilities (R, P, W, n),
    without compiling each run: its numbers are read as :func:`compile_implementation` reads them.

    The caller guarantees the structure is ``base``'s in every run (the lockstep engine groups runs by it).
    """
    names = base.party_names
    nums = [_numbers(sp, names) for sp in specs]
    sig_idx = (
        [k for k, sg in enumerate(base.private.signals) if sg.kind == "inspection"] if base.private else []
    )
    S = len(sig_idx)
    R = len(specs)

    def cat(key: str) -> np.ndarray:
        return np.stack([x[key] for x in nums])

    params = RunParams(
        utilities=utilities,
        insp_rate=cat("insp_rate"),
        act_detect=cat("act_detect"),
        inspection_cost=np.array([float(sp.verification.inspection_cost) for sp in specs]),
        nuisance_cost=np.array([float(sp.verification.nuisance_cost) for sp in specs]),
        compliance_p=cat("compliance_p"),
        comp_share=cat("comp_share"),
        signal_p_true=np.array([[pv.signals[k].p_true for k in sig_idx] for pv in privates]).reshape(R, S),
        signal_p_false=np.array([[pv.signals[k].p_false for k in sig_idx] for pv in privates]).reshape(R, S),
    )
    return StackedImplementation(base, params)
