"""accord's own exception types.

Library code raises these; front ends (the CLI, the web app) turn them into one readable line
(and exit code 2 on the command line). Every message names the file, the field and what was expected.
"""

from __future__ import annotations


class AccordError(Exception):
    """Base class of every error accord raises on purpose."""


class InputError(AccordError):
    """Bad input: names the file, the field inside it, and what was expected there."""

    def __init__(
        self,
        file: str | None,
        field: str | None,
        expected: str,
        got: object = None,
        *,
        line: int | None = None,
        more: int = 0,
    ) -> None:
        """``line``: 1-based line in ``file`` (shown as ``file:line``); ``more``: further problems not shown."""
        self.file = file
        self.field = field
        self.expected = expected
        self.got = got
        self.line = line
        self.more = more
        place = f"{file}:{line}" if file and line else file
        where = ": ".join(str(p) for p in (place, field) if p)
        if len(expected) > 400:  # an echoed input inside the expectation (a 5,000-digit number, say)
            expected = expected[:300] + " ... " + expected[-60:]
        msg = f"expected {expected}"
        if got is not None:
            shown = repr(got)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            msg += f", got {shown}"
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(f"{where}: {msg}" if where else msg)


class SpaceTooLargeError(InputError):
    """An operation would enumerate an outcome space larger than the allowed limit."""


class ExpressionError(AccordError):
    """A constraint or condition in the safe expression language does not parse or names an unknown thing."""
