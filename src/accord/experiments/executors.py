"""Where the chunks of an experiment run: in this process, in local worker processes, or on a Dask cluster.

Every executor maps one function over a list of tasks and yields ``(task number, result)`` as tasks
finish, in any order. A task's result depends on the task alone (its runs carry their own seeds), so the
rows are the same whichever executor computes them; only the order of completion differs, and the store
sorts by run.

- :class:`InProcess`: one task after the other, here (no start-up cost; easiest to debug).
- :class:`LocalProcesses`: a pool of worker processes (default: one per core). A worker that dies (killed,
  out of memory) breaks the pool; the unfinished tasks are then resubmitted to a fresh pool.
- :class:`DaskExecutor`: a Dask distributed cluster (``tcp://HOST:PORT``); the scheduler reassigns the
  tasks of a lost worker to the others (Rocklin 2015, "Dask: parallel computation with blocked algorithms
  and task scheduling", SciPy). Workers need accord installed, and GENIUS folders at the same path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from accord.errors import AccordError, InputError

__all__ = ["Executor", "InProcess", "LocalProcesses", "DaskExecutor", "make_executor", "WorkerFailure"]


class WorkerFailure(AccordError):
    """Worker processes kept dying; the finished chunks are kept and ``--resume`` continues."""


class Executor:
    """Base class: ``map(fn, tasks)`` yields ``(index, fn(tasks[index]))`` as tasks finish."""

    name = "base"
    workers = 1

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers and connections."""

    def describe(self) -> dict[str, object]:
        return {"executor": self.name, "workers": self.workers}

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess(Executor):
    """Run every task here, one after the other."""

    name = "in-process"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for i, t in enumerate(tasks):
            yield i, fn(t)


def _worker_init(parent: int) -> None:
    """Set up a worker process: Ctrl-C is left to the parent, and the worker ends when the parent does.

    The parent stops its workers itself on Ctrl-C or an error; a parent killed outright (SIGKILL, out of
    memory) cannot, so each worker watches it: on Linux the kernel sends SIGKILL when the worker's own
    parent (the forkserver) ends, and a watchdog thread checks every half second that the run's process
    still exists. Orphaned workers would otherwise keep computing and race a resumed run.
    """
    import signal
    import sys
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass

    def gone() -> bool:
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # PermissionError: the pid now belongs to another user
            return True
        try:  # a killed parent not yet reaped is a zombie: as good as gone
            with open(f"/proc/{parent}/stat", "rb") as f:
                return f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
        except OSError:
            return False

    def watch() -> None:
        while not gone():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="accord-parent-watch", daemon=True).start()


def _mp_context() -> Any:
    import multiprocessing as mp

    # forkserver: workers fork from a clean server process (no threads of ours, e.g. a progress bar),
    # with accord already imported; spawn where forkserver does not exist.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["accord.experiments.worker"])
        return ctx
    return mp.get_context("spawn")


class LocalProcesses(Executor):
    """A pool of ``workers`` local processes; tasks of a worker that died are redone in a fresh pool."""

    name = "processes"

    def __init__(self, workers: int | None = None, max_restarts: int = 5) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise InputError(None, "--workers", "a positive number of worker processes", n)
        self.workers = n
        self.max_restarts = max_restarts
        self.restarts = 0
        self._pool: Any = None

    def _new_pool(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_mp_context(),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )

    def pids(self) -> list[int]:
        """Process ids of the current workers (for monitoring; empty before the first task)."""
        procs = getattr(self._pool, "_processes", None) or {}
        return list(procs)

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending = list(range(len(tasks)))[::-1]  # a stack: pop() gives task 0 first
        window = 2 * self.workers + 1
        running: dict[Any, int] = {}
        if self._pool is None:
            self._pool = self._new_pool()
        try:
            while pending or running:
                while pending and len(running) < window:
                    i = pending.pop()
                    try:
                        running[self._pool.submit(fn, tasks[i])] = i
                    except BrokenProcessPool:
                        pending.append(i)
                        break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED) if running else (set(), None)
                broken = not running
                for fut in done:
                    i = running.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        pending.append(i)
                        broken = True
                        continue
                    yield i, result
                if broken:
                    pending.extend(running.values())
                    running.clear()
                    pending.sort(reverse=True)
                    self.restarts += 1
                    if self.restarts > self.max_restarts:
                        raise WorkerFailure(
                            f"worker processes died {self.restarts} times; the finished chunks are kept "
                            "(continue with --resume)"
                        )
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop at once: cancel what is queued and end the worker processes (chunks in flight are lost)."""
        if self._pool is None:
            return
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=5)
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> dict[str, object]:
        return {"executor": self.name, "workers": self.workers, "restarts": self.restarts}


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster, through a client connected to ``address`` (or a given client)."""

    name = "dask"

    def __init__(self, address: str | None = None, *, client: Any = None, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a declared dependency
            raise InputError(
                None, "--scheduler", "the 'distributed' package (pip install 'dask[distributed]')"
            ) from None
        self.address = address
        self._own = client is None
        if client is None:
            if not address or "://" not in address:
                raise InputError(None, "--scheduler", "a scheduler address such as tcp://HOST:8786", address)
            _probe(address, timeout)
            try:
                client = Client(address, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    None, "--scheduler", f"a reachable Dask scheduler ({type(exc).__name__}: {exc})", address
                ) from None
        self.client = client
        try:
            info = client.scheduler_info()
            self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))
        except (OSError, TimeoutError):
            self.workers = 1

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        futures: list[Any] = [self.client.submit(fn, t, pure=False, retries=2) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut in as_completed(list(futures), loop=self.client.loop):
                i = index[fut.key]
                result = fut.result()
                futures[i] = None  # let the cluster forget it
                yield i, result
        except BaseException:
            self.client.cancel([f for f in futures if f is not None])
            raise

    def close(self) -> None:
        if self._own and self.client is not None:
            self.client.close()
            self.client = None

    def describe(self) -> dict[str, object]:
        return {"executor": self.name, "workers": self.workers, "scheduler": self.address}


def _probe(address: str, timeout: float) -> None:
    """Fail at once, with a clear message, when nothing listens at a tcp:// address."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme != "tcp":
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or not port:
        raise InputError(None, "--scheduler", "a scheduler address such as tcp://HOST:8786", address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(None, "--scheduler", f"a reachable Dask scheduler ({reason})", address) from None


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor the CLI options ask for: ``--scheduler`` wins; ``--workers 1`` runs in this process."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers is not None and workers < 1:
        raise InputError(None, "--workers", "a positive number of worker processes", workers)
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n == 1:
        return InProcess()
    return LocalProcesses(n)
