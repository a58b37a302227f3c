"""A proposal that can never arrive: the member never started the bot, blocked it, or closed DMs.

The outbox marks such a message "unreachable" and the identity too (no retry: `bot.outbox`); from
then on the member is out of rounds (the candidates need a reachable identity). This module closes
the introduction when it can no longer succeed, and tells each partner still in it, once and
kindly, that it will not happen, with priority next round. A partner whose own proposal was never
delivered (still queued for their quiet hours, say) is not told about an introduction they never
saw: their waiting proposal is withdrawn instead. The rest of the round goes on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking.prefs import preferences
from bot.matchmaking.withdraw import undelivered, withdraw
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.models import Member
from storage.models.matchmaking import EXPIRED, REFUSED, Introduction


async def close(session: AsyncSession, config: Config, intro: Introduction, lost: set[int], now: datetime,
                period: str | None) -> int:
    """Close `intro` (nothing revealed); returns how many partners were told. `period`: its round's."""
    intro.status, intro.closed_at = EXPIRED, now
    ids = [s.member_id for s in intro.members if s.member_id is not None]
    never = await undelivered(session, intro, period)
    await withdraw(session, intro, period, [m for m in ids if m not in lost])
    names = dict((await session.execute(select(Member.id, Member.display_name).where(Member.id.in_(ids))))
                 .all()) if ids else {}
    told = 0
    for slot in intro.members:
        if slot.member_id is None or slot.member_id in lost or slot.response == REFUSED:
            continue
        other = await session.get(Member, slot.member_id)
        if other is None:
            continue
        (await preferences(session, other.id, now)).priority = True
        if other.id in never:
            continue
        absent = [names[m] for m in lost if m in names]

        def kind(t: Translator, absent=absent) -> Reply:
            return Reply(t("matchmaking.unreachable.partner", name=absent[0] if len(absent) == 1
                           else t("matchmaking.someone")))

        # The key of the neutral closing line: whatever closes the introduction, one line per partner.
        if await notify_member(session, config, other, kind, key=f"mm:{intro.id}:{other.id}:closed",
                               purpose="mm.closed", now=now):
            told += 1
    return told
