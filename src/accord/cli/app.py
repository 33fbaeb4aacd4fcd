"""The Typer application, its error handling, and the registration of every command module.

Errors of accord's own types become one line on stderr and exit code 2; no traceback.
Command modules import their heavy dependencies inside the command functions so start-up stays lean.
"""

from __future__ import annotations

import sys

import typer

from accord.cli.lines import warnings_as_lines
from accord.errors import AccordError

app = typer.Typer(
    name="accord",
    help="Model, simulate and forecast negotiations.\n\nExample: accord run scenarios/hanoi-2019.yaml --seed 0",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Command modules; each has ``register(app)``. Missing optional modules are skipped.
COMMAND_MODULES = (
    "accord.cli.core",
    "accord.cli.forecast",
    "accord.cli.strategies",
    "accord.cli.protocols",
    "accord.cli.convert",
    "accord.cli.experiments",
    "accord.cli.talks",
    "accord.cli.serve",
)


def _register_all() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).register(app)


def fail(message: str) -> None:
    """Print one line on stderr and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    warnings_as_lines()
    _register_all()
    try:
        app(args=argv, standalone_mode=True)
    except AccordError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
