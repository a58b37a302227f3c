"""Sending a campaign: the headcount a preview promises, and the sending itself, batch by batch.

Both read the same facts per member (reachable? kind muted or paused? budget left? quiet hours at
their slot?) through `Facts`, so the preview's "280 now, 20 after quiet hours, 12 without budget"
is what the sending then does. Each batch is planned in a read-only snapshot (audience paged,
messages rendered: no write lock on SQLite), then written in one short transaction that reads the
facts again for the whole batch and inserts, in bulk, each member's `CampaignRecipient` row and
their outbox message (key `campaign:ID:OCCURRENCE:MEMBER`) — a few statements per batch instead of
eight per member, so a 20,000-member campaign never holds SQLite's write lock for long. Members are
taken in id order after the last one recorded, so a process killed mid-sending resumes exactly
where its last commit left it: nobody missed, nobody written twice. A campaign stopped meanwhile
writes nothing more.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.audience import Audience, audience_ids, audience_query
from bot.campaigns.reasons import reasons_for
from bot.campaigns.render import chat_message, member_message
from bot.config import Config
from bot.i18n import Translator
from bot.events.queries import programme_chats
from bot.matchmaking.periods import effective_schedule
from bot.types import Reply
from bot.outbox.attention import next_allowed
from bot.outbox.notify import member_locale, notify_chat
from bot.outbox.preferences import quiet_rules, refuses
from storage.db import Database
from storage.models import Identity, Member, OutboxMessage, Venue, VenueChat
from storage.models.campaigns import Campaign, CampaignRecipient, CampaignStatus, NotificationPrefs
from storage.models.runtime import OutboxStatus
from storage.outbox import BUDGET_WINDOW, enqueue, reply_to_payload

log = logging.getLogger(__name__)

PURPOSE = "campaign"
ROUND_HORIZON = timedelta(days=7)
NOW, LATER, NO_BUDGET, MUTED, UNREACHABLE = "queued", "deferred", "no_budget", "muted", "unreachable"
OUTCOMES = (NOW, LATER, NO_BUDGET, MUTED, UNREACHABLE)
INSERT_ROWS = 1000  # rows per INSERT statement: inside SQLite's and asyncpg's parameter limits


def recipient_key(campaign_id: int, occurrence: int, member_id: int) -> str:
    return f"campaign:{campaign_id}:{occurrence}:{member_id}"


def key_prefix(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:"


@dataclass
class Facts:
    """What decides a member's outcome, loaded for a batch of members in a few queries."""

    members: dict[int, Member]
    reachable: set[int]
    prefs: dict[int, NotificationPrefs]
    used: dict[int, int]
    zones: dict[int, str]
    round_soon: bool = False  # a matchmaking round is due within the week

    def outcome(self, config: Config, member_id: int, slot: datetime, now: datetime) -> str:
        member = self.members[member_id]
        if member_id not in self.reachable:
            return UNREACHABLE
        prefs = self.prefs.get(member_id)
        if refuses(prefs, PURPOSE, now):
            return MUTED
        rules = quiet_rules(prefs, config.attention)
        if rules.budget_per_30_days - self.used.get(member_id, 0) <= self.keep(config, member, now):
            return NO_BUDGET
        zone = self.zones.get(member.home_venue_id or 0, config.network.timezone)
        return NOW if next_allowed(slot, zone, rules) <= slot else LATER


    def keep(self, config: Config, member: Member, now: datetime) -> int:
        """Units a campaign leaves untouched: one for a member taking part in rounds when a round is
        due within the week (priority to introductions), so a campaign never spends the unit their
        proposal needs."""
        in_rounds = member.intro_opt_in and (member.paused_until is None or member.paused_until <= now)
        return config.campaigns.keep_for_introductions() if in_rounds and self.round_soon else 0


async def round_within_week(session: AsyncSession, config: Config, now: datetime) -> bool:
    schedule = await effective_schedule(session, config)
    try:
        upcoming = schedule.next_after(now)
    except ValueError:  # a schedule APScheduler cannot read: be prudent, keep the unit
        return True
    return bool(upcoming) and upcoming[0] - now <= ROUND_HORIZON


