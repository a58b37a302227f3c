"""People: members, their platform identities, and their skills."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import PLATFORM_ID, Base, utcnow


class Member(Base):
    """One person of the network, whatever platforms they use. Private until they choose otherwise."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    bio: Mapped[str] = mapped_column(Text, default="")
    home_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    languages: Mapped[list] = mapped_column(default=lambda: ["fr"])  # languages spoken, for matchmaking
    visibility: Mapped[str] = mapped_column(String(10), default="private")  # private | venue | network
    intro_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    cadence: Mapped[str] = mapped_column(String(10), default="biweekly")  # weekly | biweekly | monthly
    paused_until: Mapped[datetime | None] = mapped_column()
    consent_at: Mapped[datetime | None] = mapped_column()
    consent_version: Mapped[str | None] = mapped_column(String(16))
    claim_code: Mapped[str | None] = mapped_column(String(32), unique=True)  # for imported members
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    identities: Mapped[list["Identity"]] = relationship(back_populates="member")
    skills: Mapped[list["MemberSkill"]] = relationship(back_populates="member", cascade="all, delete-orphan")


class MemberVenue(Base):
    """Other venues a member attends, besides their home venue."""

    __tablename__ = "member_venues"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)


class Identity(Base):
    """A person as one platform knows them. Exists from first contact; tied to a member once they join."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(PLATFORM_ID)
    handle: Mapped[str | None] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str | None] = mapped_column(String(8))  # chosen with /language, else from the platform
    dm_status: Mapped[str] = mapped_column(String(12), default="unknown")  # unknown | open | unreachable
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member | None] = relationship(back_populates="identities")


class Skill(Base):
    """A skill of the shared taxonomy, or a custom one typed by a member (until merged)."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40), default="custom")
    custom: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberSkill(Base):
    __tablename__ = "member_skills"
    __table_args__ = (Index("ix_member_skills_skill_kind", "skill_id", "kind"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # offer | need | interest
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()
