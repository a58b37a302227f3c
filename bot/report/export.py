"""The report as CSV (one line per figure, for a spreadsheet) or JSON (the document itself)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.i18n import Translator

FORMATS = ("html", "csv", "json")
MEDIA_TYPES = {"html": "text/html", "csv": "text/csv", "json": "application/json"}


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def as_csv(document: dict[str, Any], t: Translator) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([t("report.col.section"), t("report.col.table"), t("report.col.label"),
                     t("report.col.current"), t("report.col.previous"), t("report.col.change")])

    def write(section: str, table: str, row: dict[str, Any]) -> None:
        cell = row["cells"][0]
        writer.writerow([section, table, row["label"], cell["current"]["text"], cell["previous"]["text"],
                         cell["change"] or ""])

    for section in document["sections"]:
        for row in section["figures"]:
            write(section["title"], "", row)
        for table in section["tables"]:
            for row in table["rows"] + ([table["total"]] if table["total"] else []):
                write(section["title"], table["title"], row)
    return out.getvalue()


def render(document: dict[str, Any], fmt: str, t: Translator) -> bytes:
    from bot.report import render_html

    if fmt == "html":
        return render_html.render(document, t).encode()
    if fmt == "csv":
        return as_csv(document, t).encode("utf-8-sig")  # the BOM lets spreadsheets read the accents right
    return as_json(document).encode()
