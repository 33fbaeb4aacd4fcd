"""Pieces every report page shares: the folder its figures are saved to, and a column of a results table."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.report.html import figure


@dataclass
class _Out:
    folder: Path
    names: list[str] = field(default_factory=list)

    def save(self, fig: Any, name: str) -> bytes:
        buf = io.BytesIO()
        try:
            fig.savefig(self.folder / f"{name}.svg")
            fig.savefig(buf, format="png", dpi=150)
            (self.folder / f"{name}.png").write_bytes(buf.getvalue())
        except OSError as exc:
            raise InputError(str(self.folder), None, f"a writable report folder ({exc.strerror})") from None
        self.names.append(name)
        return buf.getvalue()

    def fig(self, fig: Any, name: str, caption: str) -> str:
        return figure(self.save(fig, name), caption, f"{name}.svg")


def _col(t: Any, name: str, dtype: Any = np.float64) -> np.ndarray:
    if dtype is object:
        return np.asarray(t.column(name).to_pylist(), dtype=object)
    return np.asarray(t.column(name).to_numpy(zero_copy_only=False), dtype=dtype)
