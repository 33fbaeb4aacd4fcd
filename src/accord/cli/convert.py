"""``accord convert IN OUT``: move a scenario between accord YAML, GENIUS XML and GeniusWeb JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def convert(
    src: Annotated[
        Path,
        typer.Argument(
            metavar="IN",
            help="Scenario: accord .yaml, a GENIUS/GeniusWeb folder, or a .xml/.json file in one.",
        ),
    ],
    dst: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            help="Output: .yaml/.yml (accord), a folder or .xml (GENIUS), .json (GeniusWeb). "
            "A .xml/.json path names the domain file; profiles go beside it as <party>.xml/.json.",
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Output format, overriding the path: genius, geniusweb or yaml."),
    ] = None,
    parties: Annotated[
        str | None,
        typer.Option("--parties", "-p", help="Comma-separated party (profile) names to keep, or 'all'."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output (a folder's scenario files only).")
    ] = False,
    drop_discount: Annotated[
        bool,
        typer.Option(
            "--drop-discount", help="Allow discounted parties into GeniusWeb, which has no discount."
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="GeniusWeb: standard keys only (the reservation value becomes a reservationBid's utility).",
        ),
    ] = False,
) -> None:
    """Convert a scenario; the output is read back and checked before it is moved into place.

    Example: accord convert ../shared/data/genius/Laptop laptop.yaml
    Example: accord convert laptop.yaml out/laptop-gw --to geniusweb --drop-discount
    """
    import warnings

    from accord.cli.core import _split
    from accord.io.convert import convert as run_convert
    from accord.io.genius import FormatWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FormatWarning)
        result = run_convert(
            src, dst, to, _split(parties), force=force, drop_discount=drop_discount, strict=strict
        )
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    checked = "utilities checked" if result.verified else "not checked: too many outcomes to enumerate"
    typer.echo(
        f"wrote {result.format}: {len(result.paths)} file(s), parties {', '.join(result.parties)} ({checked})"
    )
    for p in result.paths:
        typer.echo(f"  {p}")


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
