"""Throttling of code guessing: join codes, claim codes and /link codes, per person and per chat.

`code_attempt(ctx, kind)` is called before a code is looked up. Within `WINDOW`, a person may try
`PER_PERSON` codes and a chat `PER_CHAT` (a group where many newcomers scan the venue's QR code);
beyond that the answer is the same whatever the code — right, wrong or spent — and it says the
limit and when to try again, so a guesser learns nothing and a real person knows what to do.
Attempts are stored under a SHA-256 of the person or chat (no platform id in clear), counted in
the event's transaction, forgotten by `jobs/privacy.py` once the window has passed, and erased by
/forget.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.context import Context
from bot.types import ChatKind, Reply
from storage.db import Database
from storage.models import Identity, Member
from storage.models.privacy import CodeAttempt

WINDOW = timedelta(minutes=15)
PER_PERSON = 10
PER_CHAT = 30


def subject(scope: str, platform: str, ident: str) -> str:
    return hashlib.sha256(f"{scope}:{platform}:{ident}".encode()).hexdigest()


async def _count(session: AsyncSession, kind: str, who: str, since: datetime) -> int:
    return (await session.execute(select(func.count()).select_from(CodeAttempt).where(
        CodeAttempt.kind == kind, CodeAttempt.subject == who, CodeAttempt.at > since))).scalar_one()


async def code_attempt(ctx: Context, kind: str) -> Reply | None:
    """Count one attempt at a `kind` code; the refusal to give instead if the limit is reached."""
    person = subject("person", ctx.identity.platform, ctx.identity.platform_user_id)
    group = ctx.chat.kind != ChatKind.PRIVATE  # a DM is the person: counted once
    chat = subject("chat", ctx.chat.platform, ctx.chat.chat_id)
    since = ctx.now - WINDOW
    reached = (PER_PERSON if await _count(ctx.session, kind, person, since) >= PER_PERSON else
               PER_CHAT if group and await _count(ctx.session, kind, chat, since) >= PER_CHAT else None)
    if reached is not None:  # the same answer whatever the code: a right one is refused too
        return Reply(ctx.t("privacy.too_many_codes", limit=reached, minutes=int(WINDOW.total_seconds() // 60)))
    ctx.session.add(CodeAttempt(kind=kind, subject=person, at=ctx.now))
    if group:
        ctx.session.add(CodeAttempt(kind=kind, subject=chat, at=ctx.now))
    return None


async def purge_attempts(db: Database, now: datetime) -> int:
    async with db.session() as session:
        result = await session.execute(delete(CodeAttempt).where(CodeAttempt.at <= now - WINDOW))
    return result.rowcount


async def _subjects(session: AsyncSession, member: Member) -> list[str]:
    identities = (await session.execute(select(Identity.platform, Identity.platform_user_id)
                                        .where(Identity.member_id == member.id))).all()
    return [subject("person", platform, user_id) for platform, user_id in identities]


async def export_attempts(session: AsyncSession, member: Member) -> dict[str, int]:
    """How many recent code attempts are counted for the member (the rows hold only a hash)."""
    subjects = await _subjects(session, member)
    counted = (await session.execute(select(func.count()).select_from(CodeAttempt).where(
        CodeAttempt.subject.in_(subjects)))).scalar_one() if subjects else 0
    return {"recent_code_attempts": counted}


async def erase_attempts(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    subjects = await _subjects(session, member)
    if subjects:
        await session.execute(delete(CodeAttempt).where(CodeAttempt.subject.in_(subjects)))
