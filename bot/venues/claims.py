"""Claiming an imported venue, and correcting its card: the logic behind /claim_venue and /venue_edit.

A venue imported from the open data has a claim code (storage/models/operator.py, `VenueOpenData`)
until a host claims it: the member who gives the code becomes its host, the code is spent, and a
later re-import no longer overwrites the card. Hosts (and animators) correct the card's name, town,
website, description and opening hours; each value is checked like the config's [[venues]], and hours
are stored in their OSM form whichever way they were typed (bot/venues/hours_reading.py).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.venues.hours import HoursError
from bot.venues.hours_reading import normalized
from storage.models import Role, Venue
from storage.models.operator import VenueOpenData

MAX_CODE = 64
FIELDS = {"name": "name", "nom": "name", "city": "city", "ville": "city", "website": "website", "site": "website",
          "description": "description", "hours": "hours", "horaires": "hours"}
MAX_LENGTHS = {"name": 200, "city": 120, "website": 300, "description": 1000, "hours": 300}
NULLABLE = ("website", "hours")  # an empty value clears these to None


async def claim(session: AsyncSession, member_id: int, code: str, now: datetime) -> Venue | None:
    """Make the member host of the venue with this unspent claim code; None for any bad code."""
    code = code.strip()
    if not code or len(code) > MAX_CODE:
        return None
    origin = (await session.execute(select(VenueOpenData).where(VenueOpenData.claim_code == code)
                                    .with_for_update())).scalar_one_or_none()
    if origin is None:
        return None
    origin.claim_code, origin.claimed_at = None, now
    exists = (await session.execute(select(Role.id).where(Role.member_id == member_id, Role.role == "host",
                                                          Role.venue_id == origin.venue_id))).first()
    if exists is None:
        session.add(Role(member_id=member_id, role="host", venue_id=origin.venue_id, created_at=now))
    await session.flush()
    return await session.get(Venue, origin.venue_id)


def clean(text: str) -> str:
    """One line of text without control or invisible formatting characters (names come from chats)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())


def edit_problem(field: str, value: str) -> str | None:
    """Why `value` cannot be the venue's `field` (an i18n key under venues.edit), or None."""
    if field == "name" and not value:
        return "venues.edit.empty_name"
    if len(value) > MAX_LENGTHS[field]:
        return "venues.edit.too_long"
    if field == "website" and value and not value.startswith(("https://", "http://")):
        return "venues.edit.bad_website"
    if field == "hours":
        try:
            normalized(value)
        except HoursError:
            return "venues.edit.bad_hours"
    return None


async def apply_edit(session: AsyncSession, venue: Venue, field: str, value: str, now: datetime) -> None:
    if field == "hours":
        value = normalized(value) or ""
    setattr(venue, field, value or (None if field in NULLABLE else ""))
    origin = await session.get(VenueOpenData, venue.id)
    if origin is not None and origin.claimed_at is None:
        # A card a host or animator corrected is theirs: the next open-data import leaves it alone.
        origin.claimed_at = now
    await session.flush()


async def attribution_needed(session: AsyncSession) -> bool:
    """Whether any venue came from the open data (whose licence asks for the source to be cited)."""
    return (await session.execute(select(VenueOpenData.venue_id).limit(1))).first() is not None


async def unclaimed(session: AsyncSession, department: str | None = None) -> list[tuple[Venue, VenueOpenData]]:
    statement = (select(Venue, VenueOpenData).join(VenueOpenData, VenueOpenData.venue_id == Venue.id)
                 .where(VenueOpenData.claim_code.is_not(None)).order_by(Venue.name))
    if department:
        statement = statement.where(VenueOpenData.department == department.upper())
    return [(venue, origin) for venue, origin in await session.execute(statement)]
