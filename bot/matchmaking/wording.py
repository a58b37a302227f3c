"""Small pieces of wording shared by the matchmaking screens: numbers, round names, language names.

- `number` writes a decimal with the reader's separator ("0,5" in French, "0.5" in English);
- `round_name` calls a round by its date ("tour du 16/11") instead of its period id ("2026-W47"),
  which stays the identifier in JSON, the CLI and the database;
- `language_names` turns stored codes ("fr", "en") into the names /profile shows ("Français,
  English": each language named in itself, from the shared `bot.members.languages`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.members.languages import NAMES


def number(value: float, t: Translator, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if t.locale == "fr" else text


def week_monday(period: str) -> date | None:
    """The Monday of an ISO-week period ("2026-W47" -> 2026-11-16), or None for anything else."""
    try:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def round_name(period: str | None, t: Translator, fire_time: datetime | None = None, timezone: str = "UTC") -> str:
    """ "tour du 16/11": the fire date when known, else the Monday of the period's week."""
    if fire_time is not None:
        return t("matchmaking.round_name", date=fire_time.astimezone(ZoneInfo(timezone)).strftime("%d/%m"))
    monday = week_monday(period or "")
    if monday is None:
        return t("matchmaking.round_name", date=period or "-")
    return t("matchmaking.week_name", date=monday.strftime("%d/%m"))


def language_names(codes: Iterable[str]) -> str:
    return ", ".join(NAMES.get(code, code) for code in codes)
