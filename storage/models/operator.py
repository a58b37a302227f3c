"""What the operator's imports keep beside the members and venues they create.

`ImportConsent`: the consent an operator attested when importing members (the date the person
agreed elsewhere, and where), shown to the member in /mydata. `VenueOpenData`: where an imported
venue came from (the national open data's id and the fields kept from it) and whether a host has
claimed it with its claim code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class ImportConsent(Base):
    """A member's consent given outside the bot, attested by the operator at import."""

    __tablename__ = "import_consents"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    consented_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))  # "adhésion 2026 (formulaire papier)"
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class VenueOpenData(Base):
    """An imported venue's origin in an open data set, and its claim by a host."""

    __tablename__ = "venue_open_data"
    __table_args__ = (Index("ix_venue_open_data_source_id", "source", "source_id", unique=True),)

    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))  # "cget-2019"
    source_id: Mapped[str] = mapped_column(String(32))  # the row's id in that data set
    insee_code: Mapped[str | None] = mapped_column(String(8))  # the commune's INSEE code
    department: Mapped[str | None] = mapped_column(String(4))
    region: Mapped[str | None] = mapped_column(String(80))
    metropole: Mapped[str | None] = mapped_column(String(120))
    employment_zone: Mapped[str | None] = mapped_column(String(120))  # zone d'emploi
    commune_size: Mapped[str | None] = mapped_column(String(40))  # size class of the commune
    precision: Mapped[float | None] = mapped_column(Float)  # geocoding precision, 0-1
    claim_code: Mapped[str | None] = mapped_column(String(32), unique=True)  # None once claimed
    claimed_at: Mapped[datetime | None] = mapped_column()
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
