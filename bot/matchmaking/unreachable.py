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
from bot.matchmaking.partner_notes import prioritise_and_tell
from bot.matchmaking.withdraw import undelivered, withdraw
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
    absent = [names[m] for m in lost if m in names]

    def kind(t: Translator) -> Reply:
        return Reply(t("matchmaking.unreachable.partner", name=absent[0] if len(absent) == 1
                       else t("matchmaking.someone")))

    # The key of the neutral closing line: whatever closes the introduction, one line per partner.
    partners = [s for s in intro.members if s.member_id is not None and s.member_id not in lost
                and s.response != REFUSED]
    return await prioritise_and_tell(session, config, intro, partners, kind, suffix="closed", purpose="mm.closed",
                                     now=now, tell=lambda slot: slot.member_id not in never)