async def load_facts(session: AsyncSession, config: Config, member_ids: list[int], now: datetime) -> Facts:
    members = {m.id: m for m in (await session.execute(select(Member).where(Member.id.in_(member_ids)))).scalars()}
    reachable = set((await session.execute(select(Identity.member_id).where(
        Identity.member_id.in_(member_ids), Identity.dm_status != "unreachable"))).scalars())
    prefs = {p.member_id: p for p in (await session.execute(
        select(NotificationPrefs).where(NotificationPrefs.member_id.in_(member_ids)))).scalars()}
    used = dict((await session.execute(
        select(OutboxMessage.member_id, func.count()).where(
            OutboxMessage.member_id.in_(member_ids), OutboxMessage.nudge.is_(True),
            OutboxMessage.created_at >= now - BUDGET_WINDOW,
            OutboxMessage.status.notin_(OutboxStatus.NOT_DELIVERED)).group_by(OutboxMessage.member_id))).all())
    zones = dict((await session.execute(select(Venue.id, Venue.timezone))).all())
    return Facts(members, reachable, prefs, used, zones, await round_within_week(session, config, now))


@dataclass
class Headcount:
    total: int
    counts: Counter

    def __getitem__(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)


async def headcount(session: AsyncSession, config: Config, campaign: Campaign, at: datetime,
                    now: datetime) -> Headcount:
    """The preview's promise: how many members, and what will become of them if it goes at `at`."""
    audience = Audience.load(campaign.audience)
    counts: Counter = Counter()
    total = 0
    after = 0
    while True:
        ids = await audience_ids(session, audience, venue_id=campaign.venue_id, now=now, after=after, limit=2000)
        if not ids:
            break
        facts = await load_facts(session, config, ids, now)
        for member_id in ids:
            counts[facts.outcome(config, member_id, at, now)] += 1
        total += len(ids)
        after = ids[-1]
    return Headcount(total, counts)


async def sample_members(session: AsyncSession, campaign: Campaign, now: datetime, locale: str,
                         limit: int = 3) -> list[Member]:
    """Up to `limit` members of the audience reading `locale`, for the preview's sample renders."""
    audience = Audience.load(campaign.audience)
    found: list[Member] = []
    after = 0
    while len(found) < limit:
        ids = await audience_ids(session, audience, venue_id=campaign.venue_id, now=now, after=after, limit=500)
        if not ids:
            break
        rows = (await session.execute(select(Member).where(Member.id.in_(ids)).order_by(Member.id))).scalars()
        found += [m for m in rows if (m.locale or "fr") == locale][: limit - len(found)]
        after = ids[-1]
    return found


# -- the sending -------------------------------------------------------------------------------

async def start_due(db: Database, now: datetime) -> list[int]:
    """Campaigns whose time has come become `sending`; returns those sending (resumed ones too)."""
    async with db.session() as session:
        await session.execute(update(Campaign).where(
            Campaign.status == CampaignStatus.SCHEDULED, Campaign.send_at <= now,
        ).values(status=CampaignStatus.SENDING, started_at=now))
        return list((await session.execute(select(Campaign.id).where(Campaign.status == CampaignStatus.SENDING)
                                           .order_by(Campaign.id))).scalars())


async def send_batch(db: Database, config: Config, campaign_id: int, now: datetime) -> int:
    """Write the next batch of one sending campaign; returns how many members it covered (0: done).

    The batch is planned in a read-only session (on SQLite a snapshot: no write lock while the
    audience is paged, counted and the messages rendered), then written in one short transaction
    that re-reads what could have changed meanwhile (see `_write_batch`). If another writer recorded
    members in between (a second process, a resumed job), the plan is stale: planned again.
    """
    while True:
        async with db.read_session() as session:
            plan = await _plan_batch(session, config, campaign_id, now)
        if plan is None:  # nothing to write to members: a chat campaign, a finished or stopped one
            async with db.session() as session:
                if await _close_or_post(session, db, config, campaign_id, now):
                    return 0
            continue  # members joined the audience since the snapshot: plan them
        async with db.session() as session:
            written = await _write_batch(session, db, config, plan, now)
        if written is not None:
            return written


@dataclass
class _Plan:
    """One batch as read from a snapshot: who, at which slot, and their messages already rendered."""

    campaign_id: int
    occurrence: int
    last: int | None  # the last member recorded when planned: the write checks it is still the last
    ids: list[int]
    slots: dict[int, datetime]
    messages: dict[int, tuple[str, str, dict]]  # member -> (platform, user id, payload), for NOW/LATER


