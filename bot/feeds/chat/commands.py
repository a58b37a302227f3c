"""Calendar feeds in the chat, for hosts: add, list and remove a venue's feeds; answer "same event?".

- `/feed_add URL [venue]` (`/flux_ajouter`): an ICS link (Google Calendar, Nextcloud, Meetup...).
  Only public http(s)/webcal links from a chat; local files and OpenAgenda go in the config file.
- `/feed_list` (`/flux`): the feeds of the venues I host, with their health.
- `/feed_remove ID` (`/flux_retirer`): after a confirmation, cancels the feed's upcoming events.
Every command and button re-checks that the person hosts the feed's venue: payloads can be forged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.context import Context
from bot.events.announce import cancel_event
from bot.events.queries import venue_ids_of
from bot.events.render import format_when
from bot.feeds import dedupe
from bot.feeds.health import error_text, label
from bot.feeds.urls import chat_url_problem
from bot.payloads import parse_id
from bot.registry import Access, Registry
from bot.types import Button, Reply
from storage.models.events import Event, FeedSource
from storage.models.feeds import CalendarToken, EventDuplicateQuestion, FeedSourceState
from storage.models.members import Member
from storage.venues import venue_by_slug

MAX_CHAT_FEEDS_PER_VENUE = 10


async def feed_add(ctx: Context) -> Reply:
    words = ctx.args.split()
    if not words or len(words) > 2:
        return Reply(ctx.t("feeds.add_usage"))
    url = words[0]
    problem = chat_url_problem(url)
    if problem is not None:
        return Reply(ctx.t(f"feeds.{problem}"))
    venues = await ctx.hostable_venues()
    if len(words) == 2:
        venue = await venue_by_slug(ctx.session, words[1].lower())
        if venue is None or venue not in venues:
            return Reply(ctx.t("feeds.which_venue", venues=", ".join(v.slug for v in venues) or "—"))
    elif len(venues) == 1:
        venue = venues[0]
    else:
        return Reply(ctx.t("feeds.which_venue", venues=", ".join(v.slug for v in venues) or "—"))
    if not await ctx.can_host(venue.id):
        return Reply(ctx.t("feeds.not_yours"))
    # No DNS lookup here: this handler holds the write transaction (see bot.feeds.urls). A name that
    # resolves to a private address is refused by the sync before any fetch, and the hosts told.
    existing = (await ctx.session.execute(select(FeedSource).where(
        FeedSource.venue_id == venue.id, FeedSource.url == url))).scalar_one_or_none()
    if existing is not None:
        return Reply(ctx.t("feeds.already", venue=venue.name, id=existing.id))
    count = (await ctx.session.execute(select(func.count()).select_from(FeedSource).where(
        FeedSource.venue_id == venue.id, FeedSource.origin == "chat"))).scalar_one()
    if count >= MAX_CHAT_FEEDS_PER_VENUE:
        return Reply(ctx.t("feeds.too_many", venue=venue.name, count=MAX_CHAT_FEEDS_PER_VENUE))
    source = FeedSource(venue_id=venue.id, kind="ics", url=url, origin="chat", enabled=True, error_streak=0,
                        last_error_notified=False, created_at=ctx.now)
    ctx.session.add(source)
    await ctx.session.flush()
    return Reply(ctx.t("feeds.added", venue=venue.name, feed=label(source),
                       minutes=ctx.config.events.feed_sync_minutes))


async def feed_list(ctx: Context) -> Reply:
    venues = {venue.id: venue for venue in await ctx.hostable_venues()}
    rows = (await ctx.session.execute(
        select(FeedSource, FeedSourceState.error_kind)
        .outerjoin(FeedSourceState, FeedSourceState.source_id == FeedSource.id)
        .where(FeedSource.venue_id.in_(venues)).order_by(FeedSource.venue_id, FeedSource.id))).all()
    if not rows:
        return Reply(ctx.t("feeds.none"))
    zone = ctx.config.network.timezone
    lines = []
    for source, error_kind in rows:
        venue = venues[source.venue_id]
        if not source.enabled:
            health = ctx.t("feeds.health_disabled")
        elif source.error_streak:
            # The category, in the reader's language; the English detail is for `maillage feeds status`.
            health = ctx.t("feeds.health_failing", count=source.error_streak, error=error_text(ctx.t, error_kind))
        elif source.last_success_at is not None:
            health = ctx.t("feeds.health_ok", when=format_when(source.last_success_at, zone, ctx.locale, ctx.now))
        else:
            health = ctx.t("feeds.health_new")
        origin = ctx.t("feeds.origin_config") if source.origin == "config" else ""
        lines.append(ctx.t("feeds.list_line", id=source.id, venue=venue.name, feed=label(source), health=health,
                           origin=origin).rstrip())
    return Reply("\n".join(lines), title=ctx.t("feeds.list_title"))


async def _own_source(ctx: Context, text: str) -> FeedSource | None:
    source_id = parse_id(text.strip().lstrip("#"))
    if source_id is None:
        return None
    source = await ctx.session.get(FeedSource, source_id)
    if source is None or not await ctx.can_host(source.venue_id):
        return None
    return source


async def _upcoming(session: AsyncSession, source_id: int, now: datetime) -> list[Event]:
    return list((await session.execute(select(Event).where(
        Event.feed_source_id == source_id, Event.status == "published", Event.ends_at > now))).scalars())


async def feed_remove(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return Reply(ctx.t("feeds.remove_usage"))
    source = await _own_source(ctx, ctx.args)
    if source is None:
        return Reply(ctx.t("feeds.unknown_feed", id=ctx.args.strip()[:20]))
    if source.origin == "config":
        return Reply(ctx.t("feeds.config_only_remove", id=source.id))
    upcoming = len(await _upcoming(ctx.session, source.id, ctx.now))
    buttons = ((Button(ctx.t("feeds.remove_button"), "feed.rm", str(source.id)),
                Button(ctx.t("feeds.keep_button"), "feed.keep", str(source.id))),)
    return Reply(ctx.t("feeds.remove_confirm", feed=label(source), count=upcoming), buttons=buttons)


async def remove_pressed(ctx: Context) -> Reply:
    source = await _own_source(ctx, ctx.args)
    if source is None or source.origin == "config":
        return Reply(ctx.t("feeds.unknown_feed", id=ctx.args[:20]), private=True)
    cancelled = 0
    for event in await _upcoming(ctx.session, source.id, ctx.now):
        await cancel_event(ctx.session, ctx.config, event, ctx.now)
        cancelled += 1
    name = label(source)
    await ctx.session.delete(source)
    return Reply(ctx.t("feeds.removed", feed=name, count=cancelled), edit=True)


async def keep_pressed(ctx: Context) -> Reply:
    return Reply(ctx.t("feeds.kept"), edit=True)


async def duplicate_pressed(ctx: Context) -> Reply:
    number, _, choice = ctx.args.partition(":")
    question_id = parse_id(number)
    question = await ctx.session.get(EventDuplicateQuestion, question_id) if question_id is not None else None
    if question is None or choice not in ("y", "n"):
        return Reply(ctx.t("feeds.dup.gone"), edit=True)
    venues = set(await venue_ids_of(ctx.session, question.event_id)) | set(
        await venue_ids_of(ctx.session, question.duplicate_id))
    allowed = await ctx.is_animator() or bool(venues & await ctx.hosted_venue_ids())
    if not allowed:
        return Reply(ctx.t("feeds.not_yours"), private=True)
    outcome = await dedupe.answer(ctx.session, ctx.config, question, choice == "y", ctx.member, ctx.now)
    return Reply(ctx.t(f"feeds.dup.{outcome}"), edit=True)


# -- personal data: the calendar token, and which duplicate questions a member answered -------------


async def export_personal(session: AsyncSession, member: Member) -> dict:
    token = await session.get(CalendarToken, member.id)
    answered = (await session.execute(select(EventDuplicateQuestion.id, EventDuplicateQuestion.status).where(
        EventDuplicateQuestion.answered_by_id == member.id))).all()
    return {
        "calendar_token": None if token is None else {"token": token.token, "created_at": token.created_at.isoformat()},
        "duplicate_questions_answered": [{"id": qid, "answer": status} for qid, status in answered],
    }


async def erase_personal(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    await session.execute(delete(CalendarToken).where(CalendarToken.member_id == member.id))
    questions = (await session.execute(select(EventDuplicateQuestion).where(
        EventDuplicateQuestion.answered_by_id == member.id))).scalars()
    for question in questions:
        question.answered_by_id = None


def register(registry: Registry) -> None:
    registry.command("feed_add", fr="flux_ajouter", summary="feeds.add_summary", args="feeds.add_args",
                     access=Access.HOST, section="hosts", order=20)(feed_add)
    registry.command("feed_list", fr="flux", summary="feeds.list_summary", access=Access.HOST, section="hosts",
                     order=21)(feed_list)
    registry.command("feed_remove", fr="flux_retirer", summary="feeds.remove_summary", args="feeds.remove_args",
                     access=Access.HOST, section="hosts", order=22)(feed_remove)
    registry.action("feed.rm", access=Access.HOST)(remove_pressed)
    registry.action("feed.keep", access=Access.HOST)(keep_pressed)
    registry.action("feed.dup", access=Access.HOST)(duplicate_pressed)
    registry.holds_personal_data("calendar_feeds", export=export_personal, erase=erase_personal)
