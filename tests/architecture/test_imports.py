"""Imports run one way, down the flow of data (issue 11, item 4; docs/architecture.md, "Layers").

Every ``import`` in ``src/accord`` counts, at the top of a module or deferred inside a function: a deferred
import may keep start-up lean, never hide an arrow that runs back up or a cycle. The ranks are the layers
of docs/architecture.md; a package may import its own rank or below, and the package graph (and, inside
each package, the module graph) has no cycle. A deferred import must save loading something (its module
is not loaded anyway by the importer's top-level imports) and must not close a circle. ``KNOWN`` lists what
is still left, each with the file it comes from: the lists may only shrink (an arrow not listed fails, and
so does a listed one that is gone). No source file is over 600 lines.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Container
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "accord"

#: Layer of each package (and top-level module): data flows up from 0.
RANK = {
    "errors": 0,
    "yaml_dialect": 1,  # the YAML dialect and bounded file reader, for io's scenarios and forecast's tables
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
KNOWN_UP: set[tuple[str, str]] = set()  # none left: the test keeps it so
#: Arrows inside one layer that close a package cycle: none left (the test keeps it so).
KNOWN_CYCLE: set[tuple[str, str]] = set()
#: Packages whose modules still import each other in a circle: none left (the test keeps it so).
KNOWN_MODULE_CYCLES: set[str] = set()
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


def _statement(
    node: ast.Import | ast.ImportFrom, path: Path, module: str, modules: Container[str] | None = None
) -> set[str]:
    """What one import statement names. Given the tree's ``modules``, ``from accord.x import y`` names
    ``accord.x.y`` if that is a module and ``accord.x`` only for a name its ``__init__`` defines (a package's
    ``__init__`` runs before any of its modules anyway: importing a module from it is no arrow to it);
    without, it names both."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names}
    pkg = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = node.module or ""
    if node.level:
        up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
        base = ".".join([*up, base]) if base else ".".join(up)
    subs = {f"{base}.{a.name}" for a in node.names}
    if modules is None:
        return {base, *subs}
    found = {m for m in subs if m in modules}
    return found if len(found) == len(subs) else {base, *found}


def _imports(path: Path, module: str, modules: Container[str] | None = None) -> set[str]:
    """Every module of accord that ``path`` imports, at the top or deferred inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import | ast.ImportFrom):
            out |= _statement(node, path, module, modules)
    return {m for m in out if m.startswith("accord.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        graph[mod] = {m for m in _imports(path, mod, modules) if m in modules and m != mod}
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


# ------------------------------------------------------------------------------------------ deferred imports
#: A deferred import (inside a function) is there to keep start-up lean, so it must save loading something.
#: Two kinds do not, and are listed here with their reason (the lists may only shrink):
#: those that close a circle of imports (the circles of KNOWN_MODULE_CYCLES), as (module, target) ...
KNOWN_DEFERRED_CYCLES: set[tuple[str, str]] = set()  # none left: the test keeps it so
#: ... and those of a module the importer loads anyway at its top, as (module, target): none left.
KNOWN_DEFERRED_LOADED: set[tuple[str, str]] = set()
#: No source file is longer than this (docs/architecture.md).
MAX_LINES = 600


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level(path: Path, module: str, modules: Container[str]) -> set[str]:
    """What a module imports when it is imported: its module-level imports (also under ``if`` and ``try``,
    not under ``if TYPE_CHECKING``), accord's and others' alike."""
    out: set[str] = set()

    def walk(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                out.update(_statement(node, path, module, modules))
            elif isinstance(node, ast.If) and not _type_checking(node.test):
                walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                for h in node.handlers:
                    walk(h.body)
                walk(node.orelse)
                walk(node.finalbody)

    walk(ast.parse(path.read_text()).body)
    return out


def _deferred(path: Path, module: str, modules: Container[str]) -> list[tuple[int, set[str]]]:
    """Every import inside a function: (line, what it names)."""
    found: dict[int, set[str]] = {}
    for fn in ast.walk(ast.parse(path.read_text())):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found[node.lineno] = _statement(node, path, module, modules)
    return sorted(found.items())


def _parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:k]) for k in range(1, len(parts))}


class _Tree:
    """The tree's modules, what each imports at its top, and what importing one loads."""

    def __init__(self) -> None:
        self.paths = {_module(p): p for p in SRC.rglob("*.py")}
        self.top = {m: _top_level(p, m, self.paths) for m, p in self.paths.items()}

    def explicit(self, module: str) -> set[str]:
        """Modules of accord loaded by importing ``module``, through import statements only."""
        out, todo = {module}, [module]
        while todo:
            for t in self.top[todo.pop()]:
                if t in self.paths and t not in out:
                    out.add(t)
                    todo.append(t)
        return out

    def loaded(self, module: str) -> set[str]:
        """Every module importing ``module`` loads (its packages too), and the top-level names of the
        other libraries those import at their top."""
        out, todo = {module, *_parents(module)}, [module, *_parents(module)]
        while todo:
            for t in self.top.get(todo.pop(), ()):
                for name in (t, *_parents(t)):
                    if name not in out:
                        out.add(name)
                        if name in self.paths:
                            todo.append(name)
        return {n if n.startswith("accord") else n.split(".")[0] for n in out}


