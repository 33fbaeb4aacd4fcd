"""A self-contained HTML page: inline CSS, figures embedded as PNG data URIs (SVG files beside it for print)."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

__all__ = ["page", "table", "figure", "section", "esc"]

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 980px; margin: 2em auto; padding: 0 1em;
       color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc;
     padding-bottom: 0.2em; margin-top: 2em; }
.meta { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; font-family: Helvetica, Arial, sans-serif; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f2f2f2; } td.l, th.l { text-align: left; }
figure { margin: 1.2em 0; page-break-inside: avoid; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #333; } code, pre { font-size: 0.85em; background: #f6f6f6; }
pre { padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
.warn { background: #fff4e0; border-left: 4px solid #E69F00; padding: 0.5em 0.8em; }
@media print { body { max-width: none; margin: 0; } h2 { page-break-after: avoid; } a { color: #000; } }
"""


def esc(x: object) -> str:
    return html.escape(str(x))


def _cell(v: object) -> tuple[str, bool]:
    if v is None:
        return "–", False
    if isinstance(v, bool):
        return ("yes" if v else "no"), False
    if isinstance(v, int):
        return f"{v:,}", False
    if isinstance(v, float):
        return (f"{v:.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"), False
    return esc(v), True


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table; text cells are left-aligned, numbers right-aligned."""
    out = ["<table><thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>")
        for v in r:
            text, left = _cell(v)
            out.append(f'<td class="l">{text}</td>' if left else f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def figure(png: bytes, caption: str, svg_name: str | None = None, alt: str = "") -> str:
    """A figure with its PNG embedded and a link to the SVG file for print."""
    data = base64.b64encode(png).decode("ascii")
    link = f' (<a href="{esc(svg_name)}">SVG for print</a>)' if svg_name else ""
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt or caption)}">'
        f"<figcaption>{caption}{link}</figcaption></figure>"
    )


def section(title: str, *parts: str, anchor: str | None = None) -> str:
    a = f' id="{esc(anchor)}"' if anchor else ""
    return f"<section{a}><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def page(title: str, subtitle: str, sections: Sequence[str], toc: Sequence[tuple[str, str]] = ()) -> str:
    nav = ""
    if toc:
        nav = "<p class='meta'>" + " · ".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in toc) + "</p>"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{esc(title)}</h1><p class='meta'>{subtitle}</p>{nav}"
        + "".join(sections)
        + "</body></html>\n"
    )


def kv(rows: Sequence[tuple[str, Any]]) -> str:
    """A two-column table of labels and values."""
    return table(["", ""], [(k, v) for k, v in rows]).replace(
        "<thead><tr><th></th><th></th></tr></thead>", ""
    )
