"""Fixtures of the web tests: an app on the repository's scenario library, a live uvicorn server on
127.0.0.1 (a free port), and scenario files generated for the tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def linear_yaml(issues: int, values: int, name: str = "Generated linear domain", deadline: int = 30) -> str:
    """A two-party linear-additive scenario of values**issues outcomes with opposed, unequal preferences."""
    iss = [f"i{k}" for k in range(issues)]
    vals = [f"v{j}" for j in range(values)]
    lines = [f"name: {name}", "description: generated for the tests", "issues:"]
    lines += [f"  {i}: {{values: [{', '.join(vals)}], ordered: true}}" for i in iss]
    lines.append("parties:")
    total = issues * (issues + 1) / 2
    for p, up in (("a", True), ("b", False)):
        w = {i: (k + 1 if up else issues - k) / total for k, i in enumerate(iss)}
        lines.append(f"  {p}:")
        lines.append("    weights: {" + ", ".join(f"{i}: {w[i]!r}" for i in iss) + "}")
        lines.append("    scores:")
        for k, i in enumerate(iss):
            if up:
                sc = {v: j / (values - 1) for j, v in enumerate(vals)}
            else:
                sc = {v: 1 - (j / (values - 1)) ** (1 + k / 3) for j, v in enumerate(vals)}
            lines.append(f"      {i}: {{" + ", ".join(f"{v}: {s!r}" for v, s in sc.items()) + "}")
        lines.append("    reservation: 0.2")
    lines.append(f"protocol: {{deadline: {deadline}}}")
    return "\n".join(lines) + "\n"


def alias_bomb(levels: int = 9) -> str:
    """A YAML 'billion laughs': each level nine aliases of the one before (about 1 KB at 9 levels)."""
    lines = ["name: bomb", 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, levels):
        lines.append(f"l{k}: &l{k} [" + ",".join([f"*l{k - 1}"] * 9) + "]")
    lines.append(f"issues: {{a: [x, y]}}\nparties: {{p: *l{levels - 1}}}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def extra_library(tmp_path_factory) -> Path:
    """A second library folder: a 10^4-outcome linear domain (the density chart) and a small one."""
    d = tmp_path_factory.mktemp("library")
    (d / "linear-10k.yaml").write_text(linear_yaml(4, 10, "Linear 10^4"))
    (d / "linear-small.yaml").write_text(linear_yaml(2, 4, "Linear 16"))
    return d


@pytest.fixture(scope="session")
def settings(extra_library):
    from accord.web import Settings

    return Settings(library=(SCENARIOS, extra_library))


@pytest.fixture(scope="session")
def app(settings):
    from accord.web import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


class LiveServer:
    def __init__(self, app, port: int) -> None:
        import uvicorn

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("uvicorn did not start within 20 s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(settings):
    """A real uvicorn server on 127.0.0.1 and a free port, serving a fresh app."""
    from accord.web import create_app

    srv = LiveServer(create_app(settings), free_port()).start()
    yield srv
    srv.stop()
