"""Small helpers every command module uses: splitting list options, warnings as one line each.

Kept apart from ``accord.cli`` so the command modules import it without importing the package that
imports them.
"""

from __future__ import annotations

import sys


def split_list(value: str | None) -> list[str] | None:
    """Split a comma-separated option at top-level commas (commas inside parentheses stay)."""
    if not value:
        return None
    out, depth, cur = [], 0, ""
    for ch in value:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def warnings_as_lines() -> None:
    """Show the library's warnings as one line each on stderr (``note:`` for which profiles of a folder
    became the parties, ``warning:`` for the rest), not Python's two-line form with a source line."""
    import warnings

    from accord.io.folder import ProfileChoice

    warnings.filterwarnings("default", category=ProfileChoice)

    def show(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
        label = "note" if category.__name__ == "ProfileChoice" else "warning"
        sys.stderr.write(f"{label}: {message}\n")

    warnings.showwarning = show
