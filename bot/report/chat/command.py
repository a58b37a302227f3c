"""/report (/rapport), for network animators: a short summary in the chat and the whole report as a file.

    /report                                   the last three whole months, HTML
    /rapport 01/09/2026 30/11/2026 hangar csv   a period, one venue, another format

Words may come in any order: two dates (ISO or day/month/year), a venue (its slug, its name, or a
word of it that names one venue: "hangar"), html|csv|json.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.context import Context
from bot.report.days import Period, day_of
from bot.report.export import FORMATS, MEDIA_TYPES, render
from bot.report.numbers import day_text
from bot.report.service import ReportError, build_report, default_period
from bot.report.aggregate import zone_of
from bot.i18n import Translator
from bot.types import Attachment, Reply

ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FR_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SUMMARY_FIGURES = {"members": 3, "programme": 3, "collaborations": 3, "partners": 1, "light_touch": 1}


class BadWord(ValueError):
    pass


def parse_day(word: str) -> date | None:
    """A day as ISO (2026-09-01) or day/month/year (01/09/2026); None when the word is no date at all."""
    iso, fr = ISO_DAY.match(word), FR_DAY.match(word)
    if not (iso or fr):
        return None
    year, month, day = (int(x) for x in iso.groups()) if iso else (int(x) for x in reversed(fr.groups()))
    try:
        return date(year, month, day)
    except ValueError:
        raise BadWord(word) from None


def parse_args(text: str, today: date) -> tuple[Period, str | None, str, bool]:
    """The period, venue and format asked, and whether the period is the default one (no dates)."""
    days: list[date] = []
    words: list[str] = []  # the venue, as typed: its slug or its name ("le hangar", "hangar")
    fmt = "html"
    for word in text.split():
        lowered = word.lower().strip(",;")
        day = parse_day(lowered)
        if day is not None:
            days.append(day)
        elif lowered in FORMATS:
            fmt = lowered
        elif lowered in ("du", "au", "from", "to", "-", "→"):
            continue
        else:
            words.append(lowered)
    venue = " ".join(words) or None
    if len(days) == 1 or len(days) > 2:
        raise BadWord(" ".join(d.isoformat() for d in days))
    period = Period(days[0], days[1]) if days else default_period(today)
    return period, venue, fmt, not days


def summary(document: dict[str, Any], t: Translator) -> str:
    period, previous = document["period"], document["previous"]
    venue = document["venue"]
    def day(iso: str) -> str:
        return day_text(date.fromisoformat(iso), t)

    if document["compared"]:
        key = "report.chat.head_venue" if venue else "report.chat.head"
    else:  # the previous period precedes the network: nothing to compare with
        key = "report.chat.head_venue_since" if venue else "report.chat.head_since"
    lines = [t(key, venue=venue["name"] if venue else "", first=day(period["from"]), last=day(period["to"]),
               pfirst=day(previous["from"]), plast=day(previous["to"]),
               since=day(document["since"]) if document["since"] else "")]
    if document["small_note"]:
        lines.append(document["small_note"])
    for section in document["sections"]:
        for row in section["figures"][:SUMMARY_FIGURES.get(section["id"], 0)]:
            cell = row["cells"][0]
            change = t("report.chat.change", change=cell["change"]) if cell["change"] else ""
            lines.append(t("report.chat.line", label=row["label"], value=cell["current"]["text"], change=change))
    lines.append(t("report.chat.file"))
    return "\n".join(lines)


async def command(ctx: Context) -> Reply:
    today = day_of(ctx.now, zone_of(ctx.config))
    try:
        period, venue, fmt, fit = parse_args(ctx.args, today)
    except BadWord as error:
        return Reply(ctx.t("report.chat.bad_words", words=str(error)[:60]), private=True)
    try:
        document = await build_report(ctx.session, ctx.config, period, now=ctx.now, locale=ctx.locale,
                                      venue_slug=venue, fit=fit)
    except ReportError as error:
        return Reply(ctx.t(error.key, **error.params), private=True)
    shown = document["period"]  # a network younger than the default period: its whole life
    slug = document["venue"]["slug"] if document["venue"] else None
    name = f"{'rapport' if ctx.locale == 'fr' else 'report'}-{slug + '-' if slug else ''}" \
           f"{shown['from']}-{shown['to']}.{fmt}"
    content = render(document, fmt, ctx.t)
    title = ctx.t("report.title_venue", venue=document["venue"]["name"]) if document["venue"] else ctx.t("report.chat.title")
    return Reply(summary(document, ctx.t), title=title, private=True,
                 attachment=Attachment(name, content, MEDIA_TYPES[fmt]))
