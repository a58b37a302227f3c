"""The live wall: who chose to be shown, what moderators hid, venue wall tokens, and the change log.

`wall_changes` is how a change made in any process (the bot, a job, the CLI) reaches the web
process serving the screens: one row per committed transaction that touched what the wall shows,
polled every second by the web face (see `bot.wall.changes`). Rows are pruned after a day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class WallConsent(Base):
    """A member who chose "show me on the wall" (off by default): first name, venue, what they offer."""

    __tablename__ = "wall_consents"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WallHidden(Base):
    """An item a moderator took off the wall: "event:12" or "member:5"."""

    __tablename__ = "wall_hidden"

    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    hidden_by: Mapped[str] = mapped_column(String(80), default="")  # "cli" or "platform:user_id"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WallToken(Base):
    """The secret in the URL of a private venue's wall (`maillage wall url VENUE` prints it)."""

    __tablename__ = "wall_tokens"

    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WallChange(Base):
    """One committed change the open screens must show; `topics` is a comma list (programme,people...)."""

    __tablename__ = "wall_changes"
    __table_args__ = (Index("ix_wall_changes_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topics: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
