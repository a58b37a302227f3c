"""The report as one self-contained, printable HTML file: inline CSS (A4 print rules) and inline SVG.

Well-formed XML too (every element closed), so tests parse it with a strict parser; nothing is
fetched from anywhere when it is opened or printed.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from bot.i18n import Translator
from bot.report import charts, graph
from bot.report.numbers import day_text

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a202c; font-size: 10.5pt;
       max-width: 182mm; margin: 0 auto; padding: 8mm 0; line-height: 1.35; }
header { border-bottom: 3px solid #2b6cb0; margin-bottom: 6mm; padding-bottom: 3mm; }
h1 { font-size: 20pt; margin: 0 0 1mm 0; color: #1a365d; }
h2 { font-size: 14pt; color: #1a365d; border-bottom: 1px solid #cbd5e0; padding-bottom: 1mm; margin: 7mm 0 3mm 0; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm 0; }
.period { color: #4a5568; margin: 0; }
.cover { display: flex; flex-wrap: wrap; gap: 3mm; margin: 4mm 0; }
.tile { flex: 1 1 38mm; border: 1px solid #cbd5e0; border-radius: 2mm; padding: 2.5mm 3mm; background: #f7fafc; }
.tile .n { font-size: 18pt; font-weight: bold; color: #2b6cb0; display: block; }
.tile .l { font-size: 9pt; color: #4a5568; }
.tile .c { font-size: 8.5pt; color: #2f855a; }
.tile .c.down { color: #9b2c2c; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm 0; page-break-inside: avoid; }
th, td { padding: 1mm 2mm; border-bottom: 1px solid #e2e8f0; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { font-size: 9pt; color: #4a5568; font-weight: normal; }
tr.total td { font-weight: bold; border-top: 1px solid #a0aec0; }
.note { font-size: 9pt; color: #4a5568; font-style: italic; margin: 1mm 0 2mm 0; }
.notice { border-left: 4px solid #c05621; background: #fffaf0; padding: 2mm 3mm; margin: 3mm 0; }
svg.bars { width: 100%; max-width: 150mm; height: auto; display: block; margin: 1mm 0 2mm 0; }
.key.now { color: #2b6cb0; } .key.before { color: #bcd3ea; }
svg.graph { width: 100%; height: auto; display: block; page-break-inside: avoid; }
section { page-break-inside: auto; }
section + section { page-break-before: auto; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #4a5568; border-top: 1px solid #cbd5e0; padding-top: 2mm; }
@media print { body { padding: 0; } h2 { page-break-after: avoid; } .tile { break-inside: avoid; } }
"""


def _row(row: dict[str, Any], css: str = "") -> str:
    cells = row["cells"][0]
    klass = f' class="{css}"' if css else ""
    return (f'<tr{klass}><td>{escape(row["label"])}</td><td>{escape(cells["current"]["text"])}</td>'
            f'<td>{escape(cells["previous"]["text"])}</td><td>{escape(cells["change"] or "")}</td></tr>')


def _head(t: Translator, first: str) -> str:
    return (f'<tr><th>{escape(first)}</th><th>{escape(t("report.col.current"))}</th>'
            f'<th>{escape(t("report.col.previous"))}</th><th>{escape(t("report.col.change"))}</th></tr>')


def _table(table: dict[str, Any], t: Translator) -> str:
    parts = [f'<h3>{escape(table["title"])}</h3>']
    if table["rows"]:
        chart = charts.bars(table, table["title"])
        if chart:
            parts.append(chart)
        parts.append(f"<table><thead>{_head(t, '')}</thead><tbody>")
        parts += [_row(row) for row in table["rows"]]
        if table["total"]:
            parts.append(_row(table["total"], "total"))
        parts.append("</tbody></table>")
    elif not table.get("note"):
        parts.append(f'<p class="note">{escape(t("report.nothing"))}</p>')
    if table.get("note"):
        parts.append(f'<p class="note">{escape(table["note"])}</p>')
    return "".join(parts)


