"""The NegMAS 0.16 side of the agent benchmark. Runs ONLY in benchmarks/.negmas-venv (NegMAS is AGPL).

accord never imports this module or NegMAS. ``agents_bench.py`` starts it as a worker process (one JSON
command per line on stdin, one JSON answer per line on stdout) next to the accord worker.

Counterparts: NegMAS's pure-Python negotiators only. The ANAC agents are NegMAS's own "transcompiled"
GENIUS BOA components (``negmas.gb.components.genius``: the agent's offering policy, acceptance
condition and opponent model, assembled in a ``BOANegotiator``); where NegMAS has no pure-Python version
(Atlas3, ParsAgent, Caduceus: only through the Java GENIUS bridge, ``negmas.genius.gnegotiators``) the
agent has no counterpart here, and the bridge is not used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache

from prefs import draw_pairs


def _sao(name: str):
    def factory():
        import negmas.sao as sao

        return getattr(sao, name)()

    factory.label = f"negmas.sao.{name}"
    return factory


def _boa(offering: str, acceptance: str, model: str | None):
    def factory():
        import negmas.gb.components.genius as g
        from negmas.gb.negotiators.modular.boa import BOANegotiator

        off = getattr(g, offering)()
        acc_cls = getattr(g, acceptance)
        try:
            acc = acc_cls(offering_policy=off)
        except TypeError:
            acc = acc_cls()
        mod = getattr(g, model)() if model else None
        return BOANegotiator(offering=off, acceptance=acc, model=mod)

    factory.label = f"BOANegotiator({offering}, {acceptance}, {model or '-'})"
    return factory


#: accord strategy name -> the NegMAS negotiator it is compared with.
COUNTERPARTS = {
    "boulware": _sao("BoulwareTBNegotiator"),
    "conceder": _sao("ConcederTBNegotiator"),
    "linear": _sao("LinearTBNegotiator"),
    "hardliner": _sao("ToughNegotiator"),
    "aspiration": _sao("AspirationNegotiator"),
    "time_based": _sao("TimeBasedConcedingNegotiator"),
    "random": _sao("RandomNegotiator"),
    "tit_for_tat": _sao("NaiveTitForTatNegotiator"),
    "nice_tit_for_tat": _sao("NiceTitForTatNegotiator"),
    "micro": _sao("MiCRONegotiator"),
    "hardheaded": _boa("GHardHeadedOffering", "GACHardHeaded", "GHardHeadedFrequencyModel"),
    "agentk": _boa("GAgentKOffering", "GACAgentK", None),
    "gahboninho": _boa("GGahboninhoOffering", "GACGahboninho", "GHardHeadedFrequencyModel"),
    "iamhaggler": _boa("GIAMhaggler2011Offering", "GACIAMHaggler2011", "GIAMhagglerBayesianModel"),
    "cuhk_agent": _boa("GCUHKAgentOffering", "GACCUHKAgent", "GCUHKFrequencyModel"),
    "agentlg": _boa("GAgentLGOffering", "GACAgentLG", "GAgentLGModel"),
    "boa": _boa("GBoulwareOffering", "GACNext", "GHardHeadedFrequencyModel"),
}

#: The common opponent on the NegMAS side (accord's side uses its ``boulware``).
OPPONENT = "BoulwareTBNegotiator"


def build(k: int, a, b):
    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(values=10, name=f"i{j}") for j in range(k)]

    def ufun(p):
        return LinearAdditiveUtilityFunction(
            values=[{v: float(p.tables[j, v]) for v in range(10)} for j in range(k)],
            weights=[float(w) for w in p.weights],
            issues=issues,
            reserved_value=float(p.reservation),
        )

    return issues, ufun(a), ufun(b)


@cache
def _pairs(k: int, n: int, seed: int):
    return draw_pairs(n, k, seed)


def run(agent: str, k: int, start: int, count: int, total: int, seed: int = 0, steps: int = 100) -> dict:
    """Negotiations ``start .. start+count-1``: ``agent`` (party a) against Boulware (party b).

    Timed per negotiation: utility functions, mechanism, negotiators and the run to the end.
    """
    import negmas.sao as sao

    factory = COUNTERPARTS[agent]
    pairs = _pairs(k, total, seed)[start : start + count]
    rounds, agreements, errors = [], 0, []
    t0 = time.perf_counter()
    for a, b in pairs:
        issues, ua, ub = build(k, a, b)
        m = sao.SAOMechanism(issues=issues, n_steps=steps)
        m.add(factory(), ufun=ua)
        m.add(getattr(sao, OPPONENT)(), ufun=ub)
        state = m.run()
        rounds.append(int(state.step))
        agreements += state.agreement is not None
        if state.has_error:
            errors.append(str(state.error_details)[:200])
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "n": len(pairs), "rounds": rounds, "agreements": agreements, "errors": errors}


def info() -> dict:
    import negmas
    import numpy

    return {
        "negmas": negmas.__version__,
        "numpy": numpy.__version__,
        "python": sys.version.split()[0],
        "counterparts": {k: f.label for k, f in COUNTERPARTS.items()},
        "opponent": f"negmas.sao.{OPPONENT}",
    }


COMMANDS = {"run": run, "info": info}


def worker() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            out = COMMANDS[req.pop("cmd")](**req)
        except Exception as exc:  # a NegMAS agent that fails is reported, not fatal to the benchmark
            out = {"failed": f"{type(exc).__name__}: {exc}"[:300]}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--agent", help="run one agent once (a quick check)")
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    if args.worker:
        worker()
    elif args.agent:
        print(json.dumps(run(args.agent, args.k, 0, 1, 1)))
    else:
        print(json.dumps(info(), indent=2))
