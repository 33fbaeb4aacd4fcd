"""A small, safe expression language for constraints and non-additive terms.

Grammar (no Python ``eval``/``exec``; a hand-written tokenizer and recursive-descent parser)::

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | atom
    atom    := '(' expr ')' | 'true' | 'false' | cmp | NAME
    cmp     := NAME op value | NAME ['not'] 'in' '[' value (',' value)* ']'
    op      := '==' | '!=' | '<' | '<=' | '>' | '>='
    value   := NAME | NUMBER | STRING

The left side of a comparison is an issue name; the right side is one of that issue's values (a bare
word, a quoted string, or a number). ``<``/``>`` compare by the issue's order (rank for ordered
issues, the number for integer and real issues) and are refused for unordered (categorical) issues.
A bare ``NAME`` is a boolean flag looked up in the environment (used for private facts).
Compiled expressions evaluate on whole arrays of outcomes at once.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from accord.errors import ExpressionError
from accord.model.space import OutcomeSpace

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)|(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*))"
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_CMP = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Evaluator = Callable[[list[np.ndarray], Mapping[str, bool]], np.ndarray]


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(
                f"unexpected character {text[pos:].strip()[:1]!r} at position {pos} in {text!r}"
            )
        group = m.lastgroup or ""
        tok = m.group(group)
        kind = group
        if kind == "name" and tok in _KEYWORDS or kind == "op" and tok in "()[],":
            kind = tok
        out.append(Token(kind, tok, m.start(group)))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Expression:
    """A parsed, compiled expression. ``evaluate(space, idx)`` gives a boolean array."""

    text: str
    space: OutcomeSpace
    issues_used: frozenset[str]
    flags_used: frozenset[str]
    _fn: Evaluator

    def evaluate_digits(self, digits: list[np.ndarray], env: Mapping[str, bool] | None = None) -> np.ndarray:
        return np.asarray(self._fn(digits, env or {}), dtype=bool)

    def evaluate(self, idx: np.ndarray, env: Mapping[str, bool] | None = None) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        r = self.evaluate_digits(self.space.digits(idx), env)
        return np.broadcast_to(r, idx.shape).copy() if r.shape != idx.shape else r


class _Parser:
    def __init__(self, text: str, space: OutcomeSpace, flags: frozenset[str]) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.space = space
        self.flags = flags
        self.issues_used: set[str] = set()
        self.flags_used: set[str] = set()

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str | None = None) -> Token:
        t = self.peek()
        if t is None:
            raise ExpressionError(f"unexpected end of expression {self.text!r}")
        if kind is not None and t.kind != kind:
            raise ExpressionError(f"expected {kind!r} at position {t.pos} in {self.text!r}, found {t.text!r}")
        self.i += 1
        return t

    def parse(self) -> Evaluator:
        if not self.toks:
            raise ExpressionError("empty expression")
        fn = self.p_or()
        if self.peek() is not None:
            t = self.peek()
            assert t is not None
            raise ExpressionError(f"unexpected {t.text!r} at position {t.pos} in {self.text!r}")
        return fn

    def p_or(self) -> Evaluator:
        parts = [self.p_and()]
        while self.peek() is not None and self.peek().kind == "or":  # type: ignore[union-attr]
            self.take()
            parts.append(self.p_and())
        if len(parts) == 1:
            return parts[0]
        return lambda d, e: _reduce(np.logical_or, [p(d, e) for p in parts])

    def p_and(self) -> Evaluator:
        parts = [self.p_not()]
        while self.peek() is not None and self.peek().kind == "and":  # type: ignore[union-attr]
            self.take()
            parts.append(self.p_not())
        if len(parts) == 1:
            return parts[0]
        return lambda d, e: _reduce(np.logical_and, [p(d, e) for p in parts])

    def p_not(self) -> Evaluator:
        t = self.peek()
        if t is not None and t.kind == "not":
            self.take()
            inner = self.p_not()
            return lambda d, e: np.logical_not(inner(d, e))
        return self.p_atom()

    def p_atom(self) -> Evaluator:
        t = self.take()
        if t.kind == "(":
            fn = self.p_or()
            self.take(")")
            return fn
        if t.kind in ("true", "false"):
            const = t.kind == "true"
            return lambda d, e: np.bool_(const)
        if t.kind != "name":
            raise ExpressionError(
                f"expected an issue name at position {t.pos} in {self.text!r}, found {t.text!r}"
            )
        nxt = self.peek()
        if nxt is not None and (nxt.kind == "op" and nxt.text in _CMP or nxt.kind in ("in", "not")):
            return self.p_cmp(t)
        if t.text in self.flags:
            self.flags_used.add(t.text)
            name = t.text
            return lambda d, e: np.bool_(bool(e.get(name, False)))
        if t.text in self.space.names:
            raise ExpressionError(
                f"issue {t.text!r} needs a comparison (e.g. {t.text} == value) in {self.text!r}"
            )
        raise ExpressionError(
            f"unknown issue or fact {t.text!r} in {self.text!r}; issues are {list(self.space.names)}"
        )

    def _value_index(self, pos: int, tok: Token) -> int:
        iss = self.space.issues[pos]
        raw: object = tok.text
        if tok.kind == "str":
            raw = tok.text[1:-1]
        elif tok.kind == "num":
            raw = float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text)
        elif tok.kind != "name":
            raise ExpressionError(f"expected a value of {iss.name!r} at position {tok.pos} in {self.text!r}")
        try:
            return iss.index_of(raw)
        except KeyError:
            raise ExpressionError(
                f"{raw!r} is not a value of issue {iss.name!r} (values: {list(iss.values)[:12]}) in {self.text!r}"
            ) from None

    def p_cmp(self, name_tok: Token) -> Evaluator:
        name = name_tok.text
        if name not in self.space.names:
            raise ExpressionError(
                f"unknown issue {name!r} in {self.text!r}; issues are {list(self.space.names)}"
            )
        self.issues_used.add(name)
        pos = self.space.issue_position(name)
        iss = self.space.issues[pos]
        t = self.take()
        negate = False
        if t.kind == "not":
            negate = True
            t = self.take("in")
        if t.kind == "in":
            self.take("[")
            idxs = [self._value_index(pos, self.take())]
            while self.peek() is not None and self.peek().kind == ",":  # type: ignore[union-attr]
                self.take()
                idxs.append(self._value_index(pos, self.take()))
            self.take("]")
            arr = np.array(sorted(set(idxs)), dtype=np.int64)
            if negate:
                return lambda d, e: ~np.isin(d[pos], arr)
            return lambda d, e: np.isin(d[pos], arr)
        op = _CMP[t.text]
        vtok = self.take()
        vi = self._value_index(pos, vtok)
        if t.text in ("==", "!="):
            return lambda d, e: op(d[pos], vi)
        if not iss.ordered:
            raise ExpressionError(
                f"issue {name!r} is unordered (categorical); {t.text!r} needs an ordered issue"
            )
        numeric = iss.numeric
        ref = numeric[vi]
        return lambda d, e: op(numeric[d[pos]], ref)


def _reduce(fn: Callable, parts: list) -> np.ndarray:
    out = parts[0]
    for p in parts[1:]:
        out = fn(out, p)
    return out


#: Compiled expressions by (text, issues of the space, flags): a compiled expression depends only on these
#: (the issues are frozen values), so scenarios rebuilt with the same issues (experiments) parse once.
_COMPILED: dict[tuple, Expression] = {}
_COMPILED_MAX = 4096
_ISSUE_IDS: dict[tuple, int] = {}
_NEXT_ID = itertools.count()


def compile_expression(text: str, space: OutcomeSpace, flags: frozenset[str] = frozenset()) -> Expression:
    """Parse ``text`` against ``space`` (and optional boolean ``flags``); raises ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression string, got {text!r}")
    # one id per distinct tuple of issues (ids never reused), kept on the space so a lookup hashes no issue
    sid = space.__dict__.get("_expr_issues_id")
    if sid is None or sid[0] is not space.issues:
        sid = (space.issues, _ISSUE_IDS.setdefault(space.issues, next(_NEXT_ID)))
        space.__dict__["_expr_issues_id"] = sid
    key = (text, sid[1], frozenset(flags))
    hit = _COMPILED.get(key)
    if hit is not None:
        if hit.space is space:
            return hit
        return Expression(text, space, hit.issues_used, hit.flags_used, hit._fn)
    p = _Parser(text, space, flags)
    fn = p.parse()
    out = Expression(text, space, frozenset(p.issues_used), frozenset(p.flags_used), fn)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
        if len(_ISSUE_IDS) >= _COMPILED_MAX:  # ids are never reused: spaces holding old ids stay correct
            _ISSUE_IDS.clear()
    _COMPILED[key] = out
    return out
