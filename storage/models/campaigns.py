"""Campaigns by animators and hosts, who received each one and what they answered, and each
member's notification settings (per-kind mutes, personal quiet hours, a pause)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import PLATFORM_ID, Base, utcnow


class CampaignStatus:
    """The life of a campaign: draft -> scheduled -> sending -> sent; paused and cancelled before it goes;
    stopped while sending (what was not yet written to the outbox is never sent)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PAUSED = "paused"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    STOPPED = "stopped"

    EDITABLE = (DRAFT, SCHEDULED, PAUSED)
    LIVE = (SCHEDULED, SENDING)


class Campaign(Base):
    """One message an animator (whole network) or a host (their venue) sends to an audience."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    author_platform: Mapped[str] = mapped_column(String(16))  # where the test send goes
    author_user_id: Mapped[str] = mapped_column(PLATFORM_ID)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))  # a host's scope
    status: Mapped[str] = mapped_column(String(12), default=CampaignStatus.DRAFT)
    text_fr: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    link_url: Mapped[str | None] = mapped_column(String(500))
    poll: Mapped[list] = mapped_column(default=list)  # up to four answers
    interested: Mapped[bool] = mapped_column(Boolean, default=False)  # "I'm interested" button
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))  # a named host
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))  # RSVP buttons
    audience: Mapped[dict] = mapped_column(default=dict)  # filters, see bot.campaigns.audience
    send_at: Mapped[datetime | None] = mapped_column()
    spread_minutes: Mapped[int] = mapped_column(Integer, default=0)
    recurring: Mapped[str | None] = mapped_column(String(64))  # a cron expression
    occurrence: Mapped[int] = mapped_column(Integer, default=0)  # which sending of a recurring campaign
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class CampaignRecipient(Base):
    """A member a campaign was meant for, once per sending: what became of it, and their answer.

    Written in the same transaction as the outbox row (key `campaign:ID:OCCURRENCE:MEMBER`), so a
    sending interrupted at any moment resumes with nobody missed and nobody written twice."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (UniqueConstraint("campaign_id", "occurrence", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12))  # queued | deferred | no_budget | muted | unreachable
    answer: Mapped[int | None] = mapped_column(Integer)  # the poll option chosen (0-3)
    interested_at: Mapped[datetime | None] = mapped_column()
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)  # pressed "no more campaigns" here
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatMember(Base):
    """A member seen joining a group where the bot is: the "members of one chat" audience filter."""

    __tablename__ = "chat_members"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(PLATFORM_ID, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPrefs(Base):
    """What a member accepts unprompted: kinds muted, their own quiet hours, a pause."""

    __tablename__ = "notification_prefs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    muted: Mapped[list] = mapped_column(default=list)  # campaigns | introductions | events | digests
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # None: the network's
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    quiet_weekends: Mapped[bool | None] = mapped_column(Boolean)
    paused_until: Mapped[datetime | None] = mapped_column()
    budget: Mapped[int | None] = mapped_column(Integer)  # nudges accepted per 30 days; None: the network's
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
