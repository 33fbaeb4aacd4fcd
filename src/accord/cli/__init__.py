"""The command line: thin wrappers that parse arguments, call accord.api, and print.

:func:`main` answers the scripted form ``accord analyze PATH [--parties a,b] --json`` itself, without
building the Typer application: start-up is most of that command's time (Typer and the pydantic it pulls
in take longer to import than a 10^6-outcome analysis takes to run). It prints exactly what the Typer
command prints (the same ``accord.api.analyze``, the same JSON) and fails the same way (one line on
stderr, exit code 2). Every other command line, including ``--help``, other options and malformed
arguments, goes to the Typer application in :mod:`accord.cli.app`.
"""

from __future__ import annotations

import sys

__all__ = ["app", "main", "split_list", "warnings_as_lines"]


def split_list(value: str | None) -> list[str] | None:
    """Split a comma-separated option at top-level commas (commas inside parentheses stay)."""
    if not value:
        return None
    out, depth, cur = [], 0, ""
    for ch in value:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def fast_analyze_args(args: list[str]) -> tuple[str, str | None] | None:
    """``(path, parties)`` if ``args`` is ``analyze PATH [--parties X | -p X | --parties=X] --json``.

    Anything else (no ``--json``, ``--help``, an unknown option, a missing or second path, an option value
    that looks like an option) returns None and is left to Typer, which owns the help and the errors.
    """
    if len(args) < 2 or args[0] != "analyze":
        return None
    path: str | None = None
    parties: str | None = None
    as_json = False
    i = 1
    while i < len(args):
        a = args[i]
        if a == "--json":
            as_json = True
        elif a in ("--parties", "-p"):
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                return None
            parties = args[i + 1]
            i += 1
        elif a.startswith("--parties="):
            parties = a.partition("=")[2]
        elif a.startswith("-") or path is not None:
            return None
        else:
            path = a
        i += 1
    if not as_json or path is None:
        return None
    return path, parties


def _analyze_json(path: str, parties: str | None) -> None:
    import json
    from pathlib import Path

    from accord.errors import AccordError

    try:
        from accord import api

        text = json.dumps(api.analyze(Path(path), split_list(parties)), indent=2, default=str)
    except AccordError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        sys.exit(1)


def warnings_as_lines() -> None:
    """Show the library's warnings as one line each on stderr (``note:`` for which profiles of a folder
    became the parties, ``warning:`` for the rest), not Python's two-line form with a source line."""
    import warnings

    from accord.io.folder import ProfileChoice

    warnings.filterwarnings("default", category=ProfileChoice)

    def show(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
        label = "note" if category.__name__ == "ProfileChoice" else "warning"
        sys.stderr.write(f"{label}: {message}\n")

    warnings.showwarning = show


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    warnings_as_lines()
    fast = fast_analyze_args(sys.argv[1:] if argv is None else list(argv))
    if fast is not None:
        _analyze_json(*fast)
        return
    from accord.cli.app import main as typer_main

    typer_main(argv)


def __getattr__(name: str) -> object:
    if name == "app":
        from accord.cli.app import app

        return app
    raise AttributeError(f"module 'accord.cli' has no attribute {name!r}")
