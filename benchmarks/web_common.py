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
uvicorn.run(create_app(Settings(**kw)), host="127.0.0.1", port=int(sys.argv[1]),
            log_level=sys.argv[3], backlog=4096)
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

    def __init__(self, log_level: str = "warning", **settings: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # ACCORD_BENCH_SRC: another checkout's src (say an older commit's, for a before/after figure).
        src = os.environ.get("ACCORD_BENCH_SRC", str(ROOT / "src"))
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        settings.setdefault("library", [str(ROOT / "scenarios")])
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(self.port), json.dumps(settings, default=str), log_level],
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

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, all threads)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, quiet: float = 0.5, timeout: float = 60) -> float:
        """Wait until the server has finished its start-up work (warming the library's caches): its CPU
        time grows by under 2 % of ``quiet`` seconds over ``quiet`` seconds. Returns the seconds waited."""
        t0 = time.time()
        before = self.cpu_seconds()
        while time.time() - t0 < timeout:
            time.sleep(quiet)
            now = self.cpu_seconds()
            if now - before < 0.02 * quiet:
                break
            before = now
        return time.time() - t0

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


class RawClient:
    """A lean HTTP/1.1 client on one keep-alive connection (asyncio streams), keeping its cookies as a
    browser does: a load generator whose own cost is small next to the server's, so that on a shared
    machine the latencies measured are the server's and not the generator's (httpx.AsyncClient costs
    several times the server's CPU per request). Only what the benchmarks need: Content-Length or chunked
    bodies, JSON bodies out, no redirects, no TLS."""

    def __init__(self, url: str, timeout: float = 120) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self.cookies: dict[str, str] = {}
        self._io: tuple[Any, Any] | None = None

    async def request(self, method: str, path: str, json_body: Any = None) -> tuple[int, bytes]:
        import asyncio

        return await asyncio.wait_for(self._request(method, path, json_body), self.timeout)

    async def _request(self, method: str, path: str, json_body: Any) -> tuple[int, bytes]:
        import asyncio

        if self._io is None:
            self._io = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._io
        body = b"" if json_body is None else json.dumps(json_body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: */*"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if json_body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            k, _, v = line.decode("latin-1").partition(":")
            k, v = k.strip().lower(), v.strip()
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
            elif k == "connection" and v.lower() == "close":
                close = True
            elif k == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if chunked:
            parts = []
            while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                parts.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()
            data = b"".join(parts)
        else:
            data = await reader.readexactly(length or 0)
        if close:
            await self.aclose()
        return status, data

    async def aclose(self) -> None:
        if self._io is not None:
            self._io[1].close()
            self._io = None
