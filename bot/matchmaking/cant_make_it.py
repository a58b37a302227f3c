"""The "I can't make it" button, under the contacts once everyone said yes.

The member's side is marked (`IntroductionMember.withdrawn_at`); the introduction stays revealed
(contacts were shared, that cannot be undone). Each partner still expecting to meet is told once,
kindly, with no reason and no blame; everyone in the introduction gets priority next round. The
"did you meet?" follow-up is not sent to whoever can no longer meet (see `called_off`).
The button works until the follow-up is due (`follow_up_days` after the reveal) and while the
member has not answered it: after that the follow-up's own answers say how it went.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking.partner_notes import prioritise_and_tell
from bot.types import Reply
from storage.models.matchmaking import ACCEPTED, REVEALED, Introduction, IntroductionMember


def called_off(intro: Introduction, slot: IntroductionMember) -> bool:
    """Whether `slot` can no longer meet anyone in `intro`: they withdrew, or everyone else did."""
    if slot.withdrawn_at is not None:
        return True
    return not any(s is not slot and s.response == ACCEPTED and s.withdrawn_at is None for s in intro.members)


async def cant_make_it(session: AsyncSession, config: Config, intro: Introduction, member: Member,
                       now: datetime) -> str:
    """Record the press; returns not_member | closed | already | too_late | noted | noted_alone (nobody
    was still expecting to meet: the others had called it off first, so nobody is told)."""
    mine = next((s for s in intro.members if s.member_id == member.id), None)
    if mine is None:
        return "not_member"
    if intro.status != REVEALED or mine.response != ACCEPTED or intro.revealed_at is None:
        return "closed"
    if mine.withdrawn_at is not None:
        return "already"
    if mine.met is not None or now >= intro.revealed_at + timedelta(days=config.matchmaking.follow_up_days):
        return "too_late"
    mine.withdrawn_at = now

    def kind(t: Translator) -> Reply:
        return Reply(t("matchmaking.cant.partner", name=member.display_name))

    # Everyone in it gets priority; each partner still expecting to meet gets one note (its own key).
    expecting = [s for s in intro.members if s is not mine and s.response == ACCEPTED and s.withdrawn_at is None]
    await prioritise_and_tell(session, config, intro, [s for s in intro.members if s.response == ACCEPTED], kind,
                              suffix="cant", purpose="mm.cant", now=now,
                              tell=lambda slot: slot is not mine and slot.withdrawn_at is None)
    return "noted" if expecting else "noted_alone"
