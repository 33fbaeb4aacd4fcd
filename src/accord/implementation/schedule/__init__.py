"""An agreement's schedule of reciprocal steps, compiled to arrays.

Semantics (docs/models/implementation.md):
- Every issue starts at its status-quo value. An issue no scheduled action names is delivered at signature.
- An action ``issue = v`` of party p at step k moves the issue from the status quo toward the *agreed*
  value: to the milestone v, capped at the agreed value; the last action on an issue delivers the agreed
  value itself. An action pointing away from the agreed value, or on an issue agreed at its status quo, is
  vacuous (nothing to deliver). Categorical issues move only to the agreed value.
- ``only_if: fact``: the action exists only in worlds where the fact is true (e.g. dismantling hidden sites).
- An issue's *owner* is the party whose actions name it; consequences revert issues by owner.

Many runs of one scenario (a Monte Carlo study) share the schedule's *structure* and differ only in their
*numbers* (utilities, inspection rates, detection probabilities, costs, likelihoods): :func:`stack_implementations`
puts the numbers of R compiled implementations of one structure on a leading run axis
(:class:`StackedImplementation`), so that the engine evaluates rows of many runs in one call.
"""

from __future__ import annotations

from accord.implementation.schedule.compiled import (
    COLLAPSE,
    NONE,
    SNAPBACK,
    SUSPENSION,
    CompiledImplementation,
    RunParams,
    compile_implementation,
)
from accord.implementation.schedule.stacked import StackedImplementation, stack_implementations, stack_specs

__all__ = [
    "SNAPBACK",
    "SUSPENSION",
    "COLLAPSE",
    "NONE",
    "CompiledImplementation",
    "RunParams",
    "compile_implementation",
    "StackedImplementation",
    "stack_implementations",
    "stack_specs",
]
