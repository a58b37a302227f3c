"""The report's anonymous aggregates: counts per day, venue and dimension, never a person.

- `ReportDaily`: what happened on a day (flows: new members, events held, RSVPs, introductions,
  messages sent...). Summed over a period.
- `ReportCarried`: levels at the end of a day (stocks: members, skills offered...), written only
  when a value changes and carried forward until the next row, so a year stays small.
- `ReportDay`: the days already closed. A closed day is never rewritten, so erasing a member with
  /forget never changes history; the erasure itself adds the member's share of the open day first.

`venue_id` is 0 for the whole network (a plain integer, not a foreign key: the figures outlive a
venue's removal) and `dim` is "" when a count has no further breakdown.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

NETWORK = 0  # venue_id of network-wide counts


class _Count:
    """The key and count every aggregate row has (one shape for flows and stocks)."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    venue_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dim: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportDaily(_Count, Base):
    """What happened on one day (a flow), summed over a period."""

    __tablename__ = "report_daily"


class ReportCarried(_Count, Base):
    """A level at the end of a day (a stock), carried forward until the next row."""

    __tablename__ = "report_carried"


class ReportDay(Base):
    """One closed day (in the network time zone): its flows and stocks are written and final."""

    __tablename__ = "report_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