async def _plan_batch(session: AsyncSession, config: Config, campaign_id: int, now: datetime) -> _Plan | None:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return None
    audience = Audience.load(campaign.audience)
    if audience.chats:
        return None
    occurrence = campaign.occurrence
    last, done = (await session.execute(select(func.max(CampaignRecipient.member_id), func.count()).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.occurrence == occurrence))).one()
    ids = await audience_ids(session, audience, venue_id=campaign.venue_id, now=now, after=last or 0,
                             limit=config.campaigns.batch_size)
    if not ids:
        return None
    remaining = await audience_count(session, audience, campaign.venue_id, now, after=last or 0) \
        if campaign.spread_minutes else len(ids)
    planned = done + remaining
    facts = await load_facts(session, config, ids, now)
    reasons = await reasons_for(session, audience, ids, config.network.name)
    identities = await _identities(session, ids)
    started = campaign.started_at or now
    slots, messages = {}, {}
    translators: dict[str, Translator] = {}
    for position, member_id in enumerate(ids, start=done):
        slot = max(started + timedelta(minutes=campaign.spread_minutes) * (position / max(planned, 1)), now)
        slots[member_id] = slot
        member, identity = facts.members[member_id], identities.get(member_id)
        if identity is None or facts.outcome(config, member_id, slot, now) not in (NOW, LATER):
            continue
        locale = member_locale(member, identity, config.network.default_locale)
        t = translators.setdefault(locale, Translator(locale))
        reply = member_message(campaign, t, reasons.why(member, t, scope_venue=campaign.venue_id))
        reply = Reply(reply.text, reply.title, reply.buttons, silent=True)  # a nudge never rings
        for button in reply.all_buttons():
            if button.url is None:
                button.data  # noqa: B018 -- validates the 64-byte limit now, as enqueue does
        messages[member_id] = (identity.platform, identity.platform_user_id, reply_to_payload(reply))
    return _Plan(campaign.id, occurrence, last, ids, slots, messages)


async def _identities(session: AsyncSession, ids: list[int]) -> dict[int, Identity]:
    """Each member's identity to write to, as `member_identity` picks it: reachable, seen last."""
    best: dict[int, Identity] = {}
    for identity in (await session.execute(select(Identity).where(
            Identity.member_id.in_(ids), Identity.dm_status != "unreachable"))).scalars():
        held = best.get(identity.member_id)
        if held is None or (identity.last_seen_at, identity.id) > (held.last_seen_at, held.id):
            best[identity.member_id] = identity
    return best


async def _write_batch(session: AsyncSession, db: Database, config: Config, plan: _Plan, now: datetime) -> int | None:
    """Write a planned batch: the recipients' rows and their messages, in bulk. None: the plan is stale.

    Re-read here, for the whole batch at once: the campaign (stopped meanwhile? another writer's
    progress?), and the facts of each member (reachable, muted, budget spent meanwhile): an outcome
    is what these fresh facts say, so the budget's check and spending stay atomic (the write lock on
    SQLite; on PostgreSQL the campaign's row serialises its writers and the members' rows are locked
    as `notify_member` locks them, so other nudges wait for this batch).
    """
    campaign = await session.get(Campaign, plan.campaign_id, with_for_update=db.dialect == "postgresql",
                                 populate_existing=True)
    if campaign is None or campaign.status != CampaignStatus.SENDING or campaign.occurrence != plan.occurrence:
        return 0
    last = (await session.execute(select(func.max(CampaignRecipient.member_id)).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.occurrence == plan.occurrence))).scalar()
    if last != plan.last:
        return None
    if db.dialect == "postgresql":
        await session.execute(select(Member.id).where(Member.id.in_(plan.ids)).with_for_update(key_share=True))
    facts = await load_facts(session, config, plan.ids, now)
    reachable = await _identities(session, plan.ids)
    recipients, messages = [], []
    for member_id in plan.ids:
        if member_id not in facts.members:  # erased since the snapshot: nobody to write to or record
            continue
        outcome = facts.outcome(config, member_id, plan.slots[member_id], now)
        planned, identity = plan.messages.get(member_id), reachable.get(member_id)
        if outcome in (NOW, LATER):
            if identity is None:
                outcome = UNREACHABLE
            elif planned is None or (planned[0], planned[1]) != (identity.platform, identity.platform_user_id):
                outcome = NO_BUDGET  # it changed under us: as notify_member refusing, the next campaign tries again
            else:
                messages.append(_message(config, campaign, member_id, planned, plan.slots[member_id], facts, now))
        recipients.append(dict(campaign_id=campaign.id, occurrence=plan.occurrence, member_id=member_id,
                               status=outcome, opted_out=False, created_at=now))
    if not recipients:  # every member of the batch was erased meanwhile: record none, plan the next ones
        return None if plan.ids else 0
    await _insert_ignoring(session, db, OutboxMessage, messages, ["key"])
    await _insert_ignoring(session, db, CampaignRecipient, recipients, ["campaign_id", "occurrence", "member_id"])
    if messages:
        session.info["outbox_written"] = True
    return len(plan.ids)


