"""Privacy bookkeeping: who was erased (as salted hashes), attempts at guessing codes, and which
unknown-outcome messages the operator was already told about.

- `ErasedPerson`: one keyed hash (HMAC-SHA-256 with `PrivacySecret` "erasure_salt") per platform
  identity erased by /forget. Nothing in it names anyone; it lets the bot erase that person again
  if a backup from before their /forget is restored (see `bot/features/erasure.py`).
- `CodeAttempt`: one row per join-code or /link-code attempt, by person and by chat (hashed too),
  counted over a short window for throttling and purged after it.
- `UnknownOutcomeTold`: outbox rows whose send outcome is unknown and that were already reported
  to the operator, so each incident is told once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class ErasedPerson(Base):
    __tablename__ = "erased_people"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex HMAC of "platform:user id"
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrivacySecret(Base):
    __tablename__ = "privacy_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class CodeAttempt(Base):
    __tablename__ = "code_attempts"
    __table_args__ = (Index("ix_code_attempts_subject", "kind", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # join | link
    subject: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of "person:platform:id" or "chat:platform:id"
    at: Mapped[datetime] = mapped_column(default=utcnow)


class UnknownOutcomeTold(Base):
    __tablename__ = "unknown_outcomes_told"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    told_at: Mapped[datetime] = mapped_column(default=utcnow)
