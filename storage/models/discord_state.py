"""Small facts the Discord adapter keeps between runs (the hash of the published slash commands).

A key-value table rather than a file: several processes may share one database, and a container's
file system may not survive a redeploy. The core never reads it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class DiscordState(Base):
    """One remembered value, e.g. key "commands:global" -> the SHA-256 of the last synced payload."""

    __tablename__ = "discord_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
