"""Outcome spaces: the Cartesian product of issues, indexed in mixed radix.

An outcome is one integer. The first issue is the most significant digit, so index order equals
``itertools.product`` order and a C-order reshape of the space has one axis per issue.
Enumeration is lazy and guarded by a limit: asking to enumerate a space that is too large raises
:class:`~accord.errors.SpaceTooLargeError` instead of exhausting memory.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from accord.errors import InputError, SpaceTooLargeError
from accord.model.issues import Issue

#: Largest space enumerated by default (utilities for two parties then take 320 MB).
DEFAULT_ENUMERATION_LIMIT = 20_000_000
#: Largest space that can be indexed at all (indices are int64).
MAX_INDEXABLE = 2**62


class OutcomeSpace:
    """The set of all outcomes of a list of issues."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        if not issues:
            raise InputError(None, "issues", "at least one issue")
        names = [i.name for i in issues]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise InputError(None, "issues", "unique issue names", sorted(dup)[0])
        for iss in issues:
            if iss.size < 1:
                raise InputError(None, f"issues.{iss.name}", "at least one value")
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.names: tuple[str, ...] = tuple(names)
        self.cards = np.array([i.size for i in issues], dtype=np.int64)
        self.size: int = math.prod(int(c) for c in self.cards)
        if self.size > MAX_INDEXABLE:
            raise SpaceTooLargeError(None, "issues", "an outcome space of at most 2^62 outcomes", self.size)
        strides = [1] * len(issues)
        for k in range(len(issues) - 2, -1, -1):
            strides[k] = strides[k + 1] * int(self.cards[k + 1])
        self.strides = np.array(strides, dtype=np.int64)
        self._pos = {n: k for k, n in enumerate(names)}

    def __repr__(self) -> str:
        return f"OutcomeSpace({', '.join(f'{i.name}[{i.size}]' for i in self.issues)}; {self.size} outcomes)"

    def issue_position(self, name: str) -> int:
        return self._pos[name]

    def issue(self, name: str) -> Issue:
        return self.issues[self._pos[name]]

    def enumerable(self, limit: int = DEFAULT_ENUMERATION_LIMIT) -> bool:
        return self.size <= limit

    def check_enumerable(
        self, what: str, limit: int = DEFAULT_ENUMERATION_LIMIT, file: str | None = None
    ) -> None:
        if self.size > limit:
            raise SpaceTooLargeError(
                file,
                "issues",
                f"at most {limit:,} outcomes for {what} (this space has {self.size:,}; "
                "use a path that does not enumerate, e.g. the linear-additive frontier)",
            )

    def indices(self, limit: int = DEFAULT_ENUMERATION_LIMIT) -> np.ndarray:
        """All outcome indices; guarded by ``limit``."""
        self.check_enumerable("enumeration", limit)
        return np.arange(self.size, dtype=np.int64)

    def digits(self, idx: np.ndarray | int) -> list[np.ndarray]:
        """Per issue, the value index of each outcome in ``idx``."""
        a = np.asarray(idx, dtype=np.int64)
        return [(a // s) % c for s, c in zip(self.strides, self.cards, strict=True)]

    def digit(self, idx: np.ndarray | int, position: int) -> np.ndarray:
        a = np.asarray(idx, dtype=np.int64)
        return (a // self.strides[position]) % self.cards[position]

    def encode(self, digits: Sequence[np.ndarray | int]) -> np.ndarray:
        out = np.zeros(np.broadcast(*[np.asarray(d) for d in digits]).shape, dtype=np.int64)
        for d, s in zip(digits, self.strides, strict=True):
            out = out + np.asarray(d, dtype=np.int64) * s
        return out

    def outcome(self, idx: int) -> dict[str, object]:
        """The outcome at ``idx`` as a mapping from issue name to value label."""
        if not 0 <= int(idx) < self.size:
            raise IndexError(idx)
        ds = self.digits(int(idx))
        return {iss.name: _plain(iss.values[int(d)]) for iss, d in zip(self.issues, ds, strict=True)}

    def index(self, outcome: Mapping[str, object], file: str | None = None, field: str = "outcome") -> int:
        """Index of an outcome given as {issue: value}; every issue must be present."""
        total = 0
        for k, iss in enumerate(self.issues):
            if iss.name not in outcome:
                raise InputError(file, f"{field}.{iss.name}", "a value for every issue")
            try:
                d = iss.index_of(outcome[iss.name])
            except KeyError:
                raise InputError(
                    file, f"{field}.{iss.name}", f"one of {list(iss.values)[:12]}", outcome[iss.name]
                ) from None
            total += d * int(self.strides[k])
        extra = set(outcome) - set(self.names)
        if extra:
            raise InputError(file, f"{field}.{sorted(extra)[0]}", f"an issue among {list(self.names)}")
        return total


def _plain(v: object) -> object:
    if isinstance(v, np.generic):
        return v.item()
    return v
