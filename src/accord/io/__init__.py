"""Reading and writing scenarios: accord YAML, GENIUS XML folders, GeniusWeb JSON folders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.errors import InputError
from accord.model.scenario import Scenario

YAML_SUFFIXES = (".yaml", ".yml")


def load(path: str | Path, parties: Sequence[str] | None = None, real_steps: int = 11) -> Scenario:
    """Load a scenario from an accord YAML file or a GENIUS / GeniusWeb folder.

    ``parties`` picks some parties by name (in that order), ``["all"]`` every one; a folder's profiles
    are named by file stem, and without ``parties`` a folder is read as docs/formats.md says (a bilateral
    scenario unless the folder is a multilateral domain). A folder's ``accord.json`` (written by ``accord
    convert``: :mod:`accord.io.sidecar`) restores what GENIUS/GeniusWeb files cannot hold.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), None, "an existing scenario file (.yaml) or a GENIUS/GeniusWeb folder")
    if p.is_dir():
        from accord.io.folder import load_folder
        from accord.io.sidecar import apply_sidecar

        sc = load_folder(p, parties=list(parties) if parties else None, real_steps=real_steps)
        return apply_sidecar(sc, p, parties_chosen=bool(parties) and list(parties) != ["all"])
    if p.suffix.lower() in YAML_SUFFIXES:
        from accord.io.yaml_scenario import load_yaml

        sc = load_yaml(p)
        return sc.select(list(parties)) if parties and list(parties) != ["all"] else sc
    raise InputError(
        str(p), None, "a scenario file ending in .yaml/.yml, or a folder holding a GENIUS or GeniusWeb domain"
    )
