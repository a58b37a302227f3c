"""The hosts' network and the territory's partners: weekly pulses, co-hosting proposals,
opportunities posted by partners and hosts, and the interest members show in them.

Partner contacts need no table of their own: a contact is a `Role` with role "partner" on the
partner organisation's venue (kind "partner"). The hosts' chat is a `VenueChat` with purpose "hosts".
Rows that name a member are erased or anonymised by /forget (see bot/hosts/personal.py and
bot/partners/personal.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

PULSE_ANSWERS = ("skill", "hand", "room", "nothing")
PROPOSAL_KINDS = ("complement", "same_evening", "need_offer")
PENDING, ACCEPTED, DECLINED, CANCELLED, CLOSED = "pending", "accepted", "declined", "cancelled", "closed"


class HostsChatInvite(Base):
    """The invitation link of the hosts' chat (a `VenueChat` with purpose "hosts"), given at /link_hosts.

    The bot cannot always make an invite link itself; the animator pastes the group's link once and
    each new host gets it in their welcome message.
    """

    __tablename__ = "hosts_chat_invites"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HostPulse(Base):
    """One host's weekly pulse: sent at most once per ISO week, answered with one button."""

    __tablename__ = "host_pulses"
    __table_args__ = (UniqueConstraint("member_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))  # ISO week, e.g. "2026-W49"
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(10))  # skill | hand | room | nothing
    detail: Mapped[str] = mapped_column(String(200), default="")  # "which one", in the host's words
    answered_at: Mapped[datetime | None] = mapped_column()
    summarised_at: Mapped[datetime | None] = mapped_column()  # told in the hosts' chat


class HostPulseOptOut(Base):
    """A host who asked for no more weekly pulses (`/pulse off`); `/pulse on` deletes the row."""

    __tablename__ = "host_pulse_opt_outs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CohostProposal(Base):
    """A host proposes a co-hosted event to another venue's hosts (double opt-in).

    The other side sees it only as a proposal; accepting creates a draft event with both venues
    as co-hosts (`event_id`). `key` identifies the suggestion it came from, so one suggestion is
    proposed once.
    """

    __tablename__ = "cohost_proposals"
    __table_args__ = (UniqueConstraint("key"), Index("ix_cohost_proposals_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))  # complement | same_evening | need_offer
    from_venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    to_venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column()


class Opportunity(Base):
    """An offer or call by a partner (or a host): an internship, a job, a call for projects..."""

    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_status_closes", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # see bot/partners/kinds.py OPPORTUNITY_KINDS
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    partner_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    skill_ids: Mapped[list] = mapped_column(default=list)  # skills wanted
    audience: Mapped[list] = mapped_column(default=list)  # the events' audience tags
    place: Mapped[str] = mapped_column(String(200), default="")
    closes_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    proposed_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class OpportunityInterest(Base):
    """A member said "I'm interested" (which is their consent to be shown to the poster).

    pending: the poster is asked; accepted: contacts exchanged; declined: the member gets a
    neutral answer; closed: the opportunity closed first; cancelled: one of them used /forget.
    """

    __tablename__ = "opportunity_interests"
    __table_args__ = (UniqueConstraint("opportunity_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column()
