"""The partners of an introduction that will not happen as planned: priority, then one kind note.

Shared by "I can't make it" (`cant_make_it`) and the unreachable partner (`unreachable`): each
partner named gets priority next round, and those to be told get one note, sent once by its key
(`mm:<introduction>:<member>:<suffix>`) however often the closing runs. The neutral closing line
of a declined or silent introduction (`respond.close_without_reveal`) gives no priority: it is not
this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking.prefs import preferences
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.models import Member
from storage.models.matchmaking import Introduction, IntroductionMember


async def prioritise_and_tell(session: AsyncSession, config: Config, intro: Introduction,
                              slots: Iterable[IntroductionMember], draw: Callable[[Translator], Reply], *,
                              suffix: str, purpose: str, now: datetime,
                              tell: Callable[[IntroductionMember], bool] = lambda slot: True) -> int:
    """Priority for every member of `slots`; the note to those `tell` keeps. Returns how many were told."""
    told = 0
    for slot in slots:
        member = await session.get(Member, slot.member_id) if slot.member_id is not None else None
        if member is None:
            continue
        (await preferences(session, member.id, now)).priority = True
        if not tell(slot):
            continue
        if await notify_member(session, config, member, draw, key=f"mm:{intro.id}:{member.id}:{suffix}",
                               purpose=purpose, now=now):
            told += 1
    return told
