"""Experiments at scale: Monte Carlo under uncertainty, sweeps, tournaments, sensitivity, resumable runs.

Build a plan (:func:`plan_montecarlo`, :func:`plan_sweep`, :func:`plan_tournament`), run it into a run
directory with :func:`execute` on an executor (:func:`make_executor`), read the results with
:func:`read_results`. Heavy dependencies (pyarrow, dask, SALib) load only when used.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "plan_montecarlo",
    "plan_sweep",
    "plan_tournament",
    "execute",
    "reproduce",
    "replay",
    "make_executor",
    "InProcess",
    "LocalProcesses",
    "DaskExecutor",
    "read_results",
]

_LAZY = {
    "plan_montecarlo": ("accord.experiments.plans", "plan_montecarlo"),
    "plan_sweep": ("accord.experiments.plans", "plan_sweep"),
    "plan_tournament": ("accord.experiments.plans", "plan_tournament"),
    "execute": ("accord.experiments.runner", "execute"),
    "reproduce": ("accord.experiments.runner", "reproduce"),
    "replay": ("accord.experiments.runner", "replay"),
    "make_executor": ("accord.experiments.executors", "make_executor"),
    "InProcess": ("accord.experiments.executors", "InProcess"),
    "LocalProcesses": ("accord.experiments.executors", "LocalProcesses"),
    "DaskExecutor": ("accord.experiments.executors", "DaskExecutor"),
}


def read_results(run_dir: Any, table: str = "results") -> Any:
    """A run directory's table as a ``pyarrow.Table`` (the parts so far if the run is unfinished)."""
    from accord.experiments.store import RunStore

    return RunStore(run_dir).read(table)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'accord.experiments' has no attribute {name!r}")
