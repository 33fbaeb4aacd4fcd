"""Load a GENIUS XML or GeniusWeb JSON scenario folder: one domain plus two or more profiles.

Files are told apart by content, not by name (as NegMAS's ``find_domain_and_utility_files_xml``
does; formats.md §1.1-1.2): a GENIUS domain has the root ``<negotiation_template>``, a GENIUS profile
``<utility_space>``; a GeniusWeb profile is an object with a ``LinearAdditiveUtilitySpace`` key, a
GeniusWeb domain one with ``issuesValues``. Anything else (``specials.json``, notes, other XML) is
ignored; a file that cannot be read (malformed XML, a profile GENIUS could not use either) is skipped
with a :class:`~accord.io.genius.FormatWarning` naming it, as long as the folder still holds a domain
and two readable profiles. Each profile becomes a party named by its file stem.

Which profiles are the parties (docs/formats.md, "Which profiles are the parties"): GENIUS ships a
domain's profiles together with *variants* (the same preferences with another reservation value or
discount, e.g. ANAC 2011 ``laptop_buyer_utility10``, ANAC 2012 ``-B-prof1``) and preference-uncertainty
profiles (``type="UNCERTAIN"``, ANAC 2018-19). By default a folder is a bilateral scenario of its first
two *base* profiles in natural file-name order; it is an n-party scenario when it holds three or more
base profiles (a multilateral domain, ANAC 2015-17). ``parties`` picks profiles by name, or ``["all"]``
for every profile. A :class:`ProfileChoice` warning says which were chosen when some were left out.
UNCERTAIN profiles are read with their true utility (what GENIUS scores with) and a warning that their
agent's partial view (a ranking of a few bids) is not modelled; they are never chosen by default unless
the folder holds fewer than two other profiles.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accord.errors import InputError
from accord.io.genius import (
    DEFAULT_REAL_STEPS,
    NONLINEAR_TYPES,
    check_linear_profile,
    domain_from_element,
    profile_from_element,
    read_xml,
    warn,
)
from accord.io.genius_nonlinear import is_nonlinear, nonlinear_profile_from_element
from accord.io.geniusweb import SPACE_KEY, domain_from_json, profile_from_json, read_json
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace

__all__ = ["ALL_PROFILES", "ProfileChoice", "load_folder", "choose_profiles"]

#: ``parties=[ALL_PROFILES]`` makes every readable profile of a folder a party.
ALL_PROFILES = "all"


class ProfileChoice(UserWarning):
    """Which of a folder's profiles became the parties, when some were left out.

    Information, not a problem: ignored unless asked for (the CLI asks, and prints it as ``note:``;
    ``warnings.simplefilter("default", ProfileChoice)`` shows it in Python), so that worker processes
    and library users loading a folder many times stay quiet.
    """


warnings.filterwarnings("ignore", category=ProfileChoice, append=True)


@dataclass(frozen=True)
class _Profile:
    file: Path
    preferences: Preferences
    uncertain: str | None  # for a type="UNCERTAIN" profile: what its agent would be given, else None


def natural_key(name: str) -> tuple:
    """Sort key comparing digit runs as numbers: ``util2`` before ``util10``."""
    return tuple(int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name))


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


def _same_preferences(a: Preferences, b: Preferences) -> bool:
    """Same weights, scores, terms and cap (so the same utility for every outcome): variants of one profile."""
    return (
        np.array_equal(a.weights, b.weights)
        and all(np.array_equal(x, y) for x, y in zip(a.scores, b.scores, strict=True))
        and a.cap == b.cap
        and [(t.condition.text, t.value) for t in a.terms] == [(t.condition.text, t.value) for t in b.terms]
    )


def _same_terms(a: Preferences, b: Preferences) -> bool:
    return a.reservation == b.reservation and a.discount == b.discount


def choose_profiles(profiles: Sequence[tuple[str, Preferences]]) -> tuple[list[int], list[int]]:
    """(chosen, variants): the default parties among certain ``profiles`` (in natural name order).

    Profiles with the same weights and scores are variants of one profile; the *base* of a group is
    its member with the lowest reservation value (then the first by name), and any member with that
    base's reservation value and discount (an identical copy) is a base too. Three or more bases: every
    base is a party (a multilateral domain); else the first two profiles that are bases, or, when all
    profiles are variants of one, the first two profiles.
    """
    groups: list[list[int]] = []
    for i, (_, prefs) in enumerate(profiles):
        for g in groups:
            if _same_preferences(profiles[g[0]][1], prefs):
                g.append(i)
                break
        else:
            groups.append([i])
    bases: list[int] = []
    for g in groups:
        base = profiles[min(g, key=lambda i: (profiles[i][1].reservation, i))][1]
        bases += [i for i in g if _same_terms(profiles[i][1], base)]  # identical copies are parties too
    bases.sort()
    variants = sorted(i for g in groups for i in g if i not in bases)
    if len(bases) >= 3:
        return bases, variants
    if len(bases) == 2:
        return bases, variants
    return list(range(min(2, len(profiles)))), []


def _uncertainty(root) -> str | None:
    """For a ``type="UNCERTAIN"`` profile, what GENIUS gives its agent (``UncertainAdditiveUtilitySpace``:
    ``comparisons`` ranked bids, default 10, with ``errors`` errors, default 10); else None."""
    if (root.get("type") or "").strip().upper() != "UNCERTAIN":
        return None

    def field(tag: str) -> str:
        el = root.find(tag)
        return (el.text or "").strip() if el is not None else "10"

    return f"a ranking of {field('comparisons')} bids with {field('errors')} errors"


def _read_xml_profile(f: Path, root, space: OutcomeSpace, indices: list[int]) -> _Profile:
    if is_nonlinear(root):
        return _Profile(f, nonlinear_profile_from_element(root, f, space, indices), None)
    return _Profile(f, profile_from_element(root, f, space, indices), _uncertainty(root))


def _warn_uncertain(folder: Path, chosen: Sequence[_Profile]) -> None:
    for p in chosen:
        if p.uncertain:
            warn(
                p.file,
                "utility_space type",
                f"UNCERTAIN profile (ANAC 2018-19 preference uncertainty) read with its true utility, which "
                f"GENIUS scores with; its agent would be given only {p.uncertain}, but accord's agents "
                "know their utility",
            )


def load_folder(
    path: str | Path, parties: Sequence[str] | None = None, real_steps: int = DEFAULT_REAL_STEPS
) -> Scenario:
    """The scenario held by a GENIUS or GeniusWeb folder.

    ``parties`` picks profiles by file stem (in that order), or ``["all"]`` for every profile;
    by default the rule of :func:`choose_profiles`. GENIUS real issues are discretised into
    ``real_steps`` points. Several GENIUS domain files are accepted only when they describe the same
    issues (ANAC 2012 Barter ships three copies).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(str(folder), None, "a folder holding a domain and two or more profiles")
    skipped: dict[str, str] = {}
    errors: list[InputError] = []  # why each skipped file was skipped
    xml_domains, xml_profiles, json_domains, json_profiles = [], [], [], []
    for f in sorted(
        (p for p in folder.iterdir() if p.is_file()), key=lambda p: (natural_key(p.stem), p.name)
    ):
        suffix = f.suffix.lower()
        try:
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
        except InputError as exc:
            skipped[f.name] = exc.expected if exc.got is None else f"{exc.expected}, got {exc.got!r}"
            errors.append(exc)
    if xml_profiles and json_profiles:
        raise InputError(str(folder), None, "profiles of one format (GENIUS XML or GeniusWeb JSON), not both")
    fmt = "geniusweb" if json_profiles else "genius"
    raw = json_profiles if json_profiles else xml_profiles
    if fmt == "genius":
        if not xml_domains:
            raise InputError(
                str(folder), "domain", "a GENIUS domain file (root <negotiation_template>)", skipped or None
            )
        issues, indices = domain_from_element(xml_domains[0][1], xml_domains[0][0], real_steps)
        for f, root in xml_domains[1:]:
            if domain_from_element(root, f, real_steps) != (issues, indices):
                names = [d[0].name for d in xml_domains]
                raise InputError(str(folder), "domain", "one domain file (or identical copies)", names)
    else:
        issues = _geniusweb_issues(folder, json_domains, raw)
    if fmt == "genius":
        _refuse_nonlinear(folder, raw)
    try:
        space = OutcomeSpace(issues)
    except InputError as exc:  # more than 2^62 outcomes (ANAC 2014's 30- and 50-issue domains)
        raise InputError(
            str(folder),
            "domain",
            f"{exc.expected} (accord indexes every outcome with a 64-bit integer)",
            exc.got,
        ) from None
    wanted = None if parties is None or list(parties) == [ALL_PROFILES] else list(parties)
    available = [f.stem for f, _ in raw]
    unreadable = {Path(e.file).stem: e for e in errors if e.file}
    for name in wanted or ():
        if name not in available:
            if name in unreadable:  # asked for by name: its own reason, not "no such profile"
                raise unreadable[name]
            raise InputError(str(folder), "parties", f"one of the profiles {available}", name)
    profiles: list[_Profile] = []
    n_file_errors = len(errors)
    for f, data in raw:
        try:
            if fmt == "genius":
                profiles.append(_read_xml_profile(f, data, space, indices))
            else:
                profiles.append(_Profile(f, _geniusweb_profile(f, data, space, issues), None))
        except InputError as exc:
            if wanted is not None and f.stem in wanted:
                raise
            skipped[f.name] = str(exc)
            errors.append(exc)
    if len(profiles) < 2 and errors:
        raise errors[-1] if len(errors) > n_file_errors else errors[0]  # a profile's own reason first
    if skipped:
        warn(folder, "files skipped", "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    default = profiles
    if fmt == "genius" and len(xml_domains) > 1 and wanted is None and parties is None:
        default = _first_copy_profiles(xml_domains[0][0], profiles)
    elsewhere = [p.file.stem for p in profiles if p not in default]
    members = _members(folder, default, wanted, parties is not None and wanted is None, elsewhere)
    return Scenario(folder.name, space, tuple(members), Protocol(), path=str(folder), format=fmt)


def _first_copy_profiles(domain_file: Path, profiles: list[_Profile]) -> list[_Profile]:
    """The profiles named after the first of several domain copies: ANAC 2012 ships each domain as
    three scenarios (``X-A-domain`` with ``X-A-prof1``/``X-A-prof2``, then B and C); all profiles when
    fewer than two are named so."""
    stem = domain_file.stem
    if not stem.lower().endswith("domain") or len(stem) == len("domain"):
        return profiles
    prefix = stem[: -len("domain")]
    scoped = [p for p in profiles if p.file.stem.startswith(prefix)]
    return scoped if len(scoped) >= 2 else profiles


def _refuse_nonlinear(folder: Path, raw: list) -> None:
    """Refuse a folder without two profiles accord reads: GENIUS constraint and custom spaces are not
    supported (docs/formats.md); linear-additive and nonlinear (hyper-rectangle) ones are."""
    unread = [
        (f, r)
        for f, r in raw
        if (r.get("type") or "").strip().lower() in NONLINEAR_TYPES and not is_nonlinear(r)
    ]
    if len(raw) - len(unread) < 2 and unread:
        check_linear_profile(unread[0][1], unread[0][0])


def _members(
    folder: Path,
    profiles: list[_Profile],
    wanted: list[str] | None,
    all_profiles: bool,
    elsewhere: Sequence[str] = (),
) -> list[Party]:
    by_stem = {p.file.stem: p for p in profiles}
    if wanted is not None:
        _warn_uncertain(folder, [by_stem[n] for n in wanted])
        return [Party(name, by_stem[name].preferences) for name in wanted]
    if len(profiles) < 2:
        raise InputError(
            str(folder),
            "profiles",
            "at least two profiles (GENIUS <utility_space> or GeniusWeb JSON)",
            [p.file.stem for p in profiles],
        )
    certain = [p for p in profiles if not p.uncertain]
    pool = profiles if all_profiles or len(certain) < 2 else certain
    if all_profiles:
        chosen, variants = list(range(len(pool))), []
    else:
        chosen, variants = choose_profiles([(p.file.stem, p.preferences) for p in pool])
    picked = [pool[i] for i in chosen]
    _warn_uncertain(folder, picked)
    names = [p.file.stem for p in picked]
    variant_names = [pool[i].file.stem for i in variants]
    uncertain = [p.file.stem for p in profiles if p.uncertain and p.file.stem not in names]
    others = [p.file.stem for p in profiles if p.file.stem not in {*names, *variant_names, *uncertain}]
    if variant_names or uncertain or others or elsewhere:
        kind = "bilateral" if len(names) == 2 else f"{len(names)}-party"
        parts = [f"a {kind} scenario of {', '.join(names)}"]
        if variant_names:
            parts.append(
                "left out, variants (same preferences, another reservation value): "
                + ", ".join(variant_names)
            )
        if uncertain:
            parts.append("left out, UNCERTAIN (preference-uncertainty) profiles: " + ", ".join(uncertain))
        if others:
            parts.append("left out: " + ", ".join(others))
        if elsewhere:
            parts.append("left out, profiles of the other domain copies: " + ", ".join(elsewhere))
        parts.append("choose with --parties (all: every profile)")
        warnings.warn(ProfileChoice(f"{folder}: " + "; ".join(parts)), stacklevel=3)
    return [Party(p.file.stem, p.preferences) for p in picked]


def _geniusweb_issues(folder: Path, json_domains: list, profiles: list) -> list[Issue]:
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
        return issues
    if not profiles:
        raise InputError(
            str(folder), "profiles", "at least two profiles (GENIUS <utility_space> or GeniusWeb JSON)", []
        )
    f0, d0 = profiles[0]
    body = d0.get(SPACE_KEY, {})
    if not isinstance(body, dict) or "domain" not in body:
        raise InputError(
            str(folder), "domain", "a GeniusWeb domain file or a domain embedded in the profiles"
        )
    return domain_from_json(body["domain"], f0)


def _geniusweb_profile(f: Path, data: dict, space: OutcomeSpace, issues: list[Issue]) -> Preferences:
    body = data.get(SPACE_KEY)
    embedded = body.get("domain") if isinstance(body, dict) else None
    if embedded is not None and not _same_domain(domain_from_json(embedded, f), issues):
        raise InputError(str(f), f"{SPACE_KEY}.domain", "the same issues and values as the folder's domain")
    return profile_from_json(data, f, space)
