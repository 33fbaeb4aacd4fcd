"""Negotiator specs: a strategy named with its parameters, in one short string.

Grammar (spaces are ignored)::

    spec  := NAME [ "(" [ arg ("," arg)* ] ")" ]
    arg   := NAME "=" value | value                 positional arguments come first
    value := NUMBER | "quoted string" | true | false | none | spec

Examples: ``boulware``, ``aspiration(e=2)``, ``aspiration(2)``, ``mypkg.agents:MyAgent(e=2)`` (a
user's class by module and name, see :func:`accord.strategies.base.load_class`),
``boa(bidding=boulware, model=frequency, acceptance=ac_combi(t=0.98))``,
``boa(time_dependent(e=0.1), bayesian, ac_const(0.9))`` (positional: bidding, model, acceptance),
``hardheaded``. A bare name as a parameter value is a string (``measure=max``) or, for the parts of a
BOA negotiator, a component name. A list of specs is separated by top-level commas
(:func:`split_specs`). Unknown names raise :class:`~accord.errors.InputError` with the nearest names
suggested; bad parameters raise InputError naming the strategy and what was expected.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

from accord.errors import InputError
from accord.strategies.base import Negotiator, is_registered, make

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


def _plain(v: object, where: str) -> object:
    """A parameter value for an ordinary constructor: bare names become strings."""
    if isinstance(v, Spec):
        if v.called:
            raise InputError(None, where, "a number, a name or a quoted string", str(v))
        return v.name
    return v


BOA_PARTS = ("bidding", "model", "acceptance")


def build_negotiator(spec: str | Spec) -> Negotiator:
    """The negotiator a spec describes (a registered strategy, possibly ``boa(...)``)."""
    s = parse(spec) if isinstance(spec, str) else spec
    where = f"{FIELD}.{s.name}"
    if s.name == "boa":
        if len(s.args) > len(BOA_PARTS):
            raise InputError(
                None, where, "at most three positional parts (bidding, model, acceptance)", s.args
            )
        params: dict[str, object] = dict(zip(BOA_PARTS, s.args, strict=False))
        for k, v in s.kwargs.items():
            if k not in BOA_PARTS:
                raise InputError(None, where, f"a parameter among {list(BOA_PARTS)}", k)
            if k in params:
                raise InputError(None, where, "each part given once", k)
            params[k] = v
        return make("boa", **params)
    _check_name(s.name)
    proto = make(s.name)  # raises InputError with suggestions for unknown names
    if not s.called:
        return proto
    allowed = [p for p in inspect.signature(type(proto).__init__).parameters if p != "self"]
    if len(s.args) > len(allowed):
        raise InputError(None, where, f"at most {len(allowed)} positional parameters {allowed}", s.args)
    kw = {k: _plain(v, f"{where}.{k}") for k, v in zip(allowed, s.args, strict=False)}
    for k, v in s.kwargs.items():
        if k not in allowed:
            raise InputError(None, where, f"a parameter among {allowed}", k)
        if k in kw:
            raise InputError(None, where, "each parameter given once", k)
        kw[k] = _plain(v, f"{where}.{k}")
    try:
        return make(s.name, **kw)
    except ValueError as exc:
        raise InputError(None, where, f"valid parameters ({exc})", kw) from None


def _check_name(name: str) -> None:
    """A BOA component named where a negotiator is expected gets a pointed hint."""
    from accord.strategies.boa.components import KINDS, available_components

    if is_registered(name) or ":" in name:
        return
    for kind in KINDS:
        if name in available_components(kind):
            raise InputError(
                None,
                FIELD,
                f"a strategy; {name!r} is a BOA {kind} component, use it as boa({kind}={name})",
                name,
            )


def build_component(kind: str, spec: str | Spec) -> object:
    """A BOA component of ``kind`` ("bidding", "model", "acceptance") from a spec."""
    from accord.strategies.boa.components import make_component

    s = parse(spec) if isinstance(spec, str) else spec
    where = f"{FIELD}.boa.{kind}.{s.name}"
    args = [_plain(a, where) for a in s.args]
    kwargs = {k: _plain(v, f"{where}.{k}") for k, v in s.kwargs.items()}
    return make_component(kind, s.name, *args, **kwargs)


def build_negotiators(text: str) -> list[Negotiator]:
    """One negotiator per top-level comma-separated spec."""
    return [build_negotiator(s) for s in split_specs(text)]


#: The name accord.api uses.
parse_negotiator = build_negotiator
