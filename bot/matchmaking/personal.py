"""Matchmaking's share of /mydata and /forget.

Export: the member's settings and their introductions (partners named only where contacts were
exchanged), with their own feedback notes. Erase: open introductions with them are cancelled
(anyone who had already accepted gets one neutral line; proposals not yet delivered to the others
are withdrawn); past introductions keep their anonymous columns (venues, flags, outcome) with the
member's side emptied and the reasons blanked; the feedback notes of every side of those
introductions go too (the partners' notes are about the forgotten member); their settings go, and
their id leaves everyone's private "never with" lists. One-off introductions (no round) are
handled the same way; an animator's exclusion goes with the member row (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.config import Config
from bot.matchmaking.one_off import proposal_key
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.models import Member, OutboxMessage
from storage.models.matchmaking import (
    ACCEPTED, CANCELLED, PROPOSED, REVEALED, Introduction, IntroductionMember, IntroPreferences, MatchExclusion,
    MatchRound,
)
from storage.outbox import OPEN_STATUSES


async def export(session: AsyncSession, member: Member) -> dict[str, Any]:
    prefs = await session.get(IntroPreferences, member.id)
    intros = list((await session.execute(
        select(Introduction, MatchRound.period).outerjoin(MatchRound, MatchRound.id == Introduction.round_id)
        .join(IntroductionMember, IntroductionMember.introduction_id == Introduction.id)
        .options(selectinload(Introduction.members))
        .where(IntroductionMember.member_id == member.id).order_by(Introduction.id))).all())
    names = dict((await session.execute(select(Member.id, Member.display_name))).all()) if intros or prefs else {}
    listed = []
    for intro, period in intros:
        mine = next(s for s in intro.members if s.member_id == member.id)
        partners = [names.get(s.member_id) for s in intro.members
                    if s.member_id != member.id and s.member_id is not None] if intro.status == REVEALED else []
        listed.append({"round": period, "status": intro.status, "my_answer": mine.response,
                       "answered_at": mine.responded_at.isoformat() if mine.responded_at else None,
                       "met": mine.met, "partners": partners, "proposed_at": intro.created_at.isoformat(),
                       "one_off": intro.round_id is None, "cant_make_it": mine.withdrawn_at is not None,
                       "would_meet_again": mine.again, "note_for_animators": mine.note})
    settings = None
    if prefs is not None:
        settings = {"venue_preference": prefs.venue_preference, "meet_mode": prefs.meet_mode,
                    "languages": prefs.languages,
                    "never_with": [{"id": i, "name": names.get(i)} for i in prefs.never_with or []],
                    "priority_next_round": prefs.priority}
    return {"settings": settings, "introductions": listed}


async def _neutral_to(session: AsyncSession, config: Config, intro_id: int, other: Member, now: datetime) -> None:
    # Without the forgotten member's name: this message outlives their /forget.
    await notify_member(session, config, other, lambda t: Reply(t("matchmaking.neutral_unnamed")),
                        key=f"mm:{intro_id}:{other.id}:closed", purpose="mm.closed", now=now)


async def erase(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    rows = list((await session.execute(
        select(Introduction, MatchRound.period).outerjoin(MatchRound, MatchRound.id == Introduction.round_id)
        .join(IntroductionMember, IntroductionMember.introduction_id == Introduction.id)
        .options(selectinload(Introduction.members))
        .where(IntroductionMember.member_id == member.id))).all())
    for intro, period in rows:
        if intro.status == PROPOSED:
            intro.status = CANCELLED
            for slot in intro.members:
                if slot.member_id in (None, member.id):
                    continue
                # Deleted, not cancelled: the proposal names the forgotten member and their skills.
                await session.execute(delete(OutboxMessage).where(
                    OutboxMessage.key == proposal_key(intro, period, slot.member_id),
                    OutboxMessage.status.in_(OPEN_STATUSES)))
                other = await session.get(Member, slot.member_id)
                if slot.response == ACCEPTED and other is not None:
                    await _neutral_to(session, config, intro.id, other, now)
        intro.reasons = []  # they name the member's skills
        for slot in intro.members:  # feedback notes: the member's own, and their partners' about them
            slot.note, slot.note_at = None, None
    await session.execute(update(IntroductionMember).where(IntroductionMember.member_id == member.id)
                          .values(member_id=None, met=None, again=None))
    # Explicit rather than trusting ON DELETE on every backend: who asked a one-off, exclusions.
    await session.execute(update(Introduction).where(Introduction.requested_by_id == member.id)
                          .values(requested_by_id=None))
    await session.execute(delete(MatchExclusion).where(MatchExclusion.member_id == member.id))
    await session.execute(update(MatchExclusion).where(MatchExclusion.by_id == member.id).values(by_id=None))
    prefs = await session.get(IntroPreferences, member.id)
    if prefs is not None:
        await session.delete(prefs)
    for other in (await session.execute(select(IntroPreferences))).scalars():
        if member.id in (other.never_with or []):
            other.never_with = [i for i in other.never_with if i != member.id]
    await session.flush()
