"""Convert a scenario between accord YAML, GENIUS XML folders and GeniusWeb JSON folders.

Formats come from the paths (``.yaml``/``.yml``: accord YAML; ``.xml`` or a folder: GENIUS; ``.json``:
GeniusWeb) or are named. A GENIUS or GeniusWeb scenario is a folder (one domain file plus one profile
per party, as in shared/data/genius/ANL2023-domain00); an input path ending in ``.xml``/``.json`` stands
for the folder holding that file, an output path ending in ``.xml``/``.json`` names the domain file and the
profiles are written beside it as ``<party>.xml``/``<party>.json``.

Nothing half-written is left behind: the output is written into a temporary folder next to the target,
read back and checked (every utility of every outcome, to 1e-12 (bit for bit unless a GENIUS issue
had to be rescaled), reservation values, discount factors), and only then moved into place. See docs/convert.md.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accord.errors import InputError
from accord.model.scenario import Scenario
from accord.model.space import DEFAULT_ENUMERATION_LIMIT

__all__ = ["FORMATS", "ConvertResult", "convert", "infer_format", "read_scenario", "write_scenario"]

FORMATS = ("genius", "geniusweb", "yaml")
#: Largest change of any utility a conversion may make: GENIUS divides a discrete issue's evaluations by
#: their best, so an issue whose best score is m < 1 is written as scores / m with its weight times m.
UTILITY_TOLERANCE = 1e-12
_SUFFIX = {"genius": ".xml", "geniusweb": ".json"}
_YAML = (".yaml", ".yml")


@dataclass(frozen=True)
class ConvertResult:
    """What :func:`convert` wrote: the format, the written files, and whether it was checked by reading back."""

    format: str
    paths: tuple[Path, ...]
    parties: tuple[str, ...]
    verified: bool


def infer_format(path: str | Path, to: str | None = None) -> str:
    """The output format for ``path``: ``to`` if given, else from the suffix (``.yaml``/``.yml``: yaml,
    ``.xml``: genius, ``.json``: geniusweb); a folder or a path without a suffix is a GENIUS folder."""
    p = Path(path)
    if to is not None:
        if to not in FORMATS:
            raise InputError(None, "--to", f"one of {', '.join(FORMATS)}", to)
        return to
    suffix = p.suffix.lower()
    if suffix in _YAML:
        return "yaml"
    if suffix == ".xml":
        return "genius"
    if suffix == ".json":
        return "geniusweb"
    if p.is_dir() or (not p.exists() and not suffix):
        return "genius"
    raise InputError(
        str(p),
        None,
        "an output ending in .yaml/.yml, .xml or .json, or a folder (or name the format with --to)",
    )


def read_scenario(path: str | Path, parties: Sequence[str] | None = None) -> Scenario:
    """Load ``path``; a ``.xml``/``.json`` file stands for the GENIUS/GeniusWeb folder holding it."""
    p = Path(path)
    if p.is_file() and p.suffix.lower() in (".xml", ".json"):
        from accord.io.folder import load_folder
        from accord.io.sidecar import apply_sidecar

        sc = load_folder(p.parent, parties=list(parties) if parties else None)
        return apply_sidecar(sc, p.parent, parties_chosen=bool(parties) and list(parties) != ["all"])
    from accord.io import load

    return load(p, parties)


def _scenario_files(folder: Path, fmt: str) -> list[Path]:
    """Files in ``folder`` that a reader of ``fmt`` would take as part of a scenario."""
    from accord.io.folder import _is_profile_json

    if not folder.is_dir():
        return []
    out = []
    for f in sorted(folder.iterdir()):
        if not f.is_file() or f.suffix.lower() != _SUFFIX[fmt]:
            continue
        if fmt == "genius":
            try:
                tag = ET.parse(f).getroot().tag
            except (ET.ParseError, OSError, UnicodeDecodeError):
                continue
            if tag in ("negotiation_template", "utility_space"):
                out.append(f)
        else:
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and ("issuesValues" in data or _is_profile_json(data)):
                out.append(f)
    return out


def _check_writable_parent(out: Path, parent: Path) -> None:
    if not parent.exists():
        try:  # like mkdir -p: missing folders on the way to the output are created
            parent.mkdir(parents=True)
        except OSError as exc:
            raise InputError(
                str(out), None, f"a location where folders can be created ({exc.strerror})"
            ) from None
    if not parent.is_dir():
        raise InputError(str(out), None, f"an output inside a folder ({parent} is not a folder)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(str(out), None, f"a writable location ({parent} is not writable)")


def _mkdtemp(out: Path, parent: Path) -> Path:
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".accord-convert-", dir=parent))
    except OSError as exc:
        raise InputError(str(out), None, f"a writable location ({exc.strerror})") from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    return tmp


def _same(a: Scenario, b: Scenario, out: Path, check_reservation: bool, check_discount: bool) -> None:
    """Raise InputError unless ``b`` (read back from ``out``) holds ``a``'s numbers."""
    b = b.select(a.party_names) if set(b.party_names) == set(a.party_names) else b
    if b.party_names != a.party_names:
        raise InputError(
            str(out), "parties", f"the parties {list(a.party_names)} after writing", b.party_names
        )
    for pa, pb in zip(a.parties, b.parties, strict=True):
        x, y = pa.preferences, pb.preferences
        if check_reservation and x.reservation != y.reservation:
            raise InputError(
                str(out), f"parties.{pa.name}.reservation", f"{x.reservation} after writing", y.reservation
            )
        if check_discount and x.discount != y.discount:
            raise InputError(
                str(out), f"parties.{pa.name}.discount", f"{x.discount} after writing", y.discount
            )
    if a.space.size <= DEFAULT_ENUMERATION_LIMIT and b.space.size == a.space.size:
        ua, ub = a.compile().utilities, b.compile().utilities
        # Bit for bit, but for the few ulps of a GENIUS issue rescaled to a best evaluation of 1.
        bad = np.flatnonzero(~(np.abs(ua - ub) <= UTILITY_TOLERANCE).all(axis=0))
        if bad.size:
            raise InputError(
                str(out), "utilities", "every outcome's utility unchanged after writing", f"{bad.size} differ"
            )
    elif b.space.size != a.space.size:
        raise InputError(str(out), "issues", f"{a.space.size} outcomes after writing", b.space.size)


