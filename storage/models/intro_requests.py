"""Introductions on request: one member asks to be put in touch with another (double opt-in).

A row lives `pending` until the addressee accepts or declines, or seven days pass (`expired`), or one
of the two uses /forget (`cancelled`). Rows outlive the people: on /forget the member's side is set
to NULL and the context line blanked, so past introductions survive only as anonymous counts, while
a decline still shields its addressee from the same requester for 90 days.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

PENDING, ACCEPTED, DECLINED, EXPIRED, CANCELLED = "pending", "accepted", "declined", "expired", "cancelled"
STATUSES = (PENDING, ACCEPTED, DECLINED, EXPIRED, CANCELLED)


class IntroRequest(Base):
    __tablename__ = "intro_requests"
    __table_args__ = (
        Index("ix_intro_requests_requester_status", "requester_id", "status"),
        Index("ix_intro_requests_addressee_status", "addressee_id", "status"),
        Index("ix_intro_requests_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    context: Mapped[str] = mapped_column(Text, default="")  # the requester's one line, as typed
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    responded_at: Mapped[datetime | None] = mapped_column()  # accepted, declined, expired or cancelled
