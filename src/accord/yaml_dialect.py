"""The YAML dialect of accord's scenario files: a safe loader with YAML 1.2 core scalars, a matching dumper.

Only ``true``/``false`` are booleans, ``1e-3`` is a number, ``010`` is ten, and ``yes``/``no``/``on``/
``off`` and dates stay text (YAML 1.2 core schema, unlike PyYAML's YAML 1.1 default). Duplicate keys,
which PyYAML silently merges, are errors. The dumper quotes exactly what the loader would read as
something other than text, so what it writes reads back unchanged. :func:`line_of` finds the line of
a field for error messages; :func:`dotted` writes a location as ``parties.usa.terms[0].when``.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from accord.errors import InputError

Loc = tuple[str | int, ...]

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if present


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe loader (libyaml's parser when installed) with YAML 1.2 core-schema scalars."""


class Dumper(yaml.SafeDumper):
    """SafeDumper that quotes exactly what :class:`_Loader` would read as a non-string."""


_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_DROPPED = {_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:timestamp"}
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
for _cls in (_Loader, Dumper):
    _cls.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in _DROPPED]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    _cls.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
    _cls.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0x", "0o")):
        return int(text[2:], 16 if text[1] == "x" else 8)
    return int(text, 10)  # YAML 1.2: a leading zero is not octal


_Loader.add_constructor(_INT, _construct_int)


_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data.rstrip("\n") else None  # multi-line text as a readable block
    if _ODD_BREAKS.search(data):
        style = '"'  # line breaks a YAML reader would normalise: keep them as escapes
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _leafy(items: list[Any]) -> bool:
    """Short collections of scalars read best on one line."""
    return all(not isinstance(v, dict | list) and len(str(v)) <= 40 for v in items) and len(items) <= 12


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = _leafy([*data.keys(), *data.values()])
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=_leafy(data))


Dumper.add_representer(str, _represent_str)
Dumper.add_representer(dict, _represent_dict)
Dumper.add_representer(list, _represent_list)


#: Largest scenario or table file read, in bytes (checked before reading).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Most nodes a YAML document may hold once its aliases are expanded (anchors that fan out
#: exponentially, "billion laughs", would otherwise hang validation and every walk over the data).
MAX_EXPANDED_NODES = 200_000
#: Deepest nesting of mappings and sequences accepted in a YAML or JSON document.
MAX_DEPTH = 64


def read_text(path: str | Path, what: str = "scenario file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_FILE_BYTES`; anything else is an InputError.

    Checked before reading, so a FIFO, a device such as ``/dev/zero`` or a huge file never blocks or fills
    memory.
    """
    file = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(file, None, f"a readable {what} ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(file, None, f"a regular {what} (this is a device, FIFO or socket)")
    if st.st_size > MAX_FILE_BYTES:
        got = f"{st.st_size:,} bytes"
        raise InputError(file, None, f"a {what} of at most {MAX_FILE_BYTES:,} bytes", got)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(file, None, f"a readable {what} ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(file, None, f"a {what} of at most {MAX_FILE_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(file, None, f"UTF-8 text (bad byte at offset {exc.start})") from None


def _check_shape(root: yaml.Node, file: str) -> None:
    """Nesting depth and expanded size of the document with its aliases expanded, each node counted once.

    A post-order walk without recursion: ``sizes``/``heights`` hold the expanded size and nesting height of
    each finished node, so a node shared by many aliases costs one visit; a node that contains itself (a
    self-referencing anchor) is refused.
    """
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            sizes[key], heights[key] = 1, 0
            continue
        kids = (
            [n for kv in node.value for n in kv] if isinstance(node, yaml.MappingNode) else list(node.value)
        )
        if not done:
            if key in sizes:
                continue
            open_.add(key)
            stack.append((node, True))
            for k in kids:
                if id(k) in open_:
                    line = k.start_mark.line + 1
                    raise InputError(file, None, "YAML without self-referencing anchors", line=line)
                if id(k) not in sizes:
                    stack.append((k, False))
            continue
        open_.discard(key)
        sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
        heights[key] = 1 + max((heights[id(k)] for k in kids), default=0)
        line = node.start_mark.line + 1
        if heights[key] > MAX_DEPTH:
            raise InputError(file, None, f"mappings and lists nested at most {MAX_DEPTH} deep", line=line)
        if sizes[key] > MAX_EXPANDED_NODES:
            raise InputError(
                file,
                None,
                f"a document of at most {MAX_EXPANDED_NODES:,} values once anchors (&) and aliases (*) are "
                "expanded",
                line=line,
            )


def _check_duplicates(root: yaml.Node, file: str) -> None:
    """Duplicate keys are silently merged by PyYAML; here they are an error with their line.

    Each node is checked once, however many aliases refer to it.
    """
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else None
                if key is not None and key != "<<":
                    if key in seen:
                        raise InputError(
                            file,
                            dotted((*loc, key)),
                            "each key once in a mapping",
                            key,
                            line=k.start_mark.line + 1,
                        )
                    seen.add(key)
                stack.append((v, (*loc, key if key is not None else "?")))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, (*loc, i)) for i, v in enumerate(node.value))


def parse(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_shape(node, file)
            _check_duplicates(node, file)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "a YAML syntax error"
        col = f" (column {mark.column + 1})" if mark is not None else ""
        ctx = exc.context_mark
        if ctx is not None and mark is not None and ctx.line != mark.line:
            col += f"; the construct began on line {ctx.line + 1}"
        if "mapping values are not allowed" in problem:  # e.g. note: Ri said: no relief
            col += "; a text containing ': ' must be quoted (note: \"Ri said: no relief\") or written as a | block"
        raise InputError(
            file, None, f"valid YAML; {problem}{col}", line=None if mark is None else mark.line + 1
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(file, None, f"valid YAML ({exc})") from None
    except RecursionError:
        raise InputError(file, None, "YAML without self-referencing anchors, nested less deeply") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # explicit tags such as !!float abc
        raise InputError(file, None, f"valid YAML scalars ({type(exc).__name__}: {exc})") from None
    finally:
        loader.dispose()
    return data, node


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest node along ``loc`` (the key's line for mapping entries)."""
    if node is None:
        return None
    best = node.start_mark.line + 1
    cur = node
    for part in loc:
        nxt = None
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                if isinstance(k, yaml.ScalarNode) and _same_key(k.value, part):
                    best, nxt = k.start_mark.line + 1, v
                    break
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(cur.value):
            nxt = cur.value[part]
            best = nxt.start_mark.line + 1
        if nxt is None:
            break
        cur = nxt
    return best


def _same_key(text: str, part: object) -> bool:
    if text == str(part):
        return True
    try:
        return float(text) == float(part)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def dotted(loc: Loc) -> str:
    """``("parties", "usa", "terms", 0, "when")`` -> ``parties.usa.terms[0].when``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN.match(str(part)):
            out += ("." if out else "") + str(part)
        else:
            out += f"[{str(part)!r}]"
    return out
