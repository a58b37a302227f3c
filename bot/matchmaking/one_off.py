"""A one-off "introduce me this time" between rounds: `/introductions now` or the panel's button.

The member's best fresh partner now, by the rounds' own rules and score: the round's candidate
pool read at this moment (opted in, consented, not paused, reachable, not excluded, due by their
pace, with attention budget left, not skipping), minus anyone in an open introduction, then the
engine's hard rules (a shared language, "never with" both ways, "other venues only") and its score
(`engine.scoring`, a pair needs a reason of substance and `min_score`); anyone introduced to the
member within the repeat window is left out (no repeat at all). The requester only is kept whatever
their pace: they asked.

The introduction has no round (`round_id` NULL, `source` "one_off", `requested_by_id`); the usual
double-opt-in proposal goes to both, with its own outbox key (`proposal_key`), and everything after
(answers, reveal, expiry, follow-up) is the rounds'. Later rounds count it as a meeting of their
last round (`one_off_pairs`, read by `history`), so it is not repeated next round either.
Once per `LIMIT` per member (counted on the introductions they asked for). The proposals and the
introduction are written in a savepoint: if either message cannot be written, nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.matchmaking import meeting_place, render
from bot.matchmaking.batch_write import names_for, recipients
from bot.matchmaking.candidates import build_pool
from bot.matchmaking.engine import Introduction as Planned
from bot.matchmaking.engine import scoring
from bot.matchmaking.history import build_history
from bot.matchmaking.run import PROPOSAL, ask_key, proposal
from bot.outbox.attention import next_allowed
from bot.outbox.notify import notify_member
from bot.partners.matchmaking import PARTNER_ROLE, partner_needs
from storage.models import Member, MemberSkill, Role, Skill
from storage.models.matchmaking import PROPOSED, Introduction, IntroductionMember, MatchExclusion

LIMIT = timedelta(days=7)  # one one-off introduction asked per member per week
SOURCE = "one_off"
AFTER_EVERY_PERIOD = "9999-W99"  # a period after every real one, in any collation (digits only differ)


def one_off_key(intro_id: int, member_id: int) -> str:
    return f"mm:oneoff:{intro_id}:{member_id}:ask"


def proposal_key(intro: Introduction, period: str | None, member_id: int) -> str:
    """The outbox key of the proposal `member_id` got for `intro` (a round's, or a one-off's)."""
    return ask_key(period, member_id) if intro.round_id is not None and period else one_off_key(intro.id, member_id)


@dataclass
class Outcome:
    kind: str  # excluded | off | too_soon | open | budget | nobody | sent
    partner: str = ""
    next_at: datetime | None = None


class _NotWritten(Exception):
    """A proposal could not be written: the savepoint is rolled back, nothing is half written."""


async def _last_asked(session: AsyncSession, member_id: int, now: datetime) -> datetime | None:
    return (await session.execute(select(func.max(Introduction.created_at)).where(
        Introduction.source == SOURCE, Introduction.requested_by_id == member_id,
        Introduction.created_at > now - LIMIT))).scalar_one_or_none()


async def _in_open(session: AsyncSession) -> set[int]:
    return set((await session.execute(
        select(IntroductionMember.member_id).join(Introduction, Introduction.id == IntroductionMember.introduction_id)
        .where(Introduction.status == PROPOSED, IntroductionMember.member_id.is_not(None)))).scalars())


async def _linked(session: AsyncSession, member: Member, at: datetime):
    """A subquery of everyone who could have a reason to meet `member` (a superset of the engine's
    `has_link`): an offer for one of their needs, a need for one of their offers, a shared interest,
    and every partner's contact (their needs also come from open opportunities). Restricting the
    pool to them first keeps a one-off fast on a large network; the engine's rules then decide."""
    skill = func.coalesce(Skill.merged_into_id, Skill.id)  # a merged custom skill counts as its taxonomy skill
    own: dict[str, set[int]] = {"offer": set(), "need": set(), "interest": set()}
    for kind, skill_id in await session.execute(
            select(MemberSkill.kind, skill).join(Skill, Skill.id == MemberSkill.skill_id)
            .where(MemberSkill.member_id == member.id)):
        own.setdefault(kind, set()).add(skill_id)
    own["need"] |= (await partner_needs(session, [member.id], at)).get(member.id, set())
    wanted = [and_(MemberSkill.kind == kind, skill.in_(sorted(ids)))
              for kind, ids in (("offer", own["need"]), ("need", own["offer"]), ("interest", own["interest"])) if ids]
    partners = select(Role.member_id).where(Role.role == PARTNER_ROLE, Role.member_id.is_not(None))
    if not wanted:
        return partners
    linked = select(MemberSkill.member_id).join(Skill, Skill.id == MemberSkill.skill_id).where(or_(*wanted))
    return linked.union(partners)


