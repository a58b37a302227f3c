"""/link (/lier): one person, several platforms.

`/link` on platform A gives a one-time code (75 random bits, valid ten minutes, single use; only
its SHA-256 is stored). `/link CODE` sent to the bot on platform B ties B's identity to the same
member, and A's identity is told (so a hijack would not go unnoticed).

If B's identity already belongs to another member, the link is refused politely: merging two
members would have to merge every feature's rows (RSVPs, introductions, matchmaking history),
and a wrong merge cannot be undone. The person is told to /forget the other profile first.
Every code that does not work gets the same answer, whatever the reason.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.context import Context
from bot.members.chat.accounts import identities_of
from bot.outbox.notify import notify_member
from bot.registry import Registry, Where
from bot.throttle import code_attempt
from bot.types import Reply
from storage.models import Member
from storage.models.linking import LinkCode

VALID_FOR = timedelta(minutes=10)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
LENGTH = 15  # 15 x 5 = 75 random bits
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord"}


def _minutes() -> int:
    return int(VALID_FOR.total_seconds() // 60)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 5] for i in range(0, LENGTH, 5))


def normalise(typed: str) -> str | None:
    """The code as stored, from what was typed (case, dashes, spaces, O/0 and I/L/1 forgiven)."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_MISREAD)
    return code if len(code) == LENGTH and all(ch in ALPHABET for ch in code) else None


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform.capitalize())


async def link(ctx: Context) -> Reply:
    if ctx.args:
        return await _redeem(ctx, ctx.args)
    if ctx.member is None:
        return Reply(ctx.t("core.join_first"))
    # One live code per member: asking again replaces the previous one.
    await ctx.session.execute(delete(LinkCode).where(LinkCode.member_id == ctx.member.id, LinkCode.used_at.is_(None)))
    code = new_code()
    ctx.session.add(LinkCode(code_hash=digest(normalise(code) or ""), member_id=ctx.member.id,
                             platform=ctx.identity.platform, created_at=ctx.now, expires_at=ctx.now + VALID_FOR))
    command = "/lier" if ctx.locale == "fr" else "/link"
    return Reply(ctx.t("link.code", code=code, command=command, minutes=_minutes()),
                 private=True)


async def _redeem(ctx: Context, typed: str) -> Reply:
    if (refused := await code_attempt(ctx, "link")) is not None:  # guessing is throttled
        return refused
    code = normalise(typed)
    row = None
    if code is not None:
        row = (await ctx.session.execute(select(LinkCode).where(
            LinkCode.code_hash == digest(code), LinkCode.used_at.is_(None), LinkCode.expires_at > ctx.now,
        ))).scalar_one_or_none()
    if row is None:
        return Reply(ctx.t("link.bad_code", minutes=_minutes()))
    if ctx.member is not None:
        key = "link.already_linked" if ctx.member.id == row.member_id else "link.other_member"
        return Reply(ctx.t(key, command="/oublier" if ctx.locale == "fr" else "/forget"))
    # Spend the code atomically: two identities racing with one code cannot both win.
    spent = await ctx.session.execute(update(LinkCode).where(LinkCode.id == row.id, LinkCode.used_at.is_(None))
                                      .values(used_at=ctx.now))
    member = await ctx.session.get(Member, row.member_id)
    if not spent.rowcount or member is None:
        return Reply(ctx.t("link.bad_code", minutes=_minutes()))
    ctx.identity.member = member
    await ctx.session.flush()
    here = platform_name(ctx.identity.platform)
    await notify_member(ctx.session, ctx.config, member,
                        lambda t: Reply(t("link.notice", platform=here, command="/oublier" if t.locale == "fr" else "/forget")),
                        key=f"link:{row.id}", purpose="link", now=ctx.now, platform=row.platform)
    platforms = ", ".join(sorted({platform_name(i.platform) for i in await identities_of(ctx.session, member.id)}))
    return Reply(ctx.t("link.done", name=member.display_name, platforms=platforms))


async def _export(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(LinkCode).where(LinkCode.member_id == member.id))).scalars()
    return [{"asked_on": r.platform, "created_at": r.created_at.isoformat(), "expires_at": r.expires_at.isoformat(),
             "used_at": r.used_at.isoformat() if r.used_at else None} for r in rows]


async def _erase(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    await session.execute(delete(LinkCode).where(LinkCode.member_id == member.id))


def register(registry: Registry) -> None:
    # Anyone: the person redeeming a code on their second platform has not joined there yet.
    registry.command("link", fr="lier", summary="link.summary", args="link.args", where=Where.PRIVATE,
                     section="profile", order=20)(link)
    registry.holds_personal_data("link_codes", export=_export, erase=_erase)
