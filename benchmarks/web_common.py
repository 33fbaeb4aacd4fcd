"""What the web benchmarks share: a server process on 127.0.0.1 with given settings, its memory, stats.

The server is ``accord.web.create_app(Settings(**settings))`` under uvicorn in its own process (this
repository's ``src`` first on the path), so a benchmark measures the server alone: its peak resident memory
(``VmHWM`` in ``/proc/PID/status``) and its current one (``VmRSS``).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

LAUNCH = """
import json, sys
from pathlib import Path
import uvicorn
from accord.web import Settings, create_app
kw = json.loads(sys.argv[2])
for k in ("library",):
    if k in kw:
        kw[k] = tuple(Path(p) for p in kw[k])
if "data_dir" in kw:
    kw["data_dir"] = Path(kw["data_dir"])
uvicorn.run(create_app(Settings(**kw)), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            backlog=4096)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    """Return once the server at ``url`` answers; raise with its error output if it stops or never does."""
    deadline = time.time() + seconds
    while True:
        try:
            httpx.get(url + "/api/strategies", timeout=5)
            return
        except httpx.TransportError:
            if proc.poll() is not None or time.time() > deadline:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise RuntimeError("the server did not start: " + err) from None
            time.sleep(0.1)


class Server:
    """``with Server(library=[...], ...) as srv:`` a fresh server; ``srv.url``, ``srv.memory()``."""

    def __init__(self, **settings: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
        settings.setdefault("library", [str(ROOT / "scenarios")])
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(self.port), json.dumps(settings, default=str)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_up(self.url, self.proc)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def memory(self) -> dict[str, int]:
        """Resident memory now and at its peak, in bytes."""
        out = {}
        for ln in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            k, _, v = ln.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out["rss" if k == "VmRSS" else "peak"] = int(v.split()[0]) * 1024
        return out


def stats(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return {
        "n": len(xs),
        "median_s": statistics.median(xs),
        "p95_s": q(0.95),
        "p99_s": q(0.99),
        "max_s": xs[-1],
    }
