"""Small inline SVG bar charts for the report's tables: this period against the previous one.

A hidden cell draws no bar (its length would tell the count) and shows the "< 5" text instead.
"""

from __future__ import annotations

from html import escape
from typing import Any

BAR_WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT = 300, 170, 60, 22
CURRENT, PREVIOUS = "#2b6cb0", "#bcd3ea"


def bars(table: dict[str, Any], title: str) -> str | None:
    """Horizontal bars for a one-column table; None when nothing is visible to draw."""
    rows = [r for r in table["rows"] if r["cells"]]
    values = [c["value"] for r in rows for c in (r["cells"][0]["current"], r["cells"][0]["previous"])
              if c["value"] is not None]
    if not rows or not values or max(values) <= 0:
        return None
    top = max(values)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * len(rows) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bars" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for k, row in enumerate(rows):
        y = 4 + k * ROW_HEIGHT
        cell = row["cells"][0]
        label = row["label"] if len(row["label"]) <= 26 else row["label"][:25] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label)}</text>')
        for value, colour, dy, h in ((cell["previous"]["value"], PREVIOUS, 11, 6),
                                     (cell["current"]["value"], CURRENT, 2, 9)):
            if value:
                length = max(1.0, BAR_WIDTH * value / top)
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + dy}" width="{length:.1f}" height="{h}" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 13}" font-size="11">'
                     f'{escape(cell["current"]["text"])}</text>')
    parts.append("</svg>")
    return "".join(parts)
