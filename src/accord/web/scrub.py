"""No server path in a response: error texts without the server's own folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from accord.web.state import WebState

HERE = Path(__file__).resolve().parent


def scrub(text: str, state: WebState) -> str:
    """``text`` without the server's own folders (library, uploads, package, temporary folder): a response
    names scenarios and tables by id and uploads by their label, never by a path on the server."""
    roots = [str(p) for p in state.settings.library] + [str(state.upload_dir), str(HERE.parents[1])]
    roots.append(str(Path.cwd()))
    roots.append(tempfile.gettempdir())
    for r in sorted(set(roots), key=len, reverse=True):
        text = text.replace(r + os.sep, "").replace(r, "")
    return text
