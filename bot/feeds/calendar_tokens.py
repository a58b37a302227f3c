"""Each member's private calendar URL: /calendar/member/{token}.ics, with an unguessable token.

The token (192 random bits) is created on first use and kept; /forget deletes it with the member.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from storage.models.feeds import CalendarToken
from storage.models.members import Member

TOKEN_BYTES = 24
TOKEN_MAX = 64


async def calendar_token(session: AsyncSession, member: Member) -> str:
    row = await session.get(CalendarToken, member.id)
    if row is not None:
        return row.token
    row = CalendarToken(member_id=member.id, token=secrets.token_urlsafe(TOKEN_BYTES))
    try:
        async with session.begin_nested():  # two requests at once for the same member
            session.add(row)
    except IntegrityError:
        existing = await session.get(CalendarToken, member.id, populate_existing=True)
        assert existing is not None
        return existing.token
    return row.token


async def member_by_token(session: AsyncSession, token: str) -> Member | None:
    if not token or len(token) > TOKEN_MAX:
        return None
    statement = select(Member).join(CalendarToken, CalendarToken.member_id == Member.id).where(
        CalendarToken.token == token)
    return (await session.execute(statement)).scalar_one_or_none()


def base_url(config: Config) -> str:
    """Where people reach the web server: web.public_url, else its host and port."""
    web = config.web
    if web is not None and web.public_url:
        return web.public_url.rstrip("/")
    host, port = (web.host, web.port) if web is not None else ("127.0.0.1", 8080)
    return f"http://{host}:{port}"


async def member_calendar_url(session: AsyncSession, config: Config, member: Member) -> str:
    """The member's private ICS URL (for /myevents)."""
    return f"{base_url(config)}/calendar/member/{await calendar_token(session, member)}.ics"
