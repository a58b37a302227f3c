"""The totals of a period, read from the aggregates (plus today, still open, counted live)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.report.aggregate import carried_levels, last_closed, zone_of
from bot.report.collect import Key, Stocks, flows
from bot.report.days import Period, day_of
from storage.models.report import ReportDaily


@dataclass
class Totals:
    """Flows summed over a period, and stocks at its last day. `active_known`: the stock of active
    members exists for that day (it cannot be back-filled)."""

    flows: Counter = field(default_factory=Counter)
    stocks: dict[Key, int] = field(default_factory=dict)
    active_known: bool = False

    def flow(self, metric: str, venue: int, dim: str = "") -> int:
        return self.flows.get((metric, venue, dim), 0)

    def stock(self, metric: str, venue: int, dim: str = "") -> int:
        return self.stocks.get((metric, venue, dim), 0)

    def dims(self, metric: str, venue: int, *, stock: bool = False) -> dict[str, int]:
        source = self.stocks if stock else self.flows
        return {d: n for (m, v, d), n in source.items() if m == metric and v == venue and d}

    def pairs(self, metric: str) -> dict[tuple[int, int], int]:
        return {(v, int(d)): n for (m, v, d), n in self.flows.items() if m == metric and d.isdigit()}


async def totals(session: AsyncSession, config: Config, period: Period, now: datetime) -> Totals:
    zone = zone_of(config)
    today = day_of(now, zone)
    result = Totals()
    last = min(period.last, today)
    if period.first <= last:
        rows = await session.execute(
            select(ReportDaily.metric, ReportDaily.venue_id, ReportDaily.dim, func.sum(ReportDaily.count))
            .where(ReportDaily.day >= period.first, ReportDaily.day <= last)
            .group_by(ReportDaily.metric, ReportDaily.venue_id, ReportDaily.dim))
        for metric, venue, dim, n in rows:
            result.flows[(metric, venue, dim)] += int(n or 0)
        closed = await last_closed(session)
        open_from = max(period.first, closed + timedelta(days=1)) if closed else period.first
        if open_from <= last:
            for counter in (await flows(session, open_from, last, zone)).values():
                result.flows.update(counter)
    if period.last < today:
        result.stocks = await carried_levels(session, period.last)
        result.active_known = any(key[0] == "members.active" for key in result.stocks)
    else:
        levels, active, _ = (await Stocks.load(session, today, zone, now)).at(today)
        result.stocks = {**levels, **(active or {})}
        result.active_known = True
    return result
