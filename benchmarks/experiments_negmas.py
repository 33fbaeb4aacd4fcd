"""The NegMAS 0.16 side of the tournament benchmark. Runs ONLY in benchmarks/.negmas-venv (NegMAS is AGPL).

accord never imports this module or NegMAS. ``experiments_bench.py`` runs it as a separate process:

    benchmarks/.negmas-venv/bin/python benchmarks/experiments_negmas.py SPEC.json [OUT_DIR]

SPEC lists the GENIUS domains (folder, domain file, two profile files), the strategies, the repetitions and
the number of rounds; the script runs ``negmas.tournaments.neg.cartesian_tournament`` on that work (every
ordered pair of strategies, self-play included, on every domain, ``repetitions`` times; no rotation of the
profiles, one process) and prints one JSON line: negotiations, seconds, agreement rate, versions. NegMAS
writes one file per finished negotiation under OUT_DIR/t/results (default: a temporary folder), so a run
stopped early can still be counted.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

#: accord's strategy name -> NegMAS 0.16 class with the same behaviour family.
NEGOTIATORS = {
    "boulware": "negmas.sao.negotiators.BoulwareTBNegotiator",
    "linear": "negmas.sao.negotiators.LinearTBNegotiator",
    "conceder": "negmas.sao.negotiators.ConcederTBNegotiator",
    "hardliner": "negmas.sao.negotiators.ToughNegotiator",
    "tit_for_tat": "negmas.sao.negotiators.NaiveTitForTatNegotiator",
    "random": "negmas.sao.negotiators.RandomNegotiator",
}


def _cls(path: str):
    import importlib

    mod, _, name = path.rpartition(".")
    return getattr(importlib.import_module(mod), name)


def main(spec_path: str, out_dir: str | None = None) -> None:
    spec = json.loads(Path(spec_path).read_text())
    t_import = time.perf_counter()
    import negmas
    from negmas.inout import Scenario
    from negmas.tournaments.neg import cartesian_tournament

    import_s = time.perf_counter() - t_import
    t0 = time.perf_counter()
    scenarios = []
    for d in spec["domains"]:
        folder = Path(d["folder"])
        sc = Scenario.from_genius_files(
            domain=folder / d["domain"],
            ufuns=[folder / p for p in d["profiles"]],
            ignore_discount=False,
            ignore_reserved=False,
            name=d["label"],
        )
        scenarios.append(sc)
    load_s = time.perf_counter() - t0
    competitors = [_cls(NEGOTIATORS[n]) for n in spec["negotiators"]]
    with tempfile.TemporaryDirectory() as tmp:
        if out_dir:
            tmp = out_dir
        t1 = time.perf_counter()
        res = cartesian_tournament(
            competitors=competitors,
            scenarios=scenarios,
            n_repetitions=int(spec["repetitions"]),
            rotate_ufuns=False,
            self_play=True,
            n_steps=int(spec["rounds"]),
            njobs=-1,  # serial, in this process (as accord's --workers 1)
            path=Path(tmp) / "t",
            verbosity=0,
            save_stats=True,  # the tournament's own metrics (Pareto/Nash distances), as accord computes them
            save_scenario_figs=False,
            plot_fraction=0.0,
            randomize_runs=False,
        )
        run_s = time.perf_counter() - t1
    details = res.details
    n = len(details)
    agreed = float((details["agreement"].notna()).mean()) if "agreement" in details else float("nan")
    print(
        json.dumps(
            {
                "negotiations": n,
                "seconds": run_s,
                "load_seconds": load_s,
                "import_seconds": import_s,
                "agreement_rate": agreed,
                "negmas": negmas.__version__,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
