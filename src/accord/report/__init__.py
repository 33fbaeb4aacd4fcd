"""Reports of experiment runs: print-ready figures (matplotlib) and a self-contained HTML page.

:func:`build_report` writes ``index.html`` plus every figure as PNG and SVG for a run directory.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_report"]


def build_report(*args: Any, **kwargs: Any) -> Any:
    """See :func:`accord.report.build.build_report`."""
    from accord.report.build import build_report as _build

    return _build(*args, **kwargs)
