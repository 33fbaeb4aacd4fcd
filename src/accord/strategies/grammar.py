"""The grammar of negotiator specs (see :mod:`accord.strategies.spec`): the parser alone, with no lookup
of names, so that the BOA parts (:mod:`accord.strategies.boa.parts`) can read specs below the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from accord.errors import InputError

FIELD = "negotiators"
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
      | (?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*)?)   # a name, or module:Class
      | (?P<str>"[^"]*"|'[^']*')
      | (?P<punct>[(),=])
    )""",
    re.VERBOSE,
)
_CONSTANTS = {"true": True, "false": False, "none": None}


@dataclass(frozen=True)
class Spec:
    """A parsed spec: a name, positional and keyword arguments, and whether parentheses were written."""

    name: str
    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = field(default_factory=dict)
    called: bool = False

    def __str__(self) -> str:
        if not self.called:
            return self.name
        parts = [_show(a) for a in self.args] + [f"{k}={_show(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}({','.join(parts)})"


def _show(v: object) -> str:
    if isinstance(v, str):
        return repr(v)
    if v is None or isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _syntax(text, f"unexpected character {text[pos:].strip()[:1]!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


#: Longest number a spec may hold (longer ones are typos, and Python refuses to read > 4,300 digits).
MAX_NUMBER_CHARS = 40
#: Deepest nesting of specs inside specs (a BOA agent holds components; none needs more than a few levels).
MAX_NESTING = 16


def _syntax(text: str, why: str) -> InputError:
    return InputError(
        None,
        FIELD,
        f"a strategy spec such as boa(bidding=boulware,model=frequency,acceptance=ac_next) ({why})",
        text,
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.k = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.k] if self.k < len(self.toks) else None

    def take(self, kind: str, value: str | None = None) -> str:
        t = self.peek()
        if t is None or t[0] != kind or (value is not None and t[1] != value):
            want = value or kind
            raise _syntax(self.text, f"expected {want!r}, got {t[1] if t else 'the end'!r}")
        self.k += 1
        return t[1]

    def spec(self) -> Spec:
        name = self.take("name")
        if self.peek() != ("punct", "("):
            return Spec(name)
        self.take("punct", "(")
        args: list[object] = []
        kwargs: dict[str, object] = {}
        if self.peek() != ("punct", ")"):
            while True:
                t = self.peek()
                nxt = self.toks[self.k + 1] if self.k + 1 < len(self.toks) else None
                if t is not None and t[0] == "name" and nxt == ("punct", "="):
                    key = self.take("name")
                    self.take("punct", "=")
                    if key in kwargs:
                        raise _syntax(self.text, f"parameter {key!r} given twice")
                    kwargs[key] = self.value()
                else:
                    if kwargs:
                        raise _syntax(self.text, "positional parameters must come before name=value ones")
                    args.append(self.value())
                if self.peek() == ("punct", ","):
                    self.take("punct", ",")
                    continue
                break
        self.take("punct", ")")
        return Spec(name, tuple(args), kwargs, called=True)

    def value(self) -> object:
        t = self.peek()
        if t is None:
            raise _syntax(self.text, "a value is missing")
        kind, v = t
        if kind == "num":
            self.k += 1
            if len(v) > MAX_NUMBER_CHARS:
                raise _syntax(self.text, f"numbers of at most {MAX_NUMBER_CHARS} characters")
            return int(v) if re.fullmatch(r"[-+]?\d+", v) else float(v)
        if kind == "str":
            self.k += 1
            return v[1:-1]
        if (
            kind == "name"
            and v.lower() in _CONSTANTS
            and self.toks[self.k + 1 : self.k + 2] != [("punct", "(")]
        ):
            self.k += 1
            return _CONSTANTS[v.lower()]
        return self.spec()


def parse(text: str) -> Spec:
    """Parse one spec string."""
    if not isinstance(text, str) or not text.strip():
        raise _syntax(str(text), "empty")
    depth = max_depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        max_depth = max(max_depth, depth)
    if max_depth > MAX_NESTING:
        raise _syntax(text, f"specs nested at most {MAX_NESTING} deep")
    p = _Parser(text)
    s = p.spec()
    if p.peek() is not None:
        raise _syntax(text, f"unexpected {p.peek()[1]!r} after the spec")  # type: ignore[index]
    return s


def split_specs(text: str) -> list[str]:
    """Split ``"boulware, boa(bidding=linear, model=frequency)"`` at top-level commas."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise _syntax(text, "unbalanced ')'")
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise _syntax(text, "unbalanced '('")
    out.append("".join(cur).strip())
    if any(not s for s in out):
        raise _syntax(text, "an empty entry between commas")
    return out


def plain(v: object, where: str) -> object:
    """A parameter value for an ordinary constructor: bare names become strings."""
    if isinstance(v, Spec):
        if v.called:
            raise InputError(None, where, "a number, a name or a quoted string", str(v))
        return v.name
    return v
