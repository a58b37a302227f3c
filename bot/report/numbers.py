"""Numbers as a French or English reader writes them: 12 345 and 4,5 % / 12,345 and 4.5 %."""

from __future__ import annotations

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
