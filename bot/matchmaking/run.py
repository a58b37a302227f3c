"""Running a round exactly once: plan it outside any write transaction, then write the round, its
introductions and every proposal message to the outbox in ONE short transaction.

- Planning reads in a read-only session (on SQLite a WAL snapshot: no write lock) and solves in a
  worker thread, so the process's event loop keeps answering commands, feeds and the calendar while
  a large round is planned. The write re-checks, for every matched member at once, what could have
  changed meanwhile (see `batch_write`), then inserts in bulk: a 10,000-member round holds the
  write lock for about a second, not for the whole planning.

- The round due at time `at` is named by its period (see `periods`); `match_rounds.period` is unique,
  so a second run of the same period (a retry, a catch-up racing the schedule, another process)
  writes nothing and reports "already".
- Nothing leaves before the transaction commits (the outbox dispatcher only sees committed rows), so
  a crash half-way leaves no round, no introduction and no message: running again redoes it whole.
- An introduction whose message cannot be written to one of its members (unreachable since the
  candidates were read, no longer opted in, or over budget) is dropped as a whole: nobody is proposed
  someone who will never hear of it. Their partners get priority next round. So is one whose member,
  while the round was planned, was introduced by a one-off (`one_off_pairs.recent_pairs`) or asked
  to skip this round: the snapshot did not see it.
- Each in-person introduction gets a place to meet (see `meeting_place`), chosen once per round
  while planning, said in the proposal and stored on the introduction for the reveal.
- `prepare` is also the dry-run: it reads exactly what the run reads, and the plan's randomness is
  seeded by the period, so a dry-run and a run at the same time give the same introductions.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import failpoints
from bot.config import Config
from bot.i18n import Translator
from bot.gc_pause import without_cyclic_gc
from bot.matchmaking.engine import RoundPlan, plan_round
from bot.matchmaking import meeting_place, render, skip
from bot.matchmaking.batch_write import write_introductions
from bot.matchmaking.candidates import Pool, build_pool
from bot.matchmaking.history import build_history
from bot.matchmaking.one_off_pairs import recent_pairs
from bot.matchmaking.periods import effective_schedule, period_of
from bot.types import Button, Reply
from storage.db import Database
from storage.models.matchmaking import IntroPreferences, MatchRound

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
    places: dict[tuple[int, ...], meeting_place.Place] = field(default_factory=dict)  # by introduction's members


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
    with without_cyclic_gc():  # the running bot's rounds too, not only the CLI's (bot.gc_pause)
        pool = await build_pool(session, config, at)
        mm = config.matchmaking
        history = await build_history(session, period, mm.repeat_window, mm.venue_pair_horizon_rounds)
        # Each step's end is logged (debug): where a slow round spends its time (bench_match_e2e reads them).
        log.debug("round %s: %d candidates and their history read", period, pool.size)
        # The solver is CPU work of seconds on large networks: in a thread, the event loop stays free.
        plan = await asyncio.to_thread(plan_round, pool.candidates, history, weights=mm.weights_for_engine(),
                                       seed=period, allow_triples=mm.allow_triples)
        log.debug("round %s: planned", period)
        places = await places_for(session, config, pool, plan, at)
        log.debug("round %s: meeting places chosen", period)
    return Prepared(at, period, fire, pool, plan, already, places)


async def places_for(session: AsyncSession, config: Config, pool: Pool, plan: RoundPlan,
                     at: datetime) -> dict[tuple[int, ...], meeting_place.Place]:
    """Where each introduction could meet: events they could go to once they have answered."""
    places = await meeting_place.load(session, at + timedelta(hours=config.matchmaking.answer_hours),
                                      at + meeting_place.EVENT_HORIZON)
    venue_of = {c.member_id: c.venue_id for c in pool.candidates}
    return {intro.members: places.choose([venue_of.get(m) for m in intro.members],
                                         [pool.meet_modes.get(m, meeting_place.EITHER) for m in intro.members])
            for intro in plan.introductions}


def round_stats(prepared: Prepared) -> dict:
    assert prepared.plan is not None
    stats = prepared.plan.stats.as_dict()
    stats["due"] = prepared.pool.size
    stats["excluded_budget"] = len(prepared.pool.excluded)
    return stats


def proposal(viewer: int, partners: list[tuple[int, int | None]], reasons: list[dict], names: render.Names,
             intro_id: int, hours: int, place: meeting_place.Place | None = None,
             members: tuple[int, ...] = ()):
    """The one message a member gets about an introduction: who, why, where they could meet, two buttons."""

    def draw(t: Translator) -> Reply:
        text = t("matchmaking.proposal", who=render.who(partners, names, t),
                 why=render.why_for(viewer, [m for m, _ in partners], reasons, names, t), hours=hours)
        where = render.place_text(place, viewer, members, names, t)
        if where:  # after who and why, before how answering works
            head, _, rest = text.partition("\n\n")
            text = f"{head}\n{where}\n\n{rest}" if rest else f"{head}\n{where}"
        buttons = ((Button(t("matchmaking.yes"), "mm.yes", str(intro_id)),
                    Button(t("matchmaking.no"), "mm.no", str(intro_id))),)
        return Reply(text, title=t("matchmaking.proposal_title"), buttons=buttons)

    return draw


def ask_key(period: str, member_id: int) -> str:
    return f"mm:{period}:{member_id}:ask"


async def _write(session: AsyncSession, config: Config, prepared: Prepared, trigger: str) -> Outcome:
    plan, at = prepared.plan, prepared.at
    assert plan is not None and prepared.period is not None
    rnd = MatchRound(period=prepared.period, status="sent", trigger=trigger, run_at=at, stats={}, created_at=at)
    session.add(rnd)
    await session.flush()  # a concurrent run of the same period fails here, before any message
    places = prepared.places

    def placed(viewer, partners, reasons, names, intro_id, hours, members=()):
        return proposal(viewer, partners, reasons, names, intro_id, hours, places.get(tuple(members)), tuple(members))

    def columns(members: tuple[int, ...]) -> dict:
        place = places.get(members)
        return {"meet_venue_id": place.venue_id if place else None,
                "meet_event_id": place.event.id if place and place.event else None}

    late, skipping = await _changed_since(session, prepared)
    stale = [(tuple(i.members), next(m for m in i.members if m in late)) for i in plan.introductions
             if late.intersection(i.members)]
    if stale:
        plan = replace(plan, introductions=tuple(i for i in plan.introductions if not late.intersection(i.members)))
    written, dropped = await write_introductions(session, config, rnd, plan, prepared.pool, at, placed, ask_key,
                                                 PROPOSAL, columns=columns)
    dropped = stale + dropped
    outcome = Outcome("ran", prepared, rnd.id, written, dropped)
    priority = set(plan.priority_next())
    for members, missing in dropped:
        log.info("round %s: introduction %s dropped, no message could be written to member %s",
                 prepared.period, members, missing)
        priority.update(m for m in members if m != missing and m not in late)
    stats = round_stats(prepared)
    stats["dropped"] = len(outcome.dropped)
    rnd.stats = stats
    rnd.status = "sent" if outcome.introductions else "empty"
    await _set_priorities(session, [c.member_id for c in prepared.pool.candidates], priority, at)
    # hook: "skip next round" is used up by this one (also when pressed while it was planned)
    await skip.consume(session, prepared.pool.skipped + sorted(skipping))
    return outcome


async def _changed_since(session: AsyncSession, prepared: Prepared) -> tuple[set[int], set[int]]:
    """Planned members the snapshot could not see change: (all of them, those who asked to skip).

    Introduced by a one-off made since the snapshot (they are in an open introduction and no longer
    due), or "skip next round" pressed since (the pool left out those flagged before).
    """
    assert prepared.plan is not None
    matched = prepared.plan.matched_ids()
    one_off = {m for pair in await recent_pairs(session, prepared.at) for m in pair}
    flagged = set((await session.execute(select(IntroPreferences.member_id)
                                         .where(IntroPreferences.skip_next.is_(True)))).scalars())
    skipping = flagged & matched
    return (one_off & matched) | skipping, skipping


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
    """Run the round due at `at` unless its period already ran. Safe to call any number of times.

    Plans in a read-only session, then writes in one short transaction (see the module docstring).
    """
    async with db.read_session() as session:
        prepared = await prepare(session, config, at, plan_if_done=False)
    if prepared.period is None:
        return Outcome("not_due", prepared)
    if prepared.already is not None:
        return Outcome("already", prepared, prepared.already.id)
    try:
        async with db.session() as session:
            outcome = await _write(session, config, prepared, trigger)
            await failpoints.reach("matchmaking.round_before_commit")  # tests kill the process here
    except IntegrityError:
        # Another process wrote this period's round between our read and our insert: it stands.
        # Any other integrity failure is a real fault (everything was rolled back): let it surface.
        async with db.read_session() as session:
            again = await prepare(session, config, at, plan_if_done=False)
        if again.already is None:
            raise
        log.info("round %s: already written by another process", again.period)
        return Outcome("already", again, again.already.id)
    log.info("round %s: %d introductions written (%d dropped) for %d candidates", prepared.period,
             outcome.introductions, len(outcome.dropped), prepared.pool.size)
    return outcome
