"""What keeps the bot running: the outbox, conversation state, and the activity log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import PLATFORM_ID, Base, utcnow


class OutboxStatus:
    """The states of an `OutboxMessage` (see its docstring for the life of a row), named once.

    `FINISHED`: nothing more will happen to the row (housekeeping may delete it). `OPEN`: still
    waiting for its turn (another write of the same message would be a duplicate). `NOT_DELIVERED`:
    finished without reaching the person, so it never counted against their attention budget.
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    UNREACHABLE = "unreachable"
    DEAD = "dead"
    REJECTED = "rejected"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"

    OPEN = (PENDING, CLAIMED)
    FINISHED = (SENT, CANCELLED, DEAD, REJECTED, UNREACHABLE, UNKNOWN)
    NOT_DELIVERED = (CANCELLED, REJECTED, UNREACHABLE, DEAD)


class OutboxMessage(Base):
    """A proactive message, written in the same transaction as its cause, delivered by the dispatcher.

    Life: pending -> claimed -> sending -> sent; or unreachable, dead (gave up), rejected (refused by
    the platform), unknown (may have been delivered: flagged for the operator, never resent blindly),
    cancelled (its cause went away, e.g. the member used /forget).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # idempotency key
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(PLATFORM_ID)  # a chat, or...
    user_id: Mapped[str | None] = mapped_column(PLATFORM_ID)  # ...a person, by DM
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(40), default="message")  # intro, reminder, digest...
    nudge: Mapped[bool] = mapped_column(Boolean, default=False)  # counts against the attention budget
    payload: Mapped[dict] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)  # also "not before" (quiet hours)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """Where a person is in a multi-step flow; kept in the database so a restart loses nothing."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(PLATFORM_ID)
    chat_id: Mapped[str] = mapped_column(PLATFORM_ID)
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(default=dict)
    expires_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Activity(Base):
    """Something that happened in the network, for the live wall and the figures.

    `public` rows may be shown on the wall; they never name a member who has not chosen to be seen.
    """

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # member_joined, event_published, intro_made...
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
