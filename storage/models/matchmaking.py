"""Matchmaking: members' introduction settings, rounds (one per period), introductions and answers.

A round is unique per period (the database enforces it) and is written with its introductions and
their outbox messages in one transaction. Introductions outlive the people in them: on /forget a
member's side keeps its row with `member_id` NULL and the reasons are blanked, so past rounds
survive only as anonymous counts (cross-venue, need<->offer, venues, outcome).

A one-off introduction ("introduce me this time", between rounds) has no round: `round_id` is NULL,
`source` is "one_off" and `requested_by_id` names who asked (for the once-a-week limit).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow

# Introduction.status
PROPOSED, REVEALED, DECLINED, EXPIRED, CANCELLED = "proposed", "revealed", "declined", "expired", "cancelled"
# IntroductionMember.response
PENDING, ACCEPTED, REFUSED = "pending", "accepted", "declined"


class IntroPreferences(Base):
    """How a member wants to be introduced, beyond Member.intro_opt_in / cadence / paused_until."""

    __tablename__ = "intro_preferences"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    # other_venues_preferred (default) | same_venue_ok | other_venues_only (bot.matchmaking.engine.VenuePreference)
    venue_preference: Mapped[str] = mapped_column(String(24), default="other_venues_preferred")
    never_with: Mapped[list] = mapped_column(default=list)  # member ids, private to this member
    languages: Mapped[list | None] = mapped_column(nullable=True)  # None: Member.languages
    priority: Mapped[bool] = mapped_column(Boolean, default=False)  # left out by the matching last round
    # in_person | video | either (default): in-person-only and video-only members are never paired
    meet_mode: Mapped[str] = mapped_column(String(10), default="either", server_default="either")
    # "Skip next round" (a button on the follow-up): left out of the next round they are due in, once.
    skip_next: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MatchRound(Base):
    """One round. `period` ("2026-W48") is unique: a round never runs twice for the same period."""

    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="sent")  # sent (proposals queued) | empty
    trigger: Mapped[str] = mapped_column(String(12), default="schedule")  # schedule | catch_up | cli | chat
    run_at: Mapped[datetime] = mapped_column()  # the time the round was run for (--at, or the fire time)
    stats: Mapped[dict] = mapped_column(default=dict)  # the plan's figures, plus candidates excluded before
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    introductions: Mapped[list["Introduction"]] = relationship(back_populates="round", cascade="all, delete-orphan")


class Introduction(Base):
    """Two or three members proposed to each other. Flags and venues survive /forget as counts."""

    __tablename__ = "introductions"
    __table_args__ = (Index("ix_introductions_status_expires", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="round", server_default=text("'round'"))  # round | one_off
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(default=list)  # [{"code": ..., "params": {...}}] (bot.matchmaking.engine.Reason)
    cross_venue: Mapped[bool] = mapped_column(Boolean, default=False)
    need_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=PROPOSED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()  # answer window, from the latest delivery time
    closed_at: Mapped[datetime | None] = mapped_column()  # revealed, declined, expired or cancelled
    revealed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Where they could meet (bot.matchmaking.meeting_place): a network venue, maybe at one of its
    # events; both None for a video pair or when no place is known.
    meet_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    meet_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))

    round: Mapped[MatchRound | None] = relationship(back_populates="introductions")
    members: Mapped[list["IntroductionMember"]] = relationship(
        back_populates="introduction", cascade="all, delete-orphan", order_by="IntroductionMember.slot")


class IntroductionMember(Base):
    """One person's side of an introduction: their answer, and the one follow-up."""

    __tablename__ = "introduction_members"

    introduction_id: Mapped[int] = mapped_column(ForeignKey("introductions.id", ondelete="CASCADE"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0, 1 (2 for a triple)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    response: Mapped[str] = mapped_column(String(10), default=PENDING)  # pending | accepted | declined
    responded_at: Mapped[datetime | None] = mapped_column()
    follow_up: Mapped[str | None] = mapped_column(String(10))  # None | sent | skipped (budget, unreachable)
    met: Mapped[str | None] = mapped_column(String(10))  # yes | not_yet | no
    met_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()  # "can't make it" after the reveal
    again: Mapped[bool | None] = mapped_column(Boolean)  # after "we met": would meet again? (animators only)
    note: Mapped[str | None] = mapped_column(String(280))  # after "we met": one line for the animators only
    note_at: Mapped[datetime | None] = mapped_column()

    introduction: Mapped[Introduction] = relationship(back_populates="members")


class MatchSchedule(Base):
    """The animators' schedule, overriding [matchmaking] cron / every_weeks (one row, id 1)."""

    __tablename__ = "match_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    cron: Mapped[str] = mapped_column(String(100))
    every_weeks: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchScheduling(Base):
    """Since when this network schedules rounds (one row): a round due before that was never missed.

    Written by the first matchmaking tick; a network that ran rounds before this table existed
    counts from its first round. Catch-up runs only rounds due after this moment (issue 16: a first
    start on a Wednesday must not run last Monday's round).
    """

    __tablename__ = "match_scheduling"

    id: Mapped[int] = mapped_column(primary_key=True)
    since: Mapped[datetime] = mapped_column()


class MatchExclusion(Base):
    """A member an animator left out of rounds and one-offs (after a complaint): who, by whom, when, why.

    Deleted on /matchmaking include (the audit log keeps the history); gone with the member on /forget.
    """

    __tablename__ = "match_exclusions"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
