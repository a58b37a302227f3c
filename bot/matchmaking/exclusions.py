"""Animators leaving a member out of introductions (after a complaint), and letting them back in.

An excluded member is never eligible: not for rounds (the candidates' eligibility subquery), not
for one-offs, not as anyone's partner. Each change is stored (who, by whom, when, an optional reason,
listed by `/matchmaking excluded`) and logged on the `maillage.audit` logger, like refused role
attempts, so the operator keeps a trace after the row is gone (`include` deletes it). Their open
introductions close the neutral way (whoever had accepted gets the usual neutral line) and the
proposals not yet delivered are withdrawn, so nobody can still accept and get their contacts.
No message announces the exclusion; asking for a one-off afterwards answers that introductions
are on hold for them (`one_off`): an animator who wants to explain does it in person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from bot.config import Config
from bot.matchmaking.respond import close_without_reveal
from bot.matchmaking.withdraw import round_period, withdraw
from bot.text import clean_name
from storage.models import Member
from storage.models.matchmaking import CANCELLED, PROPOSED, Introduction, IntroductionMember, MatchExclusion

audit = logging.getLogger("maillage.audit")

MAX_REASON = 200


@dataclass(frozen=True)
class Excluded:
    member_id: int
    name: str
    by: str | None
    at: datetime
    reason: str | None


def clean_reason(text: str | None) -> str | None:
    """One line, at most MAX_REASON characters; None when nothing would show."""
    line = clean_name(text or "")  # the cleaning of names: one line, nothing that draws nothing
    return line[:MAX_REASON] or None


async def is_excluded(session: AsyncSession, member_id: int) -> bool:
    return await session.get(MatchExclusion, member_id) is not None


async def exclude(session: AsyncSession, config: Config, member: Member, by: Member | None, reason: str | None,
                  now: datetime, *, actor: str) -> bool:
    """Leave `member` out of introductions; False if they already were. `actor` names the animator
    for the audit line ("telegram:123" or "cli")."""
    if await is_excluded(session, member.id):
        return False
    session.add(MatchExclusion(member_id=member.id, by_id=by.id if by else None, reason=clean_reason(reason),
                               created_at=now))
    open_intros = (await session.execute(
        select(Introduction).join(IntroductionMember, IntroductionMember.introduction_id == Introduction.id)
        .options(selectinload(Introduction.members))
        .where(IntroductionMember.member_id == member.id, Introduction.status == PROPOSED))).scalars().all()
    for intro in open_intros:
        await withdraw(session, intro, await round_period(session, intro), [s.member_id for s in intro.members])
        await close_without_reveal(session, config, intro, CANCELLED, now)
    await session.flush()
    audit.warning("matchmaking: %s (member %s) excluded member %s from introductions", actor,
                  by.id if by else "none", member.id)
    return True


async def include(session: AsyncSession, member: Member, by: Member | None, *, actor: str) -> bool:
    """Let `member` back into introductions; False if they were not excluded."""
    row = await session.get(MatchExclusion, member.id)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    audit.warning("matchmaking: %s (member %s) included member %s in introductions again", actor,
                  by.id if by else "none", member.id)
    return True


async def excluded(session: AsyncSession) -> list[Excluded]:
    """Everyone excluded, oldest first, with the animator who did it (None: from the command line)."""
    animator = aliased(Member)
    rows = await session.execute(
        select(MatchExclusion, Member.display_name, animator.display_name)
        .join(Member, Member.id == MatchExclusion.member_id)
        .outerjoin(animator, animator.id == MatchExclusion.by_id)
        .order_by(MatchExclusion.created_at, MatchExclusion.member_id))
    return [Excluded(row.member_id, name, by, row.created_at, row.reason) for row, name, by in rows]
