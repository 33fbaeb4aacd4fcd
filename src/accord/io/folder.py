"""Load a GENIUS XML or GeniusWeb JSON scenario folder: one domain plus two or more profiles.

Files are told apart by content, not by name (as NegMAS's ``find_domain_and_utility_files_xml``
does; formats.md §1.1-1.2): a GENIUS domain has the root ``<negotiation_template>``, a GENIUS profile
``<utility_space>``; a GeniusWeb profile is an object with a ``LinearAdditiveUtilitySpace`` key, a
GeniusWeb domain one with ``issuesValues``. Anything else (``specials.json``, notes, other XML) is
ignored. Each profile becomes a party named by its file stem.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.errors import InputError
from accord.io.genius import DEFAULT_REAL_STEPS, domain_from_element, profile_from_element, read_xml
from accord.io.geniusweb import SPACE_KEY, domain_from_json, profile_from_json, read_json
from accord.model.issues import Issue
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace

__all__ = ["load_folder"]


def _is_profile_json(data: dict) -> bool:
    if SPACE_KEY in data:
        return True
    # Other GeniusWeb profile kinds (e.g. DefaultPartialOrdering) wrap one object that embeds the domain.
    return (
        len(data) == 1
        and isinstance(next(iter(data.values())), dict)
        and "domain" in next(iter(data.values()))
    )


def _same_domain(a: list[Issue], b: list[Issue]) -> bool:
    """Same issue names with the same kinds and value sets (issue and value order may differ)."""
    bm = {i.name: i for i in b}
    if len(a) != len(b) or set(bm) != {i.name for i in a}:
        return False
    return all(set(x.values) == set(bm[x.name].values) and x.kind == bm[x.name].kind for x in a)


def load_folder(
    path: str | Path, parties: Sequence[str] | None = None, real_steps: int = DEFAULT_REAL_STEPS
) -> Scenario:
    """The scenario held by a GENIUS or GeniusWeb folder.

    ``parties`` picks profiles by file stem (in that order); by default every profile, sorted by
    file name. GENIUS real issues are discretised into ``real_steps`` points. Several GENIUS domain
    files are accepted only when they describe the same issues (ANAC 2012 Barter ships three copies).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(str(folder), None, "a folder holding a domain and two or more profiles")
    xml_domains, xml_profiles, json_domains, json_profiles = [], [], [], []
    for f in sorted(p for p in folder.iterdir() if p.is_file()):
        suffix = f.suffix.lower()
        if suffix == ".xml":
            root = read_xml(f)
            if root.tag == "negotiation_template":
                xml_domains.append((f, root))
            elif root.tag == "utility_space":
                xml_profiles.append((f, root))
        elif suffix == ".json":
            data = read_json(f)
            if isinstance(data, dict):
                if _is_profile_json(data):
                    json_profiles.append((f, data))
                elif "issuesValues" in data:
                    json_domains.append((f, data))
    if xml_profiles and json_profiles:
        raise InputError(str(folder), None, "profiles of one format (GENIUS XML or GeniusWeb JSON), not both")
    fmt = "geniusweb" if json_profiles else "genius"
    profiles = json_profiles if json_profiles else xml_profiles
    available = [f.stem for f, _ in profiles]
    if len(profiles) < 2:
        raise InputError(
            str(folder),
            "profiles",
            "at least two profiles (GENIUS <utility_space> or GeniusWeb JSON)",
            available,
        )
    if parties is None:
        chosen = list(range(len(profiles)))
    else:
        chosen = []
        for name in parties:
            if name not in available:
                raise InputError(str(folder), "parties", f"one of the profiles {available}", name)
            chosen.append(available.index(name))

    if fmt == "genius":
        if not xml_domains:
            raise InputError(str(folder), "domain", "a GENIUS domain file (root <negotiation_template>)")
        issues, indices = domain_from_element(xml_domains[0][1], xml_domains[0][0], real_steps)
        for f, root in xml_domains[1:]:
            if domain_from_element(root, f, real_steps) != (issues, indices):
                names = [d[0].name for d in xml_domains]
                raise InputError(str(folder), "domain", "one domain file (or identical copies)", names)
        space = OutcomeSpace(issues)
        members = [
            Party(profiles[k][0].stem, profile_from_element(profiles[k][1], profiles[k][0], space, indices))
            for k in chosen
        ]
    else:
        if json_domains:
            issues = domain_from_json(json_domains[0][1], json_domains[0][0])
            for f, data in json_domains[1:]:
                if not _same_domain(domain_from_json(data, f), issues):
                    raise InputError(
                        str(folder),
                        "domain",
                        "one domain file (or identical copies)",
                        [d[0].name for d in json_domains],
                    )
        else:
            f0, d0 = profiles[chosen[0]]
            body = d0.get(SPACE_KEY, {})
            if not isinstance(body, dict) or "domain" not in body:
                raise InputError(
                    str(folder), "domain", "a GeniusWeb domain file or a domain embedded in the profiles"
                )
            issues = domain_from_json(body["domain"], f0)
        space = OutcomeSpace(issues)
        members = []
        for k in chosen:
            f, data = profiles[k]
            body = data.get(SPACE_KEY)
            embedded = body.get("domain") if isinstance(body, dict) else None
            if embedded is not None and not _same_domain(domain_from_json(embedded, f), issues):
                raise InputError(
                    str(f), f"{SPACE_KEY}.domain", "the same issues and values as the folder's domain"
                )
            members.append(Party(f.stem, profile_from_json(data, f, space)))
    return Scenario(
        folder.name,
        space,
        tuple(members),
        Protocol(),
        path=str(folder),
        format=fmt,
    )
