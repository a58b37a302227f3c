"""Building a report: close the days still open, read both periods' totals, make the document.

The one entry point for the CLI, the chat command and the benchmark; it runs in the caller's
transaction (closing days writes the anonymous aggregates, nothing else).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.report import document
from bot.report.aggregate import close_days, zone_of
from bot.report.days import Period, day_of
from bot.report.figures import totals
from bot.report.venues import venue_infos
from bot.text import name_key
from storage.models import Skill
from storage.models.report import ReportDay

MAX_DAYS = 3 * 366


class ReportError(ValueError):
    """A report that cannot be made as asked; `key` and `params` say why in the reader's language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def default_period(today: date) -> Period:
    """The three whole calendar months before this one (1 Sep - 30 Nov, asked in December); a
    network younger than that gets its whole life instead (`build_report(..., fit=True)`)."""
    month = today.month - 3
    year = today.year + (month - 1) // 12
    first = date(year, (month - 1) % 12 + 1, 1)
    last = date(today.year, today.month, 1) - timedelta(days=1)
    return Period(first, last)


async def build_report(session: AsyncSession, config: Config, period: Period, *, now: datetime, locale: str,
                       venue_slug: str | None = None, close: bool = True, fit: bool = False) -> dict[str, Any]:
    """The report document for `period`. With `fit` (the default period, no dates asked), a network
    born after the period began gets its whole life, up to the period's end, or to yesterday when
    it was born this month: a report of months before the network would only show zeros."""
    if period.last < period.first:
        raise ReportError("report.error.order")
    if period.days > MAX_DAYS:
        raise ReportError("report.error.too_long", days=MAX_DAYS)
    infos = await venue_infos(session)
    venue = None
    if venue_slug:
        venue = _venue_named(infos, venue_slug)
        if venue is None:
            raise ReportError("report.error.venue", venue=venue_slug[:40],
                              venues=", ".join(f"{i.name} ({i.slug})" for i in infos))
    if close:
        await close_days(session, config, now)
    since = await network_start(session)
    if fit and since is not None and since > period.first:
        yesterday = day_of(now, zone_of(config)) - timedelta(days=1)
        period = Period(since, period.last if since <= period.last else max(since, yesterday))
    current = await totals(session, config, period, now)
    previous = await totals(session, config, period.previous(), now)
    label = Skill.label_fr if locale == "fr" else Skill.label_en
    labels = dict((await session.execute(select(Skill.slug, label).where(Skill.custom.is_(False)))).all())
    t = Translator(locale)
    generated = now.astimezone(zone_of(config)).strftime("%Y-%m-%d %H:%M")
    return document.build(t, network=config.network.name, infos=infos, period=period, current=current,
                          previous=previous, min_count=config.report.min_count, venue=venue, skill_labels=labels,
                          generated_at=generated, since=since)


def _plain(text: str) -> str:
    """A name or slug as words, accents and case aside ("le-hangar" and "Le Hangar" are "le hangar")."""
    return " ".join("".join(c if c.isalnum() else " " for c in name_key(text)).split())


def _venue_named(infos, typed: str):
    """The venue `typed` names: its slug, its name (case and accents aside), else the one venue whose
    slug or name holds it as whole words ("hangar" for le-hangar); None when none or several do."""
    plain = _plain(typed)
    exact = [i for i in infos if plain in (_plain(i.slug), _plain(i.name))]
    if exact:
        return exact[0]
    within = [i for i in infos if f" {plain} " in f" {_plain(i.slug)} " or f" {plain} " in f" {_plain(i.name)} "]
    return within[0] if len(within) == 1 else None


async def network_start(session: AsyncSession) -> date | None:
    """The network's first day: the first day the aggregates closed (the oldest data when they were
    first written, which no later /forget moves)."""
    return (await session.execute(select(func.min(ReportDay.day)))).scalar()
