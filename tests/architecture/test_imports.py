"""Imports run one way, down the flow of data (issue 11, item 4; docs/architecture.md, "Layers").

Every ``import`` in ``src/accord`` counts, at the top of a module or deferred inside a function: a deferred
import may keep start-up lean, never hide an arrow that runs back up or a cycle. The ranks are the layers
of docs/architecture.md; a package may import its own rank or below, and the package graph (and, inside
each package, the module graph) has no cycle. ``KNOWN`` lists the arrows still left, each with the file it
comes from: the list may only shrink (an arrow not listed fails, and so does a listed one that is gone).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "accord"

#: Layer of each package (and top-level module): data flows up from 0.
RANK = {
    "errors": 0,
    "model": 1,
    "bargaining": 1,  # rules of bargaining on arrays (numpy only), for the protocols to call
    "io": 2,
    "strategies": 2,
    "implementation": 2,
    "analysis": 2,
    "forecast": 2,  # stakeholder models on numpy; io resolves a scenario's forecast links with them
    "protocols": 3,
    "experiments": 4,
    "report": 5,
    "api": 6,
    "cli": 7,
    "web": 7,
    "__init__": 8,
    "__main__": 8,
}

#: Arrows up a layer not yet removed: (from module, to package), each in a file outside this change.
KNOWN_UP = {
    ("accord.io.traces", "protocols"),  # the trace writers take a protocols Result
}
#: Arrows inside one layer that close a package cycle (io -> forecast.link -> ...; forecast.api -> io).
KNOWN_CYCLE = {
    ("accord.forecast.api", "io"),
    ("accord.forecast.tables", "io"),  # the bounded file reader and YAML parser of io.yaml_dialect
}
#: Packages whose modules still import each other in a circle (through their ``__init__`` or a registry
#: loader): io (schema <-> yaml_scenario), report (build <-> sections), strategies (base loads every
#: strategy module, each imports base), web (app <-> routes). The list may only shrink.
KNOWN_MODULE_CYCLES = {"io", "report", "strategies", "web"}
#: Engines (model, strategies, implementation, analysis, protocols) never read files; these still do.
KNOWN_READERS: set[str] = set()
ENGINES = ("model", "strategies", "implementation", "analysis", "protocols")
_READS = {"open", "read_text", "read_bytes", "glob", "rglob", "iterdir", "load_talks", "read"}


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def _package(module: str) -> str:
    return module.split(".")[1]


def _imports(path: Path, module: str) -> set[str]:
    out: set[str] = set()
    pkg = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join([*up, base]) if base else ".".join(up)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)  # `from accord.x import module`
    return {m for m in out if m.startswith("accord.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        graph[mod] = {m for m in _imports(path, mod) if m in modules and m != mod}
    return graph


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_package_has_a_rank():
    assert {_package(m) for m in _graph()} <= set(RANK)


def test_no_import_runs_up_a_layer():
    found = set()
    for mod, targets in _graph().items():
        for t in targets:
            if RANK[_package(t)] > RANK[_package(mod)]:
                found.add((mod, _package(t)))
    assert found - KNOWN_UP == set(), "imports running up a layer"
    assert KNOWN_UP - found == set(), "arrows gone: remove them from KNOWN_UP"


def test_no_cycle_between_packages():
    edges: dict[str, set[str]] = defaultdict(set)
    for mod, targets in _graph().items():
        for t in targets:
            arrow = (mod, _package(t))
            if arrow not in KNOWN_UP | KNOWN_CYCLE and _package(t) != _package(mod):
                edges[_package(mod)].add(_package(t))
    assert _cycles(edges) == []


def test_no_cycle_between_modules_of_a_package():
    edges: dict[str, set[str]] = defaultdict(set)
    for mod, targets in _graph().items():
        for t in targets:
            if _package(t) == _package(mod):
                edges[mod].add(t)
    circular = {_package(c[0]) for c in _cycles(edges)}
    assert circular - KNOWN_MODULE_CYCLES == set(), "modules importing each other in a circle"
    assert KNOWN_MODULE_CYCLES - circular == set(), "cycles gone: remove them from KNOWN_MODULE_CYCLES"


def _reads_files(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in _READS:
                return True
    return False


def test_engines_never_read_files():
    readers = {_module(p) for p in SRC.rglob("*.py") if _package(_module(p)) in ENGINES and _reads_files(p)}
    assert readers - KNOWN_READERS == set(), "engines reading files"
    assert KNOWN_READERS - readers == set(), "readers gone: remove them from KNOWN_READERS"


def test_the_checker_sees_deferred_imports_and_cycles(tmp_path):
    """The checker on known inputs: a deferred import is an edge, a two-module loop is a cycle."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from accord.api import run\n    return run\n")
    assert _imports(f, "accord.model.m") == {"accord.api", "accord.api.run"}
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    f.write_text("def g(p):\n    return p.read_text()\n")
    assert _reads_files(f)
