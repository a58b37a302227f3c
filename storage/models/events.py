"""The network programme: events, the venues hosting them, RSVPs, and the calendar feeds they come from.

Times are stored in UTC (`UTCDateTime`) together with the IANA time zone of the place where the
event happens, so "18:30 in Paris" stays right across daylight-saving changes and can be shown in
any reader's time zone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow

EVENT_STATUSES = ("draft", "published", "cancelled")
RSVP_STATUSES = ("going", "waitlist", "cancelled")
FEED_KINDS = ("ics", "openagenda", "file")


class Event(Base):
    """One occurrence of an activity. A recurring feed event becomes one row per occurrence.

    `source` is "chat" for events posted by command, or "feed:<FeedSource.id>" for imported ones;
    (source, source_uid, recurrence_id) identifies an imported occurrence across re-imports.
    `sequence` counts changes of time, place or status: it makes notice keys unique per change and
    is the ICS SEQUENCE. `going_count` is kept by an atomic conditional UPDATE so that two people
    taking the last seat at once cannot both get it (see bot/events/rsvp.py).
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("source", "source_uid", "recurrence_id"),
        Index("ix_events_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(Text, default="")  # free text: room, address
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")  # the venue's IANA zone
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    going_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | published | cancelled
    audience: Mapped[list] = mapped_column(default=list)  # tags: students, job_seekers, entrepreneurs...
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(40), default="chat")
    feed_source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_sources.id", ondelete="SET NULL"), index=True)
    source_uid: Mapped[str | None] = mapped_column(String(500))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")  # "" when not an occurrence
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)  # content hash, for feeds
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column()
    announced_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    venues: Mapped[list["EventVenue"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventVenue.position"
    )


class EventVenue(Base):
    """A venue hosting an event. Every event has a row for its main venue (position 0) and its co-hosts."""

    __tablename__ = "event_venues"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="venues")


class Rsvp(Base):
    """A member's answer to an event. The waiting list is ordered by `queued_at` (then id)."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id"),
        Index("ix_rsvps_event_status", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # going | waitlist | cancelled
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the current status began
    promoted_at: Mapped[datetime | None] = mapped_column()  # moved from the waiting list to going
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FeedSource(Base):
    """A calendar a venue publishes: an ICS URL, a local .ics file, or an OpenAgenda agenda."""

    __tablename__ = "feed_sources"
    __table_args__ = (UniqueConstraint("venue_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # ics | openagenda | file
    url: Mapped[str] = mapped_column(String(1000))  # URL, file path, or OpenAgenda agenda uid
    key_env: Mapped[str | None] = mapped_column(String(100))  # env variable holding an API key
    origin: Mapped[str] = mapped_column(String(10), default="config")  # config | chat
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    cursor: Mapped[str | None] = mapped_column(String(300))  # OpenAgenda updatedAt[gte] watermark
    last_success_at: Mapped[datetime | None] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    error_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_error_notified: Mapped[bool] = mapped_column(Boolean, default=False)  # hosts told this streak
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
