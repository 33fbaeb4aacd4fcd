"""Uploaded scenarios: accord YAML text, or a zip of a GENIUS / GeniusWeb folder.

The upload is written into a fresh directory under the server's own temporary folder with a name the
server makes (never a name or path from the request); a zip's members are read in memory, only ``.xml``
and ``.json`` files are kept, each under a sanitised base name, and the total size and file count are
bounded. The scenario is then loaded by ``accord.api.load`` and refused above the outcome-space limit.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import zipfile
import zlib
from pathlib import Path

from accord.errors import InputError
from accord.web.library import Entry, Library, relabel
from accord.web.settings import Settings
from accord.web.work import check_parse

_SAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def safe_name(name: str, default: str = "scenario") -> str:
    """A file name made of letters, digits, ``_.-`` only, without directories or a leading dot."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _SAFE.sub("_", base).lstrip(".")[:80]
    return base or default


def save_upload(
    lib: Library, root: Path, filename: str, data: bytes, owner: str = "", address: str = ""
) -> Entry:
    """Store an upload, parse it in a child process within ``parse_timeout`` (:func:`accord.web.work.check_parse`),
    load it, and add it to the library; raises InputError naming the problem (its folder removed)."""
    s: Settings = lib.settings
    label = safe_name(filename)
    if len(data) > s.max_upload_bytes:
        raise InputError(
            label, None, f"an upload of at most {s.max_upload_bytes:,} bytes", f"{len(data):,} bytes"
        )
    if not data:
        raise InputError(label, None, "a non-empty file")
    lib.check_upload_share(owner, address)  # refused before the parse; checked again when kept
    token = "upload-" + secrets.token_hex(6)
    folder = root / token
    folder.mkdir(parents=True)
    is_zip = data[:4] == b"PK\x03\x04"
    try:
        if is_zip:
            stem = re.sub(r"\.zip$", "", label, flags=re.I) or "genius"
            target = folder / safe_name(stem, "genius")
            target.mkdir()
            _extract(data, target, label, s)
        else:
            if not label.lower().endswith((".yaml", ".yml")):
                label = re.sub(r"\.[A-Za-z0-9]*$", "", label) + ".yaml"
            target = folder / label
            target.write_bytes(data)
        check_parse(target, label, s.parse_timeout)
        entry = Entry(token, target, "scenario", label=label, uploaded=True, owner=owner, address=address)
        lib.add_upload(entry)
        try:
            lib.scenario(token)  # validates; InputError relabelled to the upload's name
        except InputError:
            lib.discard_upload(token)
            raise
        return entry
    except InputError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if exc.file and str(folder) in exc.file:
            raise relabel(exc, Entry(token, target, "scenario", label=label)) from None
        raise


def _extract(data: bytes, target: Path, label: str, s: Settings) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(label, None, "a zip archive of a GENIUS or GeniusWeb folder") from None
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) > s.max_zip_files:
        raise InputError(label, None, f"at most {s.max_zip_files} files in the zip", len(members))
    total = 0
    kept = 0
    for m in members:
        name = safe_name(m.filename, "")
        if not name.lower().endswith((".xml", ".json")):
            continue
        if (target / name).exists():
            raise InputError(
                label, m.filename, "file names that are unique in the zip (folders are flattened)"
            )
        total += m.file_size
        if total > s.max_unzipped_bytes:
            raise InputError(label, None, f"at most {s.max_unzipped_bytes:,} bytes once unzipped")
        try:
            with zf.open(m) as src:
                blob = src.read(s.max_unzipped_bytes + 1)  # the declared size may lie
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise InputError(
                label,
                m.filename,
                "a readable zip member (intact, unencrypted, deflated or stored)",
                str(exc)[:120],
            ) from None
        if len(blob) != m.file_size:
            raise InputError(label, m.filename, "a zip whose files have their declared sizes")
        (target / name).write_bytes(blob)
        kept += 1
    if kept == 0:
        raise InputError(
            label, None, "a zip holding a GENIUS domain and profiles (.xml) or GeniusWeb .json files"
        )
