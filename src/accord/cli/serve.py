"""``accord serve``: the web app (FastAPI + uvicorn) on 127.0.0.1 by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli.app import fail


def serve(
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind; 127.0.0.1 keeps the server private to this machine."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    scenarios: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenarios", help="Scenario folder(s) to serve (default: the repository's scenarios/)."
        ),
    ] = None,
    max_outcomes: Annotated[
        int, typer.Option("--max-outcomes", help="Largest outcome space compiled (library and uploads).")
    ] = 5_000_000,
    max_upload: Annotated[int, typer.Option("--max-upload", help="Largest upload in bytes.")] = 1_000_000,
    facilitator_key: Annotated[
        str | None,
        typer.Option(
            "--facilitator-key",
            help="Turn on the facilitator view (/facilitator: every game of a class, live) behind this key.",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder where games and uploads persist across restarts (SQLite; default runs/web).",
        ),
    ] = Path("runs/web"),
    memory_only: Annotated[
        bool, typer.Option("--memory-only", help="Keep games and uploads in memory only (lost on restart).")
    ] = False,
    retention: Annotated[
        float, typer.Option("--retention", help="Hours an idle game or an upload is kept (then forgotten).")
    ] = 6.0,
    games_per_player: Annotated[
        int, typer.Option("--games-per-player", help="Open games one player (browser) may hold at once.")
    ] = 20,
    workers: Annotated[
        int, typer.Option("--workers", help="Threads for heavy work (analysis, charts, runs).")
    ] = 4,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve the web app: scenario library, analysis, runs, Monte Carlo, play against the machine, uploads.

    Example: accord serve --port 8000   (then open http://127.0.0.1:8000/)
    A class: accord serve --host 0.0.0.0 --facilitator-key KEY   (students open /scenarios/ID/play?group=NAME)
    """
    try:
        import uvicorn

        from accord.web import Settings, create_app
    except ImportError as exc:  # pragma: no cover - the web dependencies are part of the install
        fail(f"the web app needs fastapi and uvicorn ({exc}); pip install 'accord'")
        return
    if not 0 < port < 65536:
        fail(f"--port: expected a TCP port 1-65535, got {port}")
    kw = {}
    if scenarios:
        for p in scenarios:
            if not p.is_dir():
                fail(f"--scenarios: expected an existing folder, got {str(p)!r}")
        kw["library"] = tuple(p.resolve() for p in scenarios)
    if retention <= 0:
        fail(f"--retention: expected a positive number of hours, got {retention}")
    if games_per_player < 1 or workers < 1:
        fail("--games-per-player and --workers: expected at least 1")
    if facilitator_key is not None and len(facilitator_key) < 8:
        fail("--facilitator-key: expected a key of at least 8 characters")
    if not memory_only and data is not None:
        kw["data_dir"] = data.resolve()
    settings = Settings(
        max_outcomes=max_outcomes,
        max_upload_bytes=max_upload,
        facilitator_key=facilitator_key,
        game_ttl=retention * 3600.0,
        upload_ttl=retention * 3600.0,
        max_open_games_per_client=games_per_player,
        workers=workers,
        **kw,  # type: ignore[arg-type]
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: serving on {host}: anyone who can reach this address can use the app", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


def register(app: typer.Typer) -> None:
    app.command()(serve)
