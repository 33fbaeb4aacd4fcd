"""``accord protocols``: every registered protocol (built in and installed), with its citation."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def _rows() -> list[dict[str, str]]:
    from accord.protocols.registry import available_protocols

    return [
        {"name": i.name, "description": i.description, "citation": i.citation}
        for i in available_protocols().values()
    ]


def protocols(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of {name, description, citation}.")
    ] = False,
) -> None:
    """List the negotiation protocols a scenario can name in protocol: {type: NAME}.

    Example: accord protocols --json
    """
    rows = _rows()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Protocols")
    for col in ("name", "description", "citation"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["description"], r["citation"])
    console = Console()
    console.print(table)
    console.print("Strategies of a protocol: accord strategies --protocol NAME")


def register(app: typer.Typer) -> None:
    app.command("protocols")(protocols)
