"""The pages' stylesheet and scripts (``static/``), served from memory.

The folder holds a few small files that never change while the server runs, and every student's browser asks
for them on its first page: they are read once when the app is made and answered from a dict, with an ETag
(a conditional request gets 304) and ``Cache-Control`` so a browser asks again at most hourly. Starlette's
``StaticFiles`` looked each file up on disk from a worker thread per request, the slowest request of a class's
first minute (p99 2.1-2.4 s at 200 players on a shared machine). Only the names found in the folder exist:
anything else, ``..`` included, is 404.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from starlette.responses import Response


class Assets:
    """An ASGI app answering ``GET``/``HEAD`` for the files of ``folder`` (read once, see the module)."""

    def __init__(self, folder: Path, max_age: int = 3600) -> None:
        self.files: dict[str, tuple[bytes, str, str]] = {}
        for p in sorted(folder.iterdir()):
            if p.is_file() and not p.name.startswith("."):
                data = p.read_bytes()
                kind = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind.endswith("javascript"):
                    kind += "; charset=utf-8"
                self.files[p.name] = (data, kind, '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
        self.cache = f"public, max-age={max_age}"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        name = scope["path"].rpartition("/")[2] if scope["path"].count("/") <= 2 else ""
        hit = self.files.get(name)
        if scope["method"] not in ("GET", "HEAD"):
            out = Response('{"error":{"message":"Method Not Allowed"}}', 405, {"Allow": "GET, HEAD"})
            out.media_type = "application/json"
        elif hit is None:
            out = Response('{"error":{"message":"Not Found"}}', 404, media_type="application/json")
        else:
            data, kind, etag = hit
            headers = {"ETag": etag, "Cache-Control": self.cache}
            inm = dict(scope.get("headers") or []).get(b"if-none-match", b"").decode("latin-1")
            if etag in [t.strip() for t in inm.split(",")]:
                out = Response(b"", 304, headers)
            else:
                out = Response(b"" if scope["method"] == "HEAD" else data, 200, headers, media_type=kind)
                if scope["method"] == "HEAD":
                    out.headers["content-length"] = str(len(data))
        await out(scope, receive, send)