def _section(section: dict[str, Any], t: Translator) -> str:
    parts = [f'<section id="{escape(section["id"])}"><h2>{escape(section["title"])}</h2>']
    if section["note"]:
        parts.append(f'<p class="note">{escape(section["note"])}</p>')
    if section["figures"]:
        parts.append(f"<table><thead>{_head(t, '')}</thead><tbody>")
        parts += [_row(row) for row in section["figures"]]
        parts.append("</tbody></table>")
    if section.get("graph") and section["graph"]["nodes"]:
        parts.append(f'<p class="note">{escape(t("report.graph_on_cover"))}</p>')
    parts += [_table(table, t) for table in section["tables"]]
    parts.append("</section>")
    return "".join(parts)


def _cover(document: dict[str, Any]) -> str:
    tiles = []
    wanted = {"members": 2, "programme": 2, "collaborations": 2, "partners": 1}
    for section in document["sections"]:
        for row in section["figures"][:wanted.get(section["id"], 0)]:
            cell = row["cells"][0]
            change = ""
            if cell["change"]:
                down = " down" if cell["change"].startswith("-") else ""
                change = f'<span class="c{down}">{escape(cell["change"])}</span>'

            tiles.append(f'<div class="tile"><span class="n">{escape(cell["current"]["text"])}</span>'
                         f'<span class="l">{escape(row["label"])}</span> {change}</div>')
    return f'<div class="cover">{"".join(tiles)}</div>' if tiles else ""


def _day(iso: str, t: Translator) -> str:
    return day_text(date.fromisoformat(iso), t)


def _previous_line(document: dict[str, Any], t: Translator) -> str:
    """What the figures stand against: the previous period, or nothing before the network began."""
    previous = document["previous"]
    if not document["compared"]:
        return t("report.since_line", since=_day(document["since"], t))
    return t("report.previous_line", first=_day(previous["from"], t), last=_day(previous["to"], t))


def render(document: dict[str, Any], t: Translator) -> str:
    venue = document["venue"]
    title = t("report.title_venue", venue=venue["name"]) if venue else t("report.title")
    period, previous = document["period"], document["previous"]
    parts = [
        "<!DOCTYPE html>",
        f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{document["locale"]}"><head><meta charset="utf-8"/>',
        f'<meta name="viewport" content="width=device-width, initial-scale=1"/><title>{escape(title)} – '
        f'{escape(document["network"])}</title><style>{CSS}</style></head><body>',
        f'<header><h1>{escape(title)}</h1><p class="period"><strong>{escape(document["network"])}</strong> · '
        f'{escape(t("report.period_line", first=_day(period["from"], t), last=_day(period["to"], t)))}</p>'
        f'<p class="period">{escape(_previous_line(document, t))}</p>'
        f'</header>',
    ]
    if document["small_note"]:
        parts.append(f'<p class="notice">{escape(document["small_note"])}</p>')
    parts.append(_cover(document))
    drawing = next((s["graph"] for s in document["sections"] if s.get("graph") and s["graph"]["nodes"]), None)
    if drawing:  # the mesh on page one: what a funder looks at first
        parts.append(f'<h2>{escape(t("report.graph_title"))}</h2>')
        parts.append(graph.svg(drawing, t("report.graph_title"), document["min_count"]))
        parts.append(f'<p class="note">{escape(t("report.graph_legend"))}</p>')
    parts.append(f'<p class="note"><span class="key now">■</span> {escape(t("report.col.current"))} '
                 f'<span class="key before">■</span> {escape(t("report.col.previous"))}</p>')
    parts += [_section(section, t) for section in document["sections"]]
    parts.append(f'<footer><p>{escape(t("report.method", n=document["min_count"]))}</p>'
                 f'<p>{escape(t("report.generated", at=document["generated_at"]))}</p></footer></body></html>')
    return "\n".join(parts)
