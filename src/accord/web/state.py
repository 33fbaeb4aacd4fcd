"""What one app instance holds: settings, the library, games, Monte Carlo jobs, the upload folder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from accord.web.game import GameStore
from accord.web.jobs import JobStore
from accord.web.library import Library
from accord.web.settings import Settings


class WebState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.library = Library(settings)
        self.games = GameStore(settings.max_games, settings.game_ttl)
        self.jobs = JobStore(settings.max_jobs, settings.max_finished_jobs)
        self.upload_dir = Path(tempfile.mkdtemp(prefix="accord-web-uploads-"))

    def close(self) -> None:
        shutil.rmtree(self.upload_dir, ignore_errors=True)