def _write_yaml(scenario: Scenario, out: Path, force: bool) -> list[Path]:
    from accord.io.yaml_scenario import dumps_yaml

    if out.is_dir():
        raise InputError(str(out), None, "a file path for accord YAML, not a folder")
    if out.exists() and not force:
        raise InputError(str(out), None, "a new output file (it exists; pass --force to replace it)")
    try:
        text = dumps_yaml(scenario)
    except InputError as exc:
        if exc.file is None:
            raise InputError(str(out), exc.field, exc.expected, exc.got) from None
        raise
    parent = out.parent if str(out.parent) else Path(".")
    _check_writable_parent(out, parent)
    tmp = _mkdtemp(out, parent)
    try:
        staged = tmp / out.name
        staged.write_text(text, encoding="utf-8")
        from accord.io.yaml_scenario import load_yaml

        _same(scenario, load_yaml(staged), out, True, True)
        os.replace(staged, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out]


def _write_folder(
    scenario: Scenario, fmt: str, out: Path, force: bool, drop_discount: bool, strict: bool
) -> list[Path]:
    from accord.io.folder import load_folder
    from accord.io.sidecar import SIDECAR, apply_sidecar, sidecar_document, write_sidecar

    suffix = _SUFFIX[fmt]
    if out.suffix.lower() == suffix:
        folder, domain_name = (out.parent if str(out.parent) else Path(".")), out.name
    else:
        folder, domain_name = out, None
    if folder.exists() and not folder.is_dir():
        raise InputError(str(out), None, f"a folder to write the {fmt} scenario into, not a file")
    if domain_name is not None and domain_name in {f"{p.name}{suffix}" for p in scenario.parties}:
        raise InputError(str(out), None, "a domain file name different from every party's profile name")
    discounted = [p.name for p in scenario.parties if p.preferences.discount != 1.0]
    if fmt == "geniusweb" and discounted and not drop_discount:
        raise InputError(
            str(out),
            f"parties.{discounted[0]}.discount",
            "no discount factor (GeniusWeb has none; pass --drop-discount to convert without it)",
            scenario.parties[scenario.party_index(discounted[0])].preferences.discount,
        )
    base = folder if folder.is_dir() else (folder.parent if str(folder.parent) else Path("."))
    _check_writable_parent(out, base)
    existing = _scenario_files(folder, fmt)
    if existing and not force:
        raise InputError(
            str(out),
            None,
            f"a new output (the folder already holds {fmt} scenario files; pass --force to replace them)",
            [f.name for f in existing[:5]],
        )
    tmp = _mkdtemp(out, base)
    try:
        import warnings

        from accord.io.genius import FormatWarning

        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", FormatWarning
            )  # the dropped discounts, refused above unless asked
            if fmt == "genius":
                from accord.io.genius import write_genius

                written = write_genius(scenario, tmp)
            else:
                from accord.io.geniusweb import write_geniusweb

                written = write_geniusweb(scenario, tmp, exact_reservation=not strict)
        if domain_name is not None:
            os.replace(written[0], tmp / domain_name)
            written[0] = tmp / domain_name
        names = [w.name for w in written]
        back = load_folder(tmp, parties=[Path(n).stem for n in names[1:]])
        _same(scenario, back, out, not (fmt == "geniusweb" and strict), fmt == "genius")
        # what the format cannot hold goes into accord.json; read back, the folder must give it all again
        names.append(write_sidecar(scenario, tmp).name)
        again = load_folder(tmp, parties=[Path(n).stem for n in names[1:-1]])
        if sidecar_document(apply_sidecar(again, tmp)) != sidecar_document(scenario):
            raise InputError(str(out), SIDECAR, "the scenario's names, order and protocol after writing")
        clash = [folder / n for n in names if (folder / n).exists() and folder / n not in existing]
        if clash and not force:
            raise InputError(
                str(out),
                None,
                "a new output (pass --force to replace the files)",
                [f.name for f in clash[:5]],
            )
        if not folder.exists():
            os.rename(tmp, folder)
        else:
            for f in existing:
                if f.name not in names:
                    f.unlink()
            for n in names:
                os.replace(tmp / n, folder / n)
    except InputError as exc:
        if exc.file is not None and exc.file.startswith(str(tmp)):  # name the output, not the staging folder
            raise InputError(str(out), exc.field, exc.expected, exc.got) from None
        raise
    except OSError as exc:
        raise InputError(str(out), None, f"a writable location ({exc.strerror})") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return [folder / n for n in names]


