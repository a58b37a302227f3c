"""The network's places and who runs them: venues, their chats, and roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import PLATFORM_ID, Base, utcnow


class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # coworking | fablab | tiers-lieu | partner
    partner_kind: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(120), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    # Opening hours in OSM form ("Mo-Fr 09:00-18:00; Sa 10:00-13:00", "off"); None: not known.
    hours: Mapped[str | None] = mapped_column(String(300))
    # Random, at least 64 bits: the code behind the venue's join link and QR code.
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    chats: Mapped[list["VenueChat"]] = relationship(back_populates="venue", cascade="all, delete-orphan")


class VenueChat(Base):
    """A group, channel or server channel bound to a venue (or to the whole network when venue is None)."""

    __tablename__ = "venue_chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(PLATFORM_ID)
    purpose: Mapped[str] = mapped_column(String(20), default="announcements")  # announcements|community|hosts|programme
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    venue: Mapped[Venue | None] = relationship(back_populates="chats")


class Role(Base):
    """A member's responsibility: host of one venue, or animator of the whole network (venue None)."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("member_id", "role", "venue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # host | animator
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
