"""Multi-step conversations (onboarding, creating an event...), kept in the database.

One person has at most one conversation at a time; it expires after `conversations.timeout_minutes`
of silence, and `/cancel` leaves it. Because the state is a row, a restart loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState


@dataclass
class Conversation:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    chat_id: str = ""


async def load(session: AsyncSession, platform: str, user_id: str, now: datetime) -> Conversation | None:
    row = await _row(session, platform, user_id)
    if row is None:
        return None
    if row.expires_at <= now:
        await session.delete(row)
        return None
    return Conversation(row.flow, row.step, dict(row.data or {}), row.chat_id)


async def save(session: AsyncSession, platform: str, user_id: str, conversation: Conversation, now: datetime,
               timeout: timedelta) -> None:
    row = await _row(session, platform, user_id)
    if row is None:
        row = ConversationState(platform=platform, user_id=user_id)
        session.add(row)
    row.chat_id = conversation.chat_id
    row.flow = conversation.flow
    row.step = conversation.step
    row.data = dict(conversation.data)  # a new dict, so SQLAlchemy sees the change
    row.expires_at = now + timeout
    row.updated_at = now


async def clear(session: AsyncSession, platform: str, user_id: str) -> bool:
    result = await session.execute(delete(ConversationState).where(
        ConversationState.platform == platform, ConversationState.user_id == user_id))
    return bool(result.rowcount)


async def _row(session: AsyncSession, platform: str, user_id: str) -> ConversationState | None:
    statement = select(ConversationState).where(ConversationState.platform == platform,
                                                ConversationState.user_id == user_id)
    return (await session.execute(statement)).scalar_one_or_none()
