"""Numbers and days as a French or English reader writes them: 12 345, 4,5 %, 1 sept. 2026 /
12,345, 4.5%, 1 Sep 2026."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator, day_of_month

NARROW_NBSP = "\u202f"


def integer(value: int, locale: str) -> str:
    text = f"{value:,}"
    return text.replace(",", NARROW_NBSP) if locale == "fr" else text


def decimal(value: float, locale: str, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    if locale == "fr":
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def percent(share: float, locale: str) -> str:
    return f"{decimal(100 * share, locale)}{NARROW_NBSP if locale == 'fr' else ''}%"


def signed(text: str, negative: bool) -> str:
    return text if negative else f"+{text}"


def day_text(day: date, t: Translator) -> str:
    """1er septembre 2026 / 1 September 2026 (months from the catalogue)."""
    return t("report.day", day=day_of_month(day.day, t.locale), month=t(f"report.month.m{day.month}"), year=day.year)
