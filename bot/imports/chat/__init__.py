"""What the imports keep about a member, declared to /mydata and /forget: the consent the operator
attested at import (`maillage import members --consent-source`). No commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.registry import Registry
from storage.models import Member
from storage.models.operator import ImportConsent


async def _export_import_consent(session: AsyncSession, member: Member) -> dict[str, Any] | None:
    row = await session.get(ImportConsent, member.id)
    if row is None:
        return None
    return {"agreed_on": row.consented_on.isoformat(), "source": row.source,
            "attested_by_the_operator_at": row.imported_at.isoformat()}


async def _erase_import_consent(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    await session.execute(delete(ImportConsent).where(ImportConsent.member_id == member.id))


def register(registry: Registry) -> None:
    registry.holds_personal_data("import_consent", export=_export_import_consent, erase=_erase_import_consent)