def _message(config: Config, campaign: Campaign, member_id: int, planned: tuple[str, str, dict], slot: datetime,
             facts: Facts, now: datetime) -> dict:
    platform, user_id, payload = planned
    member = facts.members[member_id]
    zone = facts.zones.get(member.home_venue_id or 0) or config.network.timezone
    not_before = next_allowed(max(slot, now), zone, quiet_rules(facts.prefs.get(member_id), config.attention))
    return dict(key=recipient_key(campaign.id, campaign.occurrence, member_id), platform=platform, chat_id=None,
                user_id=user_id, member_id=member_id, purpose=PURPOSE, nudge=True, payload=payload,
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=not_before, created_at=now)


async def _insert_ignoring(session: AsyncSession, db: Database, model: type, rows: list[dict], key: list[str]) -> None:
    """Bulk INSERT ... ON CONFLICT DO NOTHING (a key already there was written by an earlier commit)."""
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), INSERT_ROWS):
        await session.execute(insert(model).on_conflict_do_nothing(index_elements=key), rows[start:start + INSERT_ROWS])


async def _close_or_post(session: AsyncSession, db: Database, config: Config, campaign_id: int,
                         now: datetime) -> bool:
    """No member left to plan: a chat campaign posts to its chats, a member campaign is finished.
    False when members joined the audience after the snapshot: not finished, to be planned."""
    campaign = await session.get(Campaign, campaign_id, with_for_update=db.dialect == "postgresql",
                                 populate_existing=True)
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return True
    audience = Audience.load(campaign.audience)
    if audience.chats:
        await _post_to_chats(session, config, campaign, now)
        _finish(campaign, now, config)
        return True
    last, = (await session.execute(select(func.max(CampaignRecipient.member_id)).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.occurrence == campaign.occurrence))).one()
    if await audience_ids(session, audience, venue_id=campaign.venue_id, now=now, after=last or 0, limit=1):
        return False
    _finish(campaign, now, config)
    return True


def _finish(campaign: Campaign, now: datetime, config: Config) -> None:
    if campaign.recurring:
        from bot.campaigns.schedule import next_fire

        following = next_fire(campaign.recurring, config.network.timezone, now)
        if following is not None:
            campaign.occurrence += 1
            campaign.send_at = following
            campaign.started_at = None
            campaign.status = CampaignStatus.SCHEDULED
            return
    campaign.status = CampaignStatus.SENT
    campaign.finished_at = now


async def _post_to_chats(session: AsyncSession, config: Config, campaign: Campaign, now: datetime) -> int:
    """An announcement in the bound chats: the venue's (a host's campaign, or the venues named), else
    the network's programme chats (bound with /link_network or named in the config)."""
    audience = Audience.load(campaign.audience)
    venue_ids: list[int] = []
    if campaign.venue_id is not None:
        venue_ids = [campaign.venue_id]
    elif audience.venues:
        venue_ids = list((await session.execute(select(Venue.id).where(Venue.slug.in_(audience.venues)))).scalars())
    if venue_ids:
        chats = list((await session.execute(select(VenueChat).where(
            VenueChat.venue_id.in_(venue_ids), VenueChat.purpose == "announcements").order_by(VenueChat.id))).scalars())
    else:
        chats = await programme_chats(session, config)
    written = 0
    t = Translator(config.network.default_locale)
    for chat in chats:
        key = f"campaign:{campaign.id}:{campaign.occurrence}:chat:{chat.platform}:{chat.chat_id}"
        written += await notify_chat(session, chat, chat_message(campaign, t, config.network.name), key=key,
                                     purpose=PURPOSE, now=now)
    return written


async def deliver_due(db: Database, config: Config, now: datetime, *, max_batches: int | None = None) -> int:
    """Start what is due and write every batch of every sending campaign; returns members covered."""
    covered = 0
    batches = 0
    for campaign_id in await start_due(db, now):
        while max_batches is None or batches < max_batches:
            written = await send_batch(db, config, campaign_id, now)
            batches += 1
            if not written:
                break
            covered += written
    return covered


async def audience_count(session: AsyncSession, audience: Audience, venue_id: int | None, now: datetime,
                         after: int = 0) -> int:
    query = audience_query(audience, venue_id=venue_id, now=now).where(Member.id > after).order_by(None)
    return int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())


async def test_send(session: AsyncSession, config: Config, campaign: Campaign, identity: Identity,
                    member: Member | None, now: datetime, counter: int) -> bool:
    """The campaign, as members will read it, to its author alone (transactional: no budget spent)."""
    locale = member_locale(member, identity, config.network.default_locale) if member is not None \
        else identity.locale or config.network.default_locale
    t = Translator(locale)
    reason = t("campaigns.why.network", network=config.network.name)
    return await enqueue(session, key=f"campaign:{campaign.id}:test:{counter}", platform=identity.platform,
                         reply=member_message(campaign, t, reason, test=True), user_id=identity.platform_user_id,
                         member_id=identity.member_id, purpose="campaign_test", now=now)
