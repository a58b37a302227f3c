"""Dates and event cards as a reader sees them: their language, their time zone.

French: "jeu. 3 déc. 18h30" (French typography writes hours with an h), English: "Thu 3 Dec, 6:30 pm". The year is shown only when it is not
the reader's current year. Day and month names are formatting data (like a locale database), kept
here rather than in the message catalogues.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator, day_of_month
from storage.models import Venue
from storage.models.events import Event

DAYS = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
AUDIENCE_TAGS = ("everyone", "students", "job_seekers", "entrepreneurs", "freelancers", "families")


def _lang(locale: str) -> str:
    return "en" if locale.startswith("en") else "fr"


def format_clock(local: datetime, locale: str) -> str:
    if _lang(locale) == "fr":
        return f"{local.hour}h{local.minute:02d}" if local.minute else f"{local.hour}h"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d} {suffix}" if local.minute else f"{hour} {suffix}"


def format_day(local: datetime, locale: str, today: datetime | None = None) -> str:
    lang = _lang(locale)
    day = f"{DAYS[lang][local.weekday()]} {day_of_month(local.day, lang)} {MONTHS[lang][local.month - 1]}"
    if today is not None and today.year != local.year:
        day += f" {local.year}"
    return day


def format_when(when: datetime, zone: str, locale: str, now: datetime | None = None) -> str:
    """One instant as "jeu. 3 déc. 18h30" / "Thu 3 Dec, 6:30 pm" in time zone `zone`."""
    tz = ZoneInfo(zone)
    local = when.astimezone(tz)
    day = format_day(local, locale, now.astimezone(tz) if now else None)
    separator = " " if _lang(locale) == "fr" else ", "
    return f"{day}{separator}{format_clock(local, locale)}"


def format_span(event: Event, zone: str, t: Translator, now: datetime | None = None) -> str:
    """When an event happens, in `zone`: "jeu. 3 déc. 18h30–20h", or "... (all day)"."""
    tz = ZoneInfo(zone)
    if event.all_day:
        # All-day events are dates at the venue, whatever the reader's time zone.
        local = event.starts_at.astimezone(ZoneInfo(event.timezone))
        return t("events.all_day", day=format_day(local, t.locale, now.astimezone(tz) if now else None))
    start = event.starts_at.astimezone(tz)
    end = event.ends_at.astimezone(tz)
    text = format_when(event.starts_at, zone, t.locale, now)
    if end.date() == start.date():
        return f"{text}–{format_clock(end, t.locale)}"
    return f"{text} – {format_when(event.ends_at, zone, t.locale, now)}"


def audience_label(tag: str, t: Translator) -> str:
    return t(f"events.tag.{tag}") if tag in AUDIENCE_TAGS else tag


def event_card(event: Event, venues: Sequence[Venue], zone: str, t: Translator, now: datetime | None = None,
               *, details: bool = True) -> str:
    """The body of an announcement or an agenda entry (plain text; adapters escape it)."""
    lines = [format_span(event, zone, t, now)]
    where = ", ".join(v.name for v in venues)
    if event.location:
        where = f"{where} — {event.location}" if where else event.location
    if where:
        lines.append(t("events.card.where", where=where))
    if event.audience:
        lines.append(t("events.card.audience", tags=", ".join(audience_label(a, t) for a in event.audience)))
    if event.capacity is not None:
        left = max(event.capacity - event.going_count, 0)
        lines.append(t("events.card.places", count=left, capacity=event.capacity) if left
                     else t("events.card.full", capacity=event.capacity))
    if details and event.description:
        lines.append(event.description[:600])
    if details and event.url:
        lines.append(event.url)
    if event.status == "cancelled":
        lines.insert(0, t("events.card.cancelled"))
    return "\n".join(lines)
