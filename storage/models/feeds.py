"""What the calendar-feed sync keeps besides the events themselves.

- `FeedSourceState`: per-source sync state that the `FeedSource` row (events area) does not hold:
  the hash of the last body parsed, when it was parsed, what the last parse said, the kind of the
  last failure.
- `FeedLink`: an occurrence of one feed merged into an event owned by someone else (another feed,
  or a host's /event): the feed's key still maps to that event, so re-syncs never duplicate it.
- `EventDuplicateQuestion`: "same event?" asked once to the hosts when a match is borderline.
- `CalendarToken`: the unguessable token in a member's private ICS URL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class FeedSourceState(Base):
    """Sync state of one feed source; the row is created at its first sync."""

    __tablename__ = "feed_source_states"

    source_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"), primary_key=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the last body parsed
    parsed_at: Mapped[datetime | None] = mapped_column()  # when that body was last expanded
    full_read_at: Mapped[datetime | None] = mapped_column()  # OpenAgenda: last non-incremental read
    occurrences: Mapped[int] = mapped_column(Integer, default=0)  # in the last parse
    warnings: Mapped[list] = mapped_column(default=list)  # the last parse's warnings, for an operator
    calendar_name: Mapped[str | None] = mapped_column(String(200))
    last_error_at: Mapped[datetime | None] = mapped_column()
    # The last failure's category (adapters.sources.ERROR_KINDS): what hosts are told, in their
    # language; FeedSource.last_error keeps the operator's English detail.
    error_kind: Mapped[str | None] = mapped_column(String(20))
    failure_streaks: Mapped[int] = mapped_column(Integer, default=0)  # numbers each streak's notice key
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedLink(Base):
    """A feed occurrence that is the same event as `event_id`, which another source owns."""

    __tablename__ = "feed_links"
    __table_args__ = (UniqueConstraint("source_id", "source_uid", "recurrence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    source_uid: Mapped[str] = mapped_column(String(500))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventDuplicateQuestion(Base):
    """"Is this the same event?" for a borderline match: `duplicate_id` was just imported and may be
    `event_id`. Asked once (unique pair); the first host answer settles it.

    status: pending | same | different | unasked (no host could be asked: both stay)."""

    __tablename__ = "event_duplicate_questions"
    __table_args__ = (UniqueConstraint("event_id", "duplicate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)  # title similarity, 0-100
    reason: Mapped[str] = mapped_column(Text, default="")  # for the operator: why it is borderline
    status: Mapped[str] = mapped_column(String(12), default="pending")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column()
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class CalendarToken(Base):
    """The secret in a member's personal calendar URL (/calendar/member/{token}.ics)."""

    __tablename__ = "calendar_tokens"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
