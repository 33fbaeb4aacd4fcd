"""Per-run cost of building and compiling the Monte Carlo runs of a talks scenario: full path vs patched + batched.

Old path, per run: write the drawn values into the document (``set_paths``), build the talks scenario in
full (``talks_from_document``: pydantic validation, expressions, ...), then ``compile_worlds`` and
``Scenario.compile`` on it. New path: ``Patcher.scenario`` (the nominal scenario with the drawn values
patched in), then ``compile_worlds_many`` and ``compile_many`` on a batch of R runs. Both give the same
objects and arrays (tests/experiments/test_fastbuild_talks.py, tests/model/test_batch.py); the script
checks the arrays again on the batch it times.

    .venv/bin/python benchmarks/montecarlo_build_bench.py [--scenario scenarios/hanoi-2019.yaml] [--runs 512]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from accord.experiments import params as P
from accord.experiments.fastbuild import Patcher
from accord.io.talks import talks_from_document
from accord.io.yaml_scenario import read_document
from accord.model.batch import compile_many, compile_worlds_many
from accord.model.beliefs import compile_worlds

ROOT = Path(__file__).resolve().parents[1]


def per_run(fn, runs: int, repeats: int) -> float:
    """Median over ``repeats`` of the CPU time of ``fn()`` divided by ``runs``, in microseconds (CPU time:
    on a machine shared with other jobs, wall time also counts the time the process waits for a core)."""
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append((time.process_time() - t) / runs * 1e6)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "hanoi-2019.yaml"))
    ap.add_argument("--variant", default="base")
    ap.add_argument("--runs", type=int, default=512)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", help="write the figures as JSON here")
    a = ap.parse_args()

    doc = P.apply_variant(read_document(a.scenario), a.variant)
    unc = P.find_uncertain(doc)
    template = talks_from_document(P.nominal_document(doc, unc), a.scenario)
    patcher = Patcher(doc, template)
    draws = [P.sample_values(doc, unc, s)[0] for s in range(a.runs)]
    n_old = min(a.runs, 100)  # the full path is slow: time it on fewer runs

    old_docs = [P.set_paths(doc, v) for v in draws[:n_old]]
    old_ts = [talks_from_document(d, a.scenario) for d in old_docs]
    patched = [patcher.scenario(v) for v in draws]
    scs = [t.scenario for t in patched]

    fig = {
        "old.set_paths": per_run(lambda: [P.set_paths(doc, v) for v in draws[:n_old]], n_old, a.repeats),
        "old.talks_from_document": per_run(
            lambda: [talks_from_document(d, a.scenario) for d in old_docs], n_old, a.repeats
        ),
        "old.compile_worlds": per_run(
            lambda: [compile_worlds(t.scenario, t.private) for t in old_ts], n_old, a.repeats
        ),
        "old.compile": per_run(lambda: [t.scenario.compile() for t in old_ts], n_old, a.repeats),
        "new.patch (incl. document)": per_run(
            lambda: [patcher.scenario(v) for v in draws], a.runs, a.repeats
        ),
        "new.patch, document=False": per_run(
            lambda: [patcher.scenario(v, document=False) for v in draws], a.runs, a.repeats
        ),
        "new.compile_worlds_many": per_run(
            lambda: compile_worlds_many(scs, template.private), a.runs, a.repeats
        ),
        "new.compile_many": per_run(lambda: compile_many(scs), a.runs, a.repeats),
    }
    gc.collect()
    gc.disable()  # how much of the patch's cost is the cyclic garbage collector (it scans what is kept)
    fig["new.patch, GC off"] = per_run(lambda: [patcher.scenario(v) for v in draws], a.runs, a.repeats)
    gc.enable()
    # the arrays of the timed batch equal the per-run ones
    U, A, res = compile_worlds_many(scs, template.private)
    for r in range(0, a.runs, max(1, a.runs // 16)):
        ref = compile_worlds(scs[r], template.private)
        assert U[r].tobytes() == ref.utilities.tobytes() and np.array_equal(A[r], ref.acceptable)
        assert res[r].tobytes() == ref.reservations.tobytes()
    old = (
        fig["old.set_paths"] + fig["old.talks_from_document"] + fig["old.compile_worlds"] + fig["old.compile"]
    )
    new = fig["new.patch (incl. document)"] + fig["new.compile_worlds_many"] + fig["new.compile_many"]
    for k, v in fig.items():
        print(f"{k:32s} {v:9.1f} us CPU/run")
    print(f"{'old total':32s} {old:9.1f} us CPU/run")
    print(f"{'new total':32s} {new:9.1f} us CPU/run   ({old / new:.0f}x)")
    print(
        f"{len(unc)} uncertain values, R = {a.runs}, n = {template.scenario.space.size}, machine {platform.machine()}"
    )
    if a.out:
        info = {"scenario": a.scenario, "variant": a.variant, "runs": a.runs, "uncertain": len(unc)}
        Path(a.out).write_text(
            json.dumps({**info, "us_per_run": fig, "date": time.strftime("%Y-%m-%d")}, indent=1)
        )


if __name__ == "__main__":
    main()
