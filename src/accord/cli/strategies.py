"""``accord strategies``: every registered strategy (and, with ``--boa``, every BOA component)."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def _rows(boa: bool, protocol: str = "alternating_offers") -> list[dict[str, str]]:
    if boa:
        from accord.strategies.boa.parts import available_components
        from accord.strategies.catalog import load_builtin

        load_builtin()  # the agents register their own parts
        return [
            {"name": i.name, "family": f"boa-{i.kind}", "source": i.source, "description": i.description}
            for i in available_components().values()
        ]
    from accord.protocols.registry import available_protocols
    from accord.strategies.catalog import available

    if protocol != "all" and protocol not in available_protocols():
        from accord.errors import InputError

        names = [*available_protocols(), "all"]
        raise InputError(None, "--protocol", f"a protocol among {names}", protocol)
    return [
        {"name": i.name, "family": i.family, "source": i.source, "description": i.description}
        for i in available(None if protocol == "all" else protocol).values()
    ]


def strategies(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of {name, family, source, description}.")
    ] = False,
    boa: Annotated[
        bool, typer.Option("--boa", help="List the BOA components (bidding, model, acceptance) instead.")
    ] = False,
    protocol: Annotated[
        str,
        typer.Option("--protocol", help="The protocol whose strategies to list (accord protocols), or all."),
    ] = "alternating_offers",
) -> None:
    """List the negotiation strategies: name, family, source and a one-line description.

    Built-in and installed ones (entry points of group accord.strategies) playing the protocol
    (default: alternating offers; --protocol single_text for the mediated single text).

    Compose your own with boa(bidding=..., model=..., acceptance=...), e.g.
    accord run SCENARIO --negotiators "boa(bidding=boulware,model=frequency,acceptance=ac_combi(t=0.98)),hardheaded"
    """
    rows = _rows(boa, protocol)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="BOA components" if boa else "Strategies", show_lines=False)
    for col in ("name", "family", "source", "description"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["family"], r["source"], r["description"])
    console = Console()
    console.print(table)
    if not boa and protocol == "alternating_offers":
        console.print(
            "Compose: boa(bidding=NAME, model=NAME, acceptance=NAME(params)); parts: accord strategies --boa"
        )


def register(app: typer.Typer) -> None:
    app.command("strategies")(strategies)
