"""Settings of the web app: where the scenario library is, and the safety limits.

Every limit has a default that keeps a server on a small machine responsive; ``accord serve`` exposes the
ones an operator may want to change. No setting ever comes from a web request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_library() -> tuple[Path, ...]:
    """The scenario folders: ``$ACCORD_SCENARIOS`` (paths separated by ``os.pathsep``), else the repository's
    ``scenarios/`` folder next to the package (src layout), else ``./scenarios``."""
    env = os.environ.get("ACCORD_SCENARIOS")
    if env:
        return tuple(Path(p).resolve() for p in env.split(os.pathsep) if p)
    here = Path(__file__).resolve()
    for up in here.parents[2:4]:
        cand = up / "scenarios"
        if cand.is_dir():
            return (cand,)
    return (Path.cwd() / "scenarios",)


@dataclass
class Settings:
    """Configuration of one app instance (see docs/web.md, "Safety limits")."""

    #: Folders whose ``*.yaml`` scenarios, GENIUS/GeniusWeb sub-folders and ``*.csv`` stakeholder tables form
    #: the library; ids are file (or folder) stems, the first folder wins on a clash.
    library: tuple[Path, ...] = field(default_factory=default_library)
    #: Largest upload (a YAML file or a zip of a GENIUS folder), in bytes.
    max_upload_bytes: int = 1_000_000
    #: Largest total size of the files extracted from an uploaded zip, in bytes, and most files in it.
    max_unzipped_bytes: int = 5_000_000
    max_zip_files: int = 50
    #: Largest outcome space the server compiles (library scenarios and uploads alike).
    max_outcomes: int = 5_000_000
    #: Uploaded scenarios kept at once (oldest dropped first) and how long, in seconds.
    max_uploads: int = 100
    upload_ttl: float = 6 * 3600.0
    #: Games kept at once (oldest idle dropped first) and how long an idle game lives, in seconds.
    max_games: int = 1000
    game_ttl: float = 2 * 3600.0
    #: Most rounds of a negotiation or a game.
    max_rounds: int = 1000
    #: Most runs of one Monte Carlo batch, and batches running at once (more get HTTP 429).
    max_montecarlo_runs: int = 2000
    max_jobs: int = 2
    #: Finished batches kept for their results.
    max_finished_jobs: int = 50
    #: Most runs of a simulated implementation.
    max_implementation_runs: int = 5000
    #: Outcomes drawn one by one in the utility-space chart; above this the chart shows a density image.
    chart_points: int = 4000
    #: Fair shares (see docs/web.md, "Limits"). A client is one browser (a signed cookie); beyond its share a
    #: request gets 429 with the limit in the message, and nobody's open game is ever evicted by another's.
    max_open_games_per_client: int = 20
    #: Finished games kept per client (its oldest finished ones are dropped first).
    max_finished_games_per_client: int = 50
    #: Games started from one network address (every client behind it together), at most.
    max_games_per_address: int = 500
    max_jobs_per_client: int = 1
    #: Uploads kept per client (its own oldest is dropped first, folder and caches included).
    max_uploads_per_client: int = 10
    #: Uploads kept from one network address (every client behind it together); beyond it 429, so a
    #: client that drops its cookie to get a fresh share each time cannot push anyone's upload out.
    max_uploads_per_address: int = 30
    #: Heavy work (loading, analysis, charts, runs) runs in a pool of ``workers`` threads, at most
    #: ``max_queue`` requests waiting; a request waits at most ``request_timeout`` seconds (then 503).
    workers: int = 4
    #: Threads for game moves and reads (a machine strategy answers in the move), apart from heavy work.
    game_workers: int = 3
    max_queue: int = 256
    request_timeout: float = 20.0
    #: Parsing an upload runs in a separate process, killed after ``parse_timeout`` seconds (then 422).
    parse_timeout: float = 5.0
    #: Load, analyse and chart the library's scenarios once at start (in the background).
    warm: bool = True
    #: Memory budget of one compiled scenario (utilities, constraint masks), in bytes: larger spaces are
    #: refused before anything is allocated.
    max_compiled_bytes: int = 400_000_000
    #: The frontier in one analysis response, at most (``offset`` and ``limit`` page through the rest).
    page_size: int = 1000
    #: Key of the facilitator view (``/facilitator``); None: the view is off.
    facilitator_key: str | None = None
    #: Folder where games and uploads persist (SQLite ``web.sqlite`` and ``uploads/``); None: memory only.
    data_dir: Path | None = None
    #: Secret signing the client cookies (default: made once and kept in ``data_dir``, else per process).
    secret: bytes | None = None
    #: Stakeholder tables shown on a scenario's page: scenario id -> table id (both in the library).
    forecast_links: dict[str, str] = field(default_factory=lambda: {"hanoi-2019": "nk-sanctions-2019"})
