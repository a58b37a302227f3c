"""Multi-step conversations (onboarding, creating an event...), kept in the database.

One person has at most one conversation at a time; it expires after `conversations.timeout_minutes`
of silence, and `/cancel` leaves it. Because the state is a row, a restart loses nothing.

The row also keeps the step's question as it was last shown (`prompt`: its text and buttons), so
the question can be shown again with its buttons after a restart (`BotCore.resume`), and a reply
typed as one of its buttons' labels ("tout public") counts as pressing that button
(`button_for_text`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import Button, Reply
from storage.models import ConversationState
from storage.outbox import payload_to_reply, reply_to_payload

PROMPT_KEY = "_prompt"  # inside the row's data, out of the flow's own data
TICK = "✓"  # how a chosen option of a tick-box step is marked on its button


@dataclass
class Conversation:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    chat_id: str = ""
    prompt: dict[str, Any] | None = None  # the step's question as last shown (see `remember_prompt`)


async def load(session: AsyncSession, platform: str, user_id: str, now: datetime) -> Conversation | None:
    row = await _row(session, platform, user_id)
    if row is None:
        return None
    if row.expires_at <= now:
        await session.delete(row)
        return None
    data = dict(row.data or {})
    prompt = data.pop(PROMPT_KEY, None)
    return Conversation(row.flow, row.step, data, row.chat_id, prompt if isinstance(prompt, dict) else None)


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
    if conversation.prompt is not None:
        row.data[PROMPT_KEY] = conversation.prompt
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


async def remember_prompt(session: AsyncSession, platform: str, user_id: str, reply: Reply) -> None:
    """Keep `reply` as the question of the step under way (its buttons included)."""
    row = await _row(session, platform, user_id)
    if row is None or reply.attachment is not None:
        return
    row.data = {**(row.data or {}), PROMPT_KEY: reply_to_payload(reply)}


def prompt_reply(conversation: Conversation) -> Reply | None:
    """The step's question as last shown, to show again; None when none was kept."""
    try:
        return payload_to_reply(conversation.prompt) if conversation.prompt else None
    except (KeyError, TypeError):  # kept by an older version in another shape
        return None


def button_for_text(conversation: Conversation, text: str) -> tuple[Button, bool] | None:
    """The button of the step's question whose label is `text` as typed (case, accents, marks and
    punctuation aside), and whether that option is already ticked; None when no label matches."""
    question = prompt_reply(conversation)
    wanted = _label_words(text)
    if question is None or not wanted:
        return None
    for button in question.all_buttons():
        if button.url is None and _label_words(button.label) == wanted:
            return button, button.label.lstrip().startswith(TICK)
    return None


def _label_words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.findall(r"[a-z0-9]+", plain))