def _deferred_findings() -> tuple[set[tuple[str, str]], set[tuple[str, str]], int]:
    tree = _Tree()
    cycles: set[tuple[str, str]] = set()
    loaded: set[tuple[str, str]] = set()
    count = 0
    for mod, path in tree.paths.items():
        have = tree.loaded(mod)
        for _, names in _deferred(path, mod, tree.paths):
            count += 1
            ours = {n for n in names if n in tree.paths}
            others = {n.split(".")[0] for n in names if not n.startswith("accord")}
            cycles |= {(mod, t) for t in ours if mod in tree.explicit(t)}
            if ours and ours <= have and not any(mod in tree.explicit(t) for t in ours):
                loaded |= {(mod, t) for t in ours}
            loaded |= {(mod, t) for t in others if t in have}
    return cycles, loaded, count


def test_a_deferred_import_never_hides_a_cycle():
    """Moved to the top, a deferred import must not make a module import itself (only the circles still
    listed do)."""
    cycles, _, _ = _deferred_findings()
    assert cycles - KNOWN_DEFERRED_CYCLES == set(), "deferred imports closing a circle"
    assert KNOWN_DEFERRED_CYCLES - cycles == set(), "gone: remove them from KNOWN_DEFERRED_CYCLES"


def test_a_deferred_import_saves_loading_something():
    """A deferred import names a module its importer does not load anyway at its top (else it belongs
    at the top)."""
    _, loaded, _ = _deferred_findings()
    assert loaded - KNOWN_DEFERRED_LOADED == set(), "deferred imports of modules loaded anyway: hoist them"
    assert KNOWN_DEFERRED_LOADED - loaded == set(), "gone: remove them from KNOWN_DEFERRED_LOADED"


def test_no_source_file_is_longer_than_600_lines():
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_deferred_checker_on_known_inputs(tmp_path, monkeypatch):
    """A module importing ``a`` at the top and again inside a function saves nothing; one importing ``b``
    inside a function, where ``b`` imports it back at the top, hides a cycle."""
    pkg = tmp_path / "accord"
    (pkg / "p").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "p" / "__init__.py").write_text("")
    (pkg / "p" / "a.py").write_text("import json\n")
    (pkg / "p" / "b.py").write_text("from accord.p import m\n")
    (pkg / "p" / "m.py").write_text(
        "import json\nfrom accord.p import a\n\n"
        "def f():\n    from accord.p import a, b\n    import json\n    import csv\n    return a, b, json, csv\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", pkg)
    cycles, loaded, count = _deferred_findings()
    assert count == 3
    assert cycles == {("accord.p.m", "accord.p.b")}
    assert loaded == {("accord.p.m", "json")}  # a and b are named together: b saves loading b
