"""Deliveries already handled: a platform update seen twice (a webhook retry, a polling replay
after a crash) is applied once, because its id is written in the transaction that handles it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class HandledDelivery(Base):
    """One platform delivery (Telegram's `update_id`) whose effects are committed."""

    __tablename__ = "handled_deliveries"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
