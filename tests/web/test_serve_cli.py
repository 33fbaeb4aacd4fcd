"""`accord serve` as users start it: a real process, bound to 127.0.0.1 by default."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from .conftest import ROOT, free_port


def test_serve_starts_on_localhost_and_answers(tmp_path):
    port = free_port()
    data = tmp_path / "web"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "accord",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--data",
            str(data),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/scenarios", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.time() < deadline, "accord serve did not answer within 60 s"
                time.sleep(0.2)
        assert r.status_code == 200
        assert "hanoi-2019" in {s["id"] for s in r.json()}
        # Listening sockets on the port (Linux /proc/net/tcp: local address in hex, state 0A = LISTEN).
        rows = [ln.split() for ln in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port]
        assert listening == ["0100007F:" + f"{port:04X}"], listening  # 127.0.0.1 only
        assert (data / "web.sqlite").is_file()  # games and uploads persist in the data folder
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_help_and_bad_port():
    p = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert p.returncode == 0 and "127.0.0.1" in p.stdout and "Example" in p.stdout
    p = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--port", "70000"], capture_output=True, text=True, cwd=ROOT
    )
    assert p.returncode == 2 and "--port" in p.stderr and "Traceback" not in p.stderr


def test_serve_refuses_a_short_facilitator_key():
    p = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--facilitator-key", "abc", "--memory-only"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert p.returncode == 2 and "--facilitator-key" in p.stderr and "Traceback" not in p.stderr