def write_scenario(
    scenario: Scenario,
    out: str | Path,
    fmt: str,
    *,
    force: bool = False,
    drop_discount: bool = False,
    strict: bool = False,
) -> list[Path]:
    """Write ``scenario`` to ``out`` in ``fmt`` (``genius``, ``geniusweb`` or ``yaml``), checked and atomic.

    ``force`` replaces an existing output (for a folder: the GENIUS or GeniusWeb scenario files it
    holds; other files stay). ``drop_discount`` lets a discounted scenario go to GeniusWeb, which has no
    discount factor. ``strict`` writes GeniusWeb files with standard keys only: the reservation value
    then becomes the utility of a ``reservationBid`` (the worst outcome at or above it).
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise InputError(str(out), "--to", f"one of {', '.join(FORMATS)}", fmt)
    if fmt == "yaml":
        return _write_yaml(scenario, out, force)
    return _write_folder(scenario, fmt, out, force, drop_discount, strict)


def _warn_talks(src: Path) -> None:
    """Say that the talks blocks of an accord YAML source are not converted (no other format has them)."""
    if src.suffix.lower() not in _YAML:
        return
    from accord.io.genius import warn
    from accord.io.schema_talks import TALKS_KEYS
    from accord.io.talks import read

    doc = read(src)[0]
    kept = [k for k in TALKS_KEYS if doc.get(k) is not None]
    if kept:
        warn(
            src,
            ", ".join(kept),
            "not converted: only the base negotiation (issues, parties, protocol) is written; the staged talks, "
            "private facts, implementation and variants stay in the source file",
        )


def convert(
    src: str | Path,
    dst: str | Path,
    to: str | None = None,
    parties: Sequence[str] | None = None,
    *,
    force: bool = False,
    drop_discount: bool = False,
    strict: bool = False,
) -> ConvertResult:
    """Read ``src`` (any format) and write it to ``dst`` in the format ``to`` or the one ``dst`` implies."""
    fmt = infer_format(dst, to)
    if Path(dst).resolve() == Path(src).resolve():
        raise InputError(str(dst), None, "an output different from the input")
    scenario = read_scenario(src, parties)
    _warn_talks(Path(src))
    paths = write_scenario(scenario, dst, fmt, force=force, drop_discount=drop_discount, strict=strict)
    return ConvertResult(
        fmt, tuple(paths), scenario.party_names, scenario.space.size <= DEFAULT_ENUMERATION_LIMIT
    )
