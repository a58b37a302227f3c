"""Running a round exactly once: plan it, then write the round, its introductions and every proposal
message to the outbox in ONE transaction.

- The round due at time `at` is named by its period (see `periods`); `match_rounds.period` is unique,
  so a second run of the same period (a retry, a catch-up racing the schedule, another process)
  writes nothing and reports "already".
- Nothing leaves before the transaction commits (the outbox dispatcher only sees committed rows), so
  a crash half-way leaves no round, no introduction and no message: running again redoes it whole.
- An introduction whose message cannot be written to one of its members (unreachable since the
  candidates were read, or over budget) is dropped as a whole inside a savepoint: nobody is proposed
  someone who will never hear of it. Their partners get priority next round.
- `prepare` is also the dry-run: it reads exactly what the run reads, and the plan's randomness is
  seeded by the period, so a dry-run and a run at the same time give the same introductions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking.engine import RoundPlan, plan_round
from bot.matchmaking import render
from bot.matchmaking.candidates import Pool, build_pool
from bot.matchmaking.history import build_history
from bot.matchmaking.periods import effective_schedule, period_of
from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from storage.db import Database
from storage.models import Member, OutboxMessage
from storage.models.matchmaking import PROPOSED, Introduction, IntroductionMember, IntroPreferences, MatchRound

log = logging.getLogger(__name__)

PROPOSAL = "mm.proposal"


@dataclass
class Prepared:
    """A planned round, not yet written: the dry-run shows it, the run writes it."""

    at: datetime
    period: str | None  # None: no round is due at `at` (the schedule never fired yet)
    fire_time: datetime | None
    pool: Pool = field(default_factory=Pool)
    plan: RoundPlan | None = None
    already: MatchRound | None = None  # the round of this period, if it already ran


@dataclass
class Outcome:
    status: str  # ran | already | not_due
    prepared: Prepared
    round_id: int | None = None
    introductions: int = 0
    dropped: list[tuple[tuple[int, ...], int]] = field(default_factory=list)  # (members, member not written)


async def prepare(session: AsyncSession, config: Config, at: datetime, *, plan_if_done: bool = True) -> Prepared:
    """Plan the round due at `at`, reading the database as the run will. Writes nothing.

    With `plan_if_done=False`, a period that already ran is reported without planning it again:
    the scheduler's frequent catch-up checks must not pay for a whole round (CPU, and on SQLite the
    write lock) every few minutes.
    """
    schedule = await effective_schedule(session, config)
    fire = schedule.due_at(at)
    if fire is None:
        return Prepared(at, None, None)
    period = period_of(fire, config.network.timezone)
    already = (await session.execute(select(MatchRound).where(MatchRound.period == period))).scalar_one_or_none()
    if already is not None and not plan_if_done:
        return Prepared(at, period, fire, already=already)
    pool = await build_pool(session, config, at)
    mm = config.matchmaking
    history = await build_history(session, period, mm.repeat_window, mm.venue_pair_horizon_rounds)
    plan = plan_round(pool.candidates, history, weights=mm.weights_for_engine(), seed=period,
                      allow_triples=mm.allow_triples)
    return Prepared(at, period, fire, pool, plan, already)


def round_stats(prepared: Prepared) -> dict:
    assert prepared.plan is not None
    stats = prepared.plan.stats.as_dict()
    stats["due"] = prepared.pool.size
    stats["excluded_budget"] = len(prepared.pool.excluded)
    return stats


def proposal(viewer: int, partners: list[tuple[int, int | None]], reasons: list[dict], names: render.Names,
             intro_id: int, hours: int):
    """The one message a member gets about an introduction: who, why, two buttons."""

    def draw(t: Translator) -> Reply:
        text = t("matchmaking.proposal", who=render.who(partners, names, t),
                 why=render.why_for(viewer, [m for m, _ in partners], reasons, names, t), hours=hours)
        buttons = ((Button(t("matchmaking.yes"), "mm.yes", str(intro_id)),
                    Button(t("matchmaking.no"), "mm.no", str(intro_id))),)
        return Reply(text, title=t("matchmaking.proposal_title"), buttons=buttons)

    return draw


def ask_key(period: str, member_id: int) -> str:
    return f"mm:{period}:{member_id}:ask"


class _NotWritten(Exception):
    def __init__(self, member_id: int) -> None:
        self.member_id = member_id


async def _write_introduction(session: AsyncSession, config: Config, rnd: MatchRound, intro, members: dict[int, Member],
                              names: render.Names, at: datetime) -> Introduction:
    reasons = render.as_stored(intro.reasons)
    hours = config.matchmaking.answer_hours
    row = Introduction(round_id=rnd.id, score=round(float(intro.score), 3), reasons=reasons,
                       cross_venue=intro.has("cross_venue"), need_offer=intro.has("need_offer"),
                       repeat=bool(intro.repeat), status=PROPOSED, created_at=at, expires_at=at)
    row.members = [IntroductionMember(slot=i, member_id=m, venue_id=members[m].home_venue_id)
                   for i, m in enumerate(intro.members)]
    session.add(row)
    await session.flush()
    latest = at
    for member_id in intro.members:
        partners = [(m, members[m].home_venue_id) for m in intro.members if m != member_id]
        key = ask_key(rnd.period, member_id)
        written = await notify_member(session, config, members[member_id],
                                      proposal(member_id, partners, reasons, names, row.id, hours),
                                      key=key, purpose=PROPOSAL, now=at, nudge=True)
        if not written:
            raise _NotWritten(member_id)
        due = (await session.execute(select(OutboxMessage.next_attempt_at).where(OutboxMessage.key == key))).scalar_one()
        latest = max(latest, due)
    # The answer window starts when the last of them can read it (quiet hours may defer delivery).
    row.expires_at = latest + timedelta(hours=hours)
    return row


async def _write(session: AsyncSession, config: Config, prepared: Prepared, trigger: str) -> Outcome:
    plan, at = prepared.plan, prepared.at
    assert plan is not None and prepared.period is not None
    rnd = MatchRound(period=prepared.period, status="sent", trigger=trigger, run_at=at, stats={}, created_at=at)
    session.add(rnd)
    await session.flush()  # a concurrent run of the same period fails here, before any message
    ids = sorted(plan.matched_ids())
    members = {m.id: m for m in (await session.execute(select(Member).where(Member.id.in_(ids)))).scalars()}
    names = await render.load_names(session, [r for i in plan.introductions for r in render.as_stored(i.reasons)],
                                    ids, [m.home_venue_id for m in members.values()])
    outcome = Outcome("ran", prepared, rnd.id)
    priority = set(plan.priority_next())
    for intro in plan.introductions:
        try:
            async with session.begin_nested():
                await _write_introduction(session, config, rnd, intro, members, names, at)
            outcome.introductions += 1
        except _NotWritten as missing:
            log.info("round %s: introduction %s dropped, no message could be written to member %s",
                     prepared.period, intro.members, missing.member_id)
            outcome.dropped.append((tuple(intro.members), missing.member_id))
            priority.update(m for m in intro.members if m != missing.member_id)
    stats = round_stats(prepared)
    stats["dropped"] = len(outcome.dropped)
    rnd.stats = stats
    rnd.status = "sent" if outcome.introductions else "empty"
    await _set_priorities(session, [c.member_id for c in prepared.pool.candidates], priority, at)
    return outcome


async def _set_priorities(session: AsyncSession, candidate_ids: list[int], priority: set[int], now: datetime) -> None:
    """Planned candidates left out by the matching get priority next round; everyone else planned loses it."""
    existing = set((await session.execute(select(IntroPreferences.member_id)
                                          .where(IntroPreferences.member_id.in_(candidate_ids)))).scalars())
    for member_id in priority - existing:
        session.add(IntroPreferences(member_id=member_id, priority=True, never_with=[], updated_at=now))
    if priority & existing:
        await session.execute(update(IntroPreferences).where(IntroPreferences.member_id.in_(priority & existing))
                              .values(priority=True))
    cleared = [m for m in candidate_ids if m not in priority]
    if cleared:
        await session.execute(update(IntroPreferences).where(IntroPreferences.member_id.in_(cleared))
                              .values(priority=False))


async def run_in(session: AsyncSession, config: Config, at: datetime, trigger: str) -> Outcome:
    """Run the round due at `at` inside the caller's transaction (a chat command's, say)."""
    prepared = await prepare(session, config, at, plan_if_done=False)
    if prepared.period is None:
        return Outcome("not_due", prepared)
    if prepared.already is not None:
        return Outcome("already", prepared, prepared.already.id)
    outcome = await _write(session, config, prepared, trigger)
    log.info("round %s: %d introductions written (%d dropped) for %d candidates", prepared.period,
             outcome.introductions, len(outcome.dropped), prepared.pool.size)
    return outcome


async def run_round(db: Database, config: Config, at: datetime, trigger: str = "schedule") -> Outcome:
    """Run the round due at `at` unless its period already ran. Safe to call any number of times."""
    try:
        async with db.session() as session:
            return await run_in(session, config, at, trigger)
    except IntegrityError:
        # Another process wrote this period's round between our read and our insert: it stands.
        # Any other integrity failure is a real fault (everything was rolled back): let it surface.
        async with db.session() as session:
            prepared = await prepare(session, config, at, plan_if_done=False)
        if prepared.already is None:
            raise
        log.info("round %s: already written by another process", prepared.period)
        return Outcome("already", prepared, prepared.already.id)
