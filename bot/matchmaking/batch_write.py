"""Writing a planned round in one short transaction: a handful of set-wide reads, then bulk inserts.

The plan was made outside this transaction (see `run`), so everything that could have changed
since is checked again here, for every matched member at once: still opted in, consented, not
paused (the round's eligibility subquery), still reachable (one query over reachable identities),
still within the attention budget (one grouped count). An introduction with a member failing any
check is dropped whole, as `notify_member` would refuse its message: nobody is proposed someone who
will never hear of it, and their partners get priority next round.

The outbox rows are what `notify_member` writes for a nudge — the most recently seen reachable
identity, the member's language, deferred past quiet hours in their venue's time zone, silent — but
written with one INSERT per table instead of five statements per member. The period is unique and
each proposal's key names its period and member, so none of these keys can exist yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking import render
from bot.matchmaking.candidates import _eligible, nudges_by_member
from bot.outbox.attention import next_allowed
from bot.types import Reply
from storage.models import Identity, Member, OutboxMessage, Skill, Venue
from storage.models.matchmaking import PENDING, PROPOSED, Introduction, IntroductionMember, MatchRound
from storage.models.runtime import OutboxStatus
from storage.outbox import reply_to_payload

BATCH = 2000  # rows per INSERT statement: well inside SQLite's and asyncpg's parameter limits


@dataclass(frozen=True)
class Recipient:
    member_id: int
    venue_id: int | None
    locale: str
    platform: str
    user_id: str
    zone: str


async def recipients(session: AsyncSession, config: Config, at: datetime, wanted: set[int]) -> dict[int, Recipient]:
    """Members of `wanted` who may receive a proposal now: eligible, reachable, with budget left."""
    eligible = {mid: (venue, locale) for mid, venue, locale in await session.execute(
        select(Member.id, Member.home_venue_id, Member.locale).where(Member.id.in_(_eligible(at))))
        if mid in wanted}
    best: dict[int, tuple] = {}
    for mid, platform, user_id, locale, seen, ident in await session.execute(
            select(Identity.member_id, Identity.platform, Identity.platform_user_id, Identity.locale,
                   Identity.last_seen_at, Identity.id)
            .where(Identity.member_id.is_not(None), Identity.dm_status != "unreachable")):
        if mid in eligible and (mid not in best or (seen, ident) > best[mid][3:]):
            best[mid] = (platform, user_id, locale, seen, ident)
    zones = dict((await session.execute(select(Venue.id, Venue.timezone))).all())
    nudges = await nudges_by_member(session, at)
    budget = config.attention.budget_per_30_days
    found = {}
    for mid, (venue, member_locale) in eligible.items():
        if mid not in best or budget - nudges.get(mid, 0) <= 0:
            continue
        platform, user_id, identity_locale, _, _ = best[mid]
        locale = identity_locale or member_locale or config.network.default_locale
        zone = (zones.get(venue) if venue is not None else None) or config.network.timezone
        found[mid] = Recipient(mid, venue, locale, platform, user_id, zone)
    return found


async def names_for(session: AsyncSession, plan, pool) -> render.Names:
    """Names for every proposal: members from the pool (no id list as parameters), venues and skills."""
    names = render.Names(members=dict(pool.names))
    for venue_id, name, slug, hours in await session.execute(select(Venue.id, Venue.name, Venue.slug, Venue.hours)):
        names.venues[venue_id], names.venue_slugs[venue_id] = name, slug
        if hours:
            names.venue_hours[venue_id] = hours
    _, _, skills = render.mentioned(r for i in plan.introductions for r in render.as_stored(i.reasons))
    if skills:
        names.skills = {sid: (fr, en) for sid, fr, en in await session.execute(
            select(Skill.id, Skill.label_fr, Skill.label_en).where(Skill.id.in_(skills)))}
    return names


async def write_introductions(session: AsyncSession, config: Config, rnd: MatchRound, plan, pool, at: datetime,
                              proposal: Callable[..., Callable[[Translator], Reply]], key_of: Callable[[str, int], str],
                              purpose: str, columns: Callable[[tuple[int, ...]], dict] | None = None,
                              ) -> tuple[int, list[tuple[tuple[int, ...], int]]]:
    """Write the plan's introductions and their proposals; returns (written, dropped).

    `proposal` is also passed `members=` (the introduction's members, in order); `columns(members)`
    gives further Introduction columns (the meeting place).
    """
    wanted = set(plan.matched_ids())
    ready = await recipients(session, config, at, wanted)
    names = await names_for(session, plan, pool)
    hours = config.matchmaking.answer_hours
    kept, dropped = [], []
    for intro in plan.introductions:
        missing = next((m for m in intro.members if m not in ready), None)
        if missing is None:
            kept.append(intro)
        else:
            dropped.append((tuple(intro.members), missing))
    not_before = {m: next_allowed(at, ready[m].zone, config.attention) for i in kept for m in i.members}
    rows = []
    for intro in kept:
        latest = max(not_before[m] for m in intro.members)
        rows.append(Introduction(
            round_id=rnd.id, score=round(float(intro.score), 3), reasons=render.as_stored(intro.reasons),
            cross_venue=intro.has("cross_venue"), need_offer=intro.has("need_offer"), repeat=bool(intro.repeat),
            status=PROPOSED, created_at=at,
            # The answer window starts when the last of them can read it (quiet hours defer delivery).
            expires_at=latest + timedelta(hours=hours), **(columns(tuple(intro.members)) if columns else {})))
    session.add_all(rows)
    await session.flush()  # one INSERT ... RETURNING for all of them
    slots, messages = [], []
    translators: dict[str, Translator] = {}
    for row, intro in zip(rows, kept):
        for slot, member_id in enumerate(intro.members):
            who = ready[member_id]
            slots.append(dict(introduction_id=row.id, slot=slot, member_id=member_id, venue_id=who.venue_id,
                              response=PENDING))
            partners = [(m, ready[m].venue_id) for m in intro.members if m != member_id]
            t = translators.setdefault(who.locale, Translator(who.locale))
            reply = proposal(member_id, partners, row.reasons, names, row.id, hours, members=tuple(intro.members))(t)
            reply = Reply(reply.text, reply.title, reply.buttons, silent=True)
            for button in reply.all_buttons():
                button.data  # noqa: B018 -- validates the 64-byte limit now, as enqueue does
            messages.append(dict(
                key=key_of(rnd.period, member_id), platform=who.platform, chat_id=None, user_id=who.user_id,
                member_id=member_id, purpose=purpose, nudge=True, payload=reply_to_payload(reply),
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=not_before[member_id], created_at=at))
    for table, data in ((IntroductionMember, slots), (OutboxMessage, messages)):
        for start in range(0, len(data), BATCH):
            await session.execute(insert(table), data[start:start + BATCH])
    if messages:
        session.info["outbox_written"] = True  # the core wakes the dispatcher only after such events
    return len(kept), dropped
