"""Monte Carlo rows of talks scenarios, computed in lockstep per chunk, against each job computed alone.

Reference: :func:`accord.experiments.worker.talks_rows` of the job's own prepared scenario (built in full,
negotiated run by run with :func:`accord.protocols.talks.run_batch`, measured with ``_point_metrics``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from accord.experiments import worker as W
from accord.experiments.plans import plan_montecarlo

ROOT = Path(__file__).resolve().parents[2]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(
    ("scenario", "variant"),
    [
        ("hanoi-2019.yaml", "base"),
        ("hanoi-2019.yaml", "no_working_level"),
        ("hanoi-2019.yaml", "big_bargain"),
        ("hanoi-2019.yaml", "walk_away"),
        ("jcpoa-2015.yaml", "base"),
        ("six-party-2007.yaml", "base"),
    ],
)
def test_chunk_rows_equal_rows_of_jobs_alone(scenario, variant):
    plan = plan_montecarlo(ROOT / "scenarios" / scenario, 24, seed=7, chunk_size=24, variants=[variant])
    task = plan.task("results", 0)
    rows = W.run_chunk(task)
    assert len(rows) == len(task.jobs)
    for job, row in zip(task.jobs, rows, strict=True):
        src = task.sources[job.source]
        W._BUILT.clear()
        prep, drawn = W.prepare(src, job)
        (ref,) = W.talks_rows(src, [(job, drawn)], prep, task.issue_columns)
        assert list(row) == list(ref)
        bad = {k: (row[k], ref[k]) for k in ref if not _same(row[k], ref[k])}
        assert not bad, (job.seed, bad)
