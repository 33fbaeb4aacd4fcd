"""Issues: the dimensions a negotiation is about.

An issue has a finite list of values (categorical, ordered, integer, or a discretised real range).
Values live in arrays; an outcome stores, per issue, the index of its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

IssueKind = Literal["categorical", "ordinal", "integer", "real"]


@dataclass(frozen=True)
class Issue:
    """One issue.

    ``values`` holds the labels (strings for categorical and ordinal issues, ints for integer issues,
    floats for discretised real issues). For integer and real issues, ``lower``/``upper`` give the range.
    """

    name: str
    kind: IssueKind
    values: tuple
    lower: float | None = None
    upper: float | None = None
    _lookup: dict = field(default=None, repr=False, compare=False, hash=False)  # type: ignore[assignment]

    def _table(self) -> dict:
        """Value (and its text) -> index, the first occurrence winning; built on first use, since
        scenarios built in bulk (benchmarks, experiments) rarely look values up."""
        lookup = self._lookup
        if lookup is None:
            lookup = {}
            for i, v in enumerate(self.values):
                lookup.setdefault(v, i)
                lookup.setdefault(str(v), i)
            object.__setattr__(self, "_lookup", lookup)
        return lookup

    @classmethod
    def categorical(cls, name: str, values: list[str], ordered: bool = False) -> Issue:
        return cls(name, "ordinal" if ordered else "categorical", tuple(str(v) for v in values))

    @classmethod
    def integer(cls, name: str, lower: int, upper: int) -> Issue:
        return cls(name, "integer", tuple(range(int(lower), int(upper) + 1)), float(lower), float(upper))

    @classmethod
    def real(cls, name: str, lower: float, upper: float, steps: int) -> Issue:
        """A real range discretised into ``steps`` evenly spaced points, both ends included."""
        if steps < 2:
            pts = (float(lower),)
        else:
            pts = tuple(float(x) for x in np.linspace(lower, upper, steps))
        return cls(name, "real", pts, float(lower), float(upper))

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def ordered(self) -> bool:
        return self.kind != "categorical"

    @property
    def numeric(self) -> np.ndarray:
        """Numeric value of each option: the number for integer/real issues, the rank for ordered ones."""
        if self.kind in ("integer", "real"):
            return np.asarray(self.values, dtype=np.float64)
        return np.arange(self.size, dtype=np.float64)

    def index_of(self, value: object) -> int:
        """Index of ``value``; raises KeyError if the issue has no such value."""
        table = self._table()
        if value in table:
            return table[value]
        if self.kind in ("integer", "real") and isinstance(value, int | float | str):
            try:
                x = float(value)
            except ValueError:
                raise KeyError(value) from None
            arr = self.numeric
            hit = np.flatnonzero(np.isclose(arr, x, rtol=0, atol=1e-9 * max(1.0, abs(x))))
            if hit.size:
                return int(hit[0])
        raise KeyError(value)

    def label(self, index: int) -> object:
        return self.values[index]
