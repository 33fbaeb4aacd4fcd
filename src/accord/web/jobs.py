"""Monte Carlo batches run in the background with progress, through ``accord.experiments``.

A batch is an ``accord.experiments`` plan (``plan_montecarlo``) executed in-process into a temporary run
directory; the progress callback of ``execute`` feeds the page's progress bar, and the finished results
table becomes a small distribution summary (agreement rate, utility histograms, the most frequent deals).
At most ``max_jobs`` batches run at once; a failing batch records its error, the server carries on.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import AccordError
from accord.web.limits import LimitReached


class Busy(LimitReached):
    """Too many batches are running (on the server, or for this client): HTTP 429."""


class Job:
    def __init__(self, scenario_id: str, total: int, owner: str = "") -> None:
        self.id = secrets.token_urlsafe(12)
        self.owner = owner
        self.scenario_id = scenario_id
        self.status = "running"
        self.done = 0
        self.total = total
        self.result: dict[str, Any] | None = None
        self.error: str | None = None
        self.started = time.time()
        self.finished: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scenario": self.scenario_id,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "elapsed": round((self.finished or time.time()) - self.started, 3),
            "result": self.result,
            "error": self.error,
        }


def distribution(table: Any, names: list[str], bins: int = 20) -> dict[str, Any]:
    """The distribution of outcomes of a Monte Carlo results table (pyarrow)."""
    cols = table.column_names
    agreement = np.asarray(table.column("agreement").to_pylist(), dtype=bool)
    out: dict[str, Any] = {"runs": int(agreement.size), "agreement_rate": float(agreement.mean())}
    ends = Counter(table.column("end").to_pylist())
    out["ends"] = dict(ends)
    hist: dict[str, Any] = {}
    for i, n in enumerate(names):
        key = f"realised_utility_{i}" if f"realised_utility_{i}" in cols else f"utility_{i}"
        u = np.asarray(table.column(key).to_pylist(), dtype=float)
        u = u[np.isfinite(u)]
        if u.size:
            lo, hi = float(u.min()), float(u.max())
            if hi <= lo:
                hi = lo + 1e-9
            counts, edges = np.histogram(u, bins=bins, range=(lo, hi))
            hist[n] = {
                "mean": float(u.mean()),
                "counts": [int(c) for c in counts],
                "edges": [float(e) for e in edges],
                "column": key,
            }
    out["utilities"] = hist
    # The outcome column holds each deal as JSON text ({issue: value}); count them as text, answer as mappings.
    deals = Counter(o for o, a in zip(table.column("outcome").to_pylist(), agreement, strict=True) if a and o)
    out["top_deals"] = [
        {"outcome": json.loads(o) if isinstance(o, str) else o, "share": c / agreement.size}
        for o, c in deals.most_common(5)
    ]
    return out


class JobStore:
    """Background Monte Carlo batches (see the module docstring)."""

    def __init__(self, max_running: int, max_finished: int, per_client: int = 1) -> None:
        self.max_running = max_running
        self.per_client = per_client
        self.max_finished = max_finished
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, ident: str) -> Job:
        from accord.web.library import UnknownId

        j = self._jobs.get(ident)
        if j is None:
            raise UnknownId(ident)
        return j

    def start_montecarlo(self, scenario_id: str, plan: Any, names: list[str], owner: str = "") -> Job:
        """Run ``plan`` (an ``accord.experiments`` plan) in a thread; returns the job at once."""
        total = sum(rows for _, rows in plan.tables)
        with self._lock:
            mine = sum(j.status == "running" and j.owner == owner for j in self._jobs.values())
            if mine >= self.per_client:
                raise Busy(
                    f"you already run {mine} batch(es), the most per player (max_jobs_per_client = "
                    f"{self.per_client}); try again when it has finished"
                )
            running = sum(j.status == "running" for j in self._jobs.values())
            if running >= self.max_running:
                raise Busy(
                    f"{running} batches are running, the server's maximum (max_jobs = {self.max_running}); "
                    "try again when one has finished"
                )
            done = sorted((j for j in self._jobs.values() if j.status != "running"), key=lambda j: j.started)
            for j in done[: max(0, len(done) - self.max_finished + 1)]:
                self._jobs.pop(j.id, None)
            job = Job(scenario_id, total, owner)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, plan, names), daemon=True).start()
        return job

    def _run(self, job: Job, plan: Any, names: list[str]) -> None:
        from accord.experiments import InProcess, execute, read_results

        def progress(table: str, done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            with tempfile.TemporaryDirectory(prefix="accord-web-mc-") as d:
                out = Path(d) / "run"
                summary = execute(plan, out, InProcess(), progress=progress)
                result = distribution(read_results(out), names)
                result["summary"] = summary.get("summary")
                job.result = result
                job.status = "done"
        except AccordError as exc:
            job.error = str(exc)
            job.status = "error"
        except Exception as exc:  # noqa: BLE001 - a failing batch must not take the server down
            job.error = f"the simulation failed: {type(exc).__name__}: {exc}"
            job.status = "error"
        finally:
            job.finished = time.time()
