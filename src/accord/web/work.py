"""Heavy work off the event loop, bounded: a thread pool with a queue limit and a per-request time limit,
and upload parsing in a separate process that is killed when it runs too long.

- :class:`Pool`: loading, analysis, charts, runs and pages run on ``workers`` threads; at most ``max_queue``
  requests wait (more: 503 at once) and a request waits at most ``request_timeout`` seconds (then 503; work
  already running finishes and fills the caches, so a retry is served from them). The event loop itself
  never computes, so light routes (a game move, a static file) answer while the pool is busy.
- :func:`check_parse`: an upload is first parsed by ``accord.api.load`` in a child process (forkserver, one
  per upload, at most ``parse_workers`` at once) with a time limit of ``parse_timeout`` seconds; a parse
  that runs over (a YAML alias bomb, say) is killed and answered with a 422 naming the upload. Only files
  that parsed in time are loaded by the server itself. Python threads cannot be stopped from outside; a
  process can, which is why the parse, the one step whose time depends on hostile input alone, runs there.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import forkserver
from pathlib import Path
from typing import Any, TypeVar

from accord.errors import AccordError, InputError, SpaceTooLargeError
from accord.web.limits import Overloaded

T = TypeVar("T")


class Pool:
    """A bounded thread pool for request work (see the module docstring)."""

    def __init__(self, workers: int, max_queue: int, timeout: float, name: str = "accord-web") -> None:
        self.ex = ThreadPoolExecutor(max(1, workers), thread_name_prefix=name)
        self.max_queue = max_queue
        self.timeout = timeout
        self.name = name
        self._pending = 0
        self._lock = threading.Lock()

    def _done(self, _: Any) -> None:
        with self._lock:
            self._pending -= 1

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        with self._lock:
            if self._pending >= self.max_queue:
                raise Overloaded(
                    f"the server is busy: {self._pending} requests are waiting for a worker "
                    f"(max_queue = {self.max_queue}); try again shortly"
                )
            self._pending += 1
        fut = self.ex.submit(fn, *args)
        fut.add_done_callback(self._done)
        limit = self.timeout if timeout is None else timeout
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), limit)
        except TimeoutError:
            raise Overloaded(
                f"the request took longer than {limit:g} s (request_timeout); its work goes on and is "
                "cached, try again shortly"
            ) from None

    def close(self) -> None:
        self.ex.shutdown(wait=False, cancel_futures=True)


_CTX: Any = None
#: Imported once in the fork server, so a parser process starts with the loaders (and their pydantic
#: schemas) ready: the parse time limit then measures the file, not the imports.
PRELOAD = (
    "accord.api",
    "accord.io",
    "accord.io.yaml_scenario",
    "accord.io.schema",
    "accord.io.schema_talks",
    "accord.io.prepare",
    "accord.io.genius",
    "accord.io.geniusweb",
    "accord.experiments.params",
)
#: Seconds a parser process may take to start (a busy machine), before its parse time limit starts.
STARTUP = 30.0


def _context() -> Any:
    global _CTX
    if _CTX is None:
        try:
            _CTX = mp.get_context("forkserver")
            _CTX.set_forkserver_preload(list(PRELOAD))
        except ValueError:  # pragma: no cover - platforms without forkserver
            _CTX = mp.get_context("spawn")
    return _CTX


def start_parser() -> None:
    """Start the fork server now (with its modules preloaded), so the first upload after a start does not
    wait for it (about 2 s on a busy machine, against 0.3 s for the uploads after it)."""
    if _context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def _parse(path: str, conn: Any) -> None:
    """In the child: load the file; send back None or the fields of the InputError."""
    from accord import api

    conn.send("ready")  # the time limit counts from here: process start-up is not the file's fault
    try:
        api.load(path)
        conn.send(None)
    except InputError as exc:
        got = None if exc.got is None else str(exc.got)[:200]
        conn.send(
            (type(exc) is SpaceTooLargeError, exc.file, exc.field, exc.expected, got, exc.line, exc.more)
        )
    except AccordError as exc:
        conn.send((False, path, None, str(exc), None, None, 0))
    except Exception as exc:  # noqa: BLE001 - any failure of a hostile file is a refusal, not a crash
        conn.send(
            (False, path, None, "a scenario file accord can read", f"{type(exc).__name__}: {exc}", None, 0)
        )
    finally:
        conn.close()


def check_parse(path: Path, label: str, timeout: float) -> None:
    """Parse ``path`` in a child process within ``timeout`` seconds; raise its InputError, or one for a
    parse that ran over (the child is killed)."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_parse, args=(str(path), send), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(STARTUP) or recv.recv() != "ready":
            raise Overloaded("the upload parser did not start; try again shortly")
        if not recv.poll(timeout):
            raise InputError(
                label,
                None,
                f"a file that parses within {timeout:g} s (parse_timeout); this one took longer "
                "(deeply nested YAML aliases?)",
            )
        try:
            res = recv.recv()
        except EOFError:
            raise InputError(label, None, "a scenario file accord can read (the parser stopped)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()
    if res is not None:
        big, file, field, expected, got, line, more = res
        cls = SpaceTooLargeError if big else InputError
        raise cls(file, field, expected, got, line=line, more=more)
