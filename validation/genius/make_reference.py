"""Run GENIUS 10.4 (built by build.sh) and write accord's reference data under tests/reference/genius/.

Not part of accord: it needs Java and the GENIUS build, and runs nothing of accord. CI reads only its output.

    python validation/genius/make_reference.py [--build validation/genius/build] [--data /work/shared/data/genius]

Writes
  reading.json   per GENIUS XML folder: sampled outcomes and each profile's utility of them (GENIUS's reader)
  timedep.json   Boulware/Conceder (GENIUS TimeDependentAgent, e = 0.2 / 2) sessions, full traces
  anac.json      each ANAC original against GENIUS's Boulware and Conceder: outcome, utilities, rounds
  meta.json      the GENIUS source revision, rounds, seeds, domains and the command that made the files
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "tests" / "reference" / "genius"

#: folder -> (domain file, profile of party A, profile of party B); undiscounted profiles, as in SOURCES.md
SESSION_DOMAINS: dict[str, tuple[str, str, str]] = {
    "NiceOrDie": ("NiceOrDie.xml", "NiceOrDie1.xml", "NiceOrDie2.xml"),
    "Laptop": ("laptop_domain.xml", "laptop_buyer_utility10.xml", "laptop_seller_utility10.xml"),
    "Barter": ("Barter-B-domain.xml", "Barter-B-prof1.xml", "Barter-B-prof2.xml"),
    "ItexvsCypress": ("ItexvsCypress_domain.xml", "ItexvsCypress_Itex.xml", "ItexvsCypress_Cypress.xml"),
    "ANAC2015-CarDomain": ("car_domain.xml", "car-Profile1.xml", "car-Profile2.xml"),
    "EnglandZimbabwe": ("EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"),
    "Grocery": ("Grocery_domain.xml", "Grocery_domain_mary50.xml", "Grocery_domain_sam100.xml"),
    "Amsterdam": ("Amsterdam_domain.xml", "Amsterdam_party1.xml", "Amsterdam_party2.xml"),
    "PartyDomain": ("party_domain.xml", "party1_utility.xml", "party2_utility.xml"),
    "Camera": ("camera_domain.xml", "camera_buyer_100.xml", "camera_seller_20.xml"),
    "Travel": ("travel_domain.xml", "travel_chox.xml", "travel_fanny.xml"),
}

BOULWARE = "agents.TimeDependentAgentBoulware"
CONCEDER = "agents.TimeDependentAgentConceder"
#: accord's name -> GENIUS class of the original
ANAC = {
    "agentk": "agents.anac.y2010.AgentK.Agent_K",
    "hardheaded": "agents.anac.y2011.HardHeaded.KLH",
    "gahboninho": "agents.anac.y2011.Gahboninho.Gahboninho",
    "iamhaggler": "agents.anac.y2011.IAMhaggler2011.IAMhaggler2011",
    "agentlg": "agents.anac.y2012.AgentLG.AgentLG",
    "cuhk_agent": "agents.anac.y2012.CUHKAgent.CUHKAgent",
    "atlas3": "agents.anac.y2015.Atlas3.Atlas3",
    "pars_agent": "agents.anac.y2015.ParsAgent.ParsAgent",
    "caduceus": "agents.anac.y2016.caduceus.Caduceus",
}
OPPONENTS = {"boulware": BOULWARE, "conceder": CONCEDER}
ROUNDS = 100
SEEDS = (0, 1, 2)
N_SAMPLES = 100


def java(cp: str, *args: str, timeout: float = 300) -> dict:
    p = subprocess.run(
        ["java", "-Xmx512m", "-cp", cp, "accordval.Runner", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if p.returncode != 0:
        raise RuntimeError(f"Runner {args[:1]} failed: {p.stderr.strip()[-500:]}")
    return json.loads(p.stdout)


def is_xml_kind(path: Path, tag: str) -> bool:
    head = path.read_bytes()[:600].decode("latin-1")
    return f"<{tag}" in head


def reading(cp: str, data: Path) -> dict:
    out = {}
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        xml = sorted(folder.glob("*.xml"))
        domains = [f for f in xml if is_xml_kind(f, "negotiation_template")]
        profiles = [f for f in xml if f not in domains and is_xml_kind(f, "utility_space")]
        if not domains:
            continue  # GeniusWeb JSON folders: GENIUS 10.4 does not read them
        for dom in domains:
            # Barter ships one domain per profile pair: read each profile with its own domain
            mine = [
                p for p in profiles if len(domains) == 1 or p.name.startswith(dom.name.split("-domain")[0])
            ]
            got = java(cp, "read", str(dom), str(N_SAMPLES), "0", *map(str, mine))
            key = folder.name if len(domains) == 1 else f"{folder.name}/{dom.name}"
            out[key] = got
            print(f"read {key}: {len(mine)} profiles", file=sys.stderr)
    return out


def session(cp: str, data: Path, folder: str, a: str, b: str, seed: int, keep_trace: bool) -> dict:
    dom, pa, pb = SESSION_DOMAINS[folder]
    d = data / folder
    t0 = time.perf_counter()
    s = java(cp, "session", str(d / dom), str(d / pa), str(d / pb), a, b, str(ROUNDS), str(seed))
    s["folder"] = folder
    s["java_seconds"] = round(time.perf_counter() - t0, 3)
    if not keep_trace:
        s["offers"] = sum(1 for x in s["trace"] if x["action"] == "offer")
        del s["trace"]
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(HERE / "build"))
    ap.add_argument("--data", default="/work/shared/data/genius")
    ap.add_argument("--only", choices=["reading", "timedep", "anac"], action="append")
    ap.add_argument("--agents", help="comma-separated: rerun only these ANAC agents, keep the others' rows")
    ap.add_argument(
        "--anac-file", default="anac.json", help="file of the ANAC rows under tests/reference/genius"
    )
    ap.add_argument(
        "--reading-file", default="reading.json", help="file of the read-outs under tests/reference/genius"
    )
    ap.add_argument("--skip", default="", help="comma-separated folders left out of the ANAC cells")
    args = ap.parse_args()
    build, data = Path(args.build), Path(args.data)
    cp = (build / "classpath").read_text().strip()
    only = set(args.only or ["reading", "timedep", "anac"])
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {
        "genius": "GENIUS 10.4 as vendored in github.com/yasserfarouk/negmas external/genius10.4",
        "negmas_commit": (build / "revision").read_text().strip(),
        "java": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
        "rounds": ROUNDS,
        "seeds": list(SEEDS),
        "samples": N_SAMPLES,
        "session_domains": SESSION_DOMAINS,
        "anac": ANAC,
        "opponents": OPPONENTS,
        "made_by": "validation/genius/build.sh && python validation/genius/make_reference.py",
    }
    (OUT / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    if "reading" in only:
        (OUT / args.reading_file).write_text(json.dumps(reading(cp, data), indent=0) + "\n")
    if "timedep" in only:
        pairs = [(BOULWARE, CONCEDER), (CONCEDER, BOULWARE), (BOULWARE, BOULWARE), (CONCEDER, CONCEDER)]
        ts = [session(cp, data, f, a, b, 0, True) for f in SESSION_DOMAINS for a, b in pairs]
        (OUT / "timedep.json").write_text(json.dumps(ts, indent=0) + "\n")
    if "anac" in only:
        names = args.agents.split(",") if args.agents else list(ANAC)
        anac_file = OUT / args.anac_file
        old = json.loads(anac_file.read_text()) if args.agents and anac_file.exists() else []
        rows = [r for r in old if r["agent"] not in names]
        for name in names:
            cls = ANAC[name]
            for opp, ocls in OPPONENTS.items():
                for f in [f for f in SESSION_DOMAINS if f not in args.skip.split(",")]:
                    for seed in SEEDS:
                        try:
                            s = session(cp, data, f, cls, ocls, seed, False)
                        except (RuntimeError, subprocess.TimeoutExpired) as e:
                            s = {
                                "folder": f,
                                "agents": [cls, ocls],
                                "seed": seed,
                                "end": "error",
                                "error": str(e),
                            }
                        s["agent"], s["opponent"] = name, opp
                        rows.append(s)
                        print(name, opp, f, seed, s["end"], s.get("end_round"), file=sys.stderr)
            anac_file.write_text(json.dumps(rows, indent=0) + "\n")


if __name__ == "__main__":
    main()