async def introduce_now(session: AsyncSession, config: Config, member: Member, now: datetime) -> Outcome:
    """Find `member`'s best fresh partner now and send both the proposal; see the module docstring."""
    # The requester's row first (a no-op on SQLite, whose writers take turns): two presses at once
    # take turns here, so the second sees the first one's introduction (`open`, `too_soon`).
    await session.execute(select(Member.id).where(Member.id == member.id).with_for_update())
    if await session.get(MatchExclusion, member.id) is not None:
        return Outcome("excluded")
    if not member.intro_opt_in or (member.paused_until is not None and member.paused_until > now):
        return Outcome("off")
    busy = await _in_open(session)
    if member.id in busy:
        return Outcome("open")
    last = await _last_asked(session, member.id, now)
    if last is not None:
        return Outcome("too_soon", next_at=last + LIMIT)
    pool = await build_pool(session, config, now, always=member.id, among=await _linked(session, member, now))
    me = next((c for c in pool.candidates if c.member_id == member.id), None)
    if me is None:  # over budget, or not eligible (no consent, no reachable identity): say which
        return Outcome("budget" if any(m == member.id for m, _ in pool.excluded) else "off")
    mm = config.matchmaking
    weights = mm.weights_for_engine()
    history = await build_history(session, AFTER_EVERY_PERIOD, mm.repeat_window, mm.venue_pair_horizon_rounds)
    others = [c for c in pool.candidates if c.member_id != member.id and c.member_id not in busy
              and history.rounds_since(member.id, c.member_id) is None and scoring.viable(me, c, history, weights)]
    ready = await recipients(session, config, now, {member.id} | {c.member_id for c in others})
    if member.id not in ready:
        return Outcome("budget")
    scored = sorted(((scoring.explain(me, c, history, weights)[0], c) for c in others if c.member_id in ready),
                    key=lambda pair: (-pair[0], not pair[1].priority, pair[1].member_id))
    if not scored:
        return Outcome("nobody")
    for _score, partner in scored[:3]:  # a partner whose message cannot be written: try the next one
        try:
            async with session.begin_nested():
                await _write(session, config, member, me, partner, history, weights, pool, ready, now)
        except _NotWritten:
            continue
        return Outcome("sent", partner=partner.name)
    return Outcome("nobody")


async def _write(session: AsyncSession, config: Config, member: Member, me, partner, history, weights, pool, ready,
                 now: datetime) -> None:
    """The introduction, both sides and both proposals; `_NotWritten` if a proposal cannot be queued."""
    score, reasons = scoring.explain(me, partner, history, weights)
    people = sorted((me, partner), key=lambda c: c.member_id)
    plan = Planned(members=tuple(c.member_id for c in people), score=round(score, 4), reasons=tuple(reasons))
    hours = config.matchmaking.answer_hours
    latest = max(next_allowed(now, ready[m].zone, config.attention) for m in plan.members)
    # Where they could meet, chosen as a round chooses it (`run.places_for`), for this one pair.
    places = await meeting_place.load(session, latest + timedelta(hours=hours), now + meeting_place.EVENT_HORIZON)
    place = places.choose([c.venue_id for c in people],
                          [pool.meet_modes.get(c.member_id, meeting_place.EITHER) for c in people])
    row = Introduction(round_id=None, source=SOURCE, requested_by_id=member.id, score=round(float(score), 3),
                       reasons=render.as_stored(reasons), cross_venue=plan.has("cross_venue"),
                       need_offer=plan.has("need_offer"), repeat=False, status=PROPOSED, created_at=now,
                       expires_at=latest + timedelta(hours=hours),
                       meet_venue_id=place.venue_id if place else None,
                       meet_event_id=place.event.id if place and place.event else None)
    session.add(row)
    await session.flush()
    for slot, candidate in enumerate(people):
        session.add(IntroductionMember(introduction_id=row.id, slot=slot, member_id=candidate.member_id,
                                       venue_id=ready[candidate.member_id].venue_id, response="pending"))
    names = await names_for(session, SimpleNamespace(introductions=[plan]), pool)
    for candidate in people:
        viewer = candidate.member_id
        other = next(c for c in people if c.member_id != viewer)
        target = await session.get(Member, viewer)
        draw = proposal(viewer, [(other.member_id, ready[other.member_id].venue_id)], row.reasons, names, row.id,
                        hours, place, plan.members)
        if target is None or not await notify_member(session, config, target, draw, key=one_off_key(row.id, viewer),
                                                     purpose=PROPOSAL, now=now, nudge=True):
            raise _NotWritten
    await session.flush()
