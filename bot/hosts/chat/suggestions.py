"""/suggestions [venue]: collaboration ideas for a host's venue, each with one button to propose a
co-hosted event to the other venue's hosts; and the buttons of that double opt-in.

Every press re-checks: the presser hosts the venue, the suggestion still stands (recomputed, so a
forged payload proposes nothing), the proposal is still pending and addressed to the presser's venue.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.events.chat.create import preview
from bot.events.chat.draft import FLOW as EVENT_FLOW, Draft
from bot.events.render import format_day
from bot.hosts.cohost import draft_start, propose, settle
from bot.hosts.stats import shown
from bot.hosts.suggestions import Suggestion, suggestions_for
from bot.i18n import LOCALES, Translator
from bot.payloads import parse_id
from bot.registry import Access, Registry, Where
from bot.types import Button, Reply
from storage.models import Skill, Venue
from storage.models.events import Event, EventVenue
from storage.models.hosts_partners import ACCEPTED, PENDING, CohostProposal
from storage.venues import venue_by_slug


async def _labels(session: AsyncSession, skill_ids: tuple[int, ...], t: Translator) -> str:
    rows = (await session.execute(select(Skill).where(Skill.id.in_(skill_ids)).order_by(Skill.label_fr))).scalars()
    return ", ".join(s.label_en if t.locale == "en" else s.label_fr for s in rows)


async def describe(session: AsyncSession, suggestion: Suggestion, t: Translator) -> str:
    """The suggestion in one sentence, in `t`'s language (the other venue's hosts may read another)."""
    other = await session.get(Venue, suggestion.other_id)
    name = other.name if other else "?"
    if suggestion.kind == "need_offer":
        return t("hosts.suggest.need_offer", needing=shown(suggestion.needing, t),
                 skill=await _labels(session, suggestion.skill_ids, t), other=name, offering=shown(suggestion.offering, t))
    if suggestion.kind == "complement":
        return t("hosts.suggest.complement", other=name, skills=await _labels(session, suggestion.skill_ids, t))
    mine = await session.get(Event, suggestion.event_id)
    theirs = await session.get(Event, suggestion.other_event_id)
    day = format_day(mine.starts_at.astimezone(ZoneInfo(mine.timezone)), t.locale) if mine else ""
    return t("hosts.suggest.same_evening", mine=mine.title if mine else "?",
             theirs=theirs.title if theirs else "?", other=name, day=day)


async def _show(ctx: Context, venue: Venue, *, edit: bool = False) -> list[Reply]:
    found = await suggestions_for(ctx.session, ctx.config, venue, ctx.now)
    if not found:
        return [Reply(ctx.t("hosts.suggest.none", venue=venue.name), private=True, edit=edit)]
    replies = [Reply(ctx.t("hosts.suggest.head", venue=venue.name), private=True, edit=edit)]
    keys = set((await ctx.session.execute(select(CohostProposal.key).where(
        CohostProposal.key.in_([s.key for s in found])))).scalars())
    for suggestion in found:
        text = await describe(ctx.session, suggestion, ctx.t)
        if suggestion.key in keys:
            replies.append(Reply(text + "\n" + ctx.t("hosts.suggest.proposed_already"), private=True))
            continue
        button = Button(ctx.t("hosts.suggest.propose"), "cohost.pr", suggestion.payload)
        replies.append(Reply(text, buttons=((button,),), private=True))
    return replies


async def suggestions(ctx: Context) -> list[Reply] | Reply:
    venues = await ctx.hostable_venues()
    if ctx.args.strip():
        venue = await venue_by_slug(ctx.session, ctx.args.strip().lower())
        if venue is None or venue not in venues:
            return Reply(ctx.t("hosts.suggest.which", venues=", ".join(v.slug for v in venues)), private=True)
        return await _show(ctx, venue)
    if len(venues) == 1:
        return await _show(ctx, venues[0])
    buttons = tuple((Button(v.name, "sugg.v", str(v.id)),) for v in venues[:20])
    return Reply(ctx.t("hosts.suggest.choose"), buttons=buttons, private=True)


async def venue_pressed(ctx: Context) -> list[Reply] | Reply:
    venue_id = parse_id(ctx.args)
    venue = await ctx.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or not await ctx.can_host(venue.id):
        return ctx.expired(private=True)
    return await _show(ctx, venue, edit=True)


async def propose_pressed(ctx: Context) -> Reply:
    parts = ctx.args.split(":")
    venue_id = parse_id(parts[1]) if len(parts) == 4 else None
    venue = await ctx.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or ctx.member is None or not await ctx.can_host(venue.id):
        return ctx.expired(private=True)
    current = [s for s in await suggestions_for(ctx.session, ctx.config, venue, ctx.now) if s.payload == ctx.args]
    if not current:
        return ctx.expired(private=True)
    suggestion = current[0]
    other = await ctx.session.get(Venue, suggestion.other_id)
    if (await ctx.session.execute(select(CohostProposal.id).where(CohostProposal.key == suggestion.key))).first():
        return Reply(ctx.t("hosts.suggest.proposed_already"), private=True)
    about = {locale: await describe(ctx.session, suggestion, Translator(locale)) for locale in LOCALES}
    proposal = await propose(ctx.session, ctx.config, suggestion, ctx.member, about, ctx.now)
    if proposal is None:
        return Reply(ctx.t("hosts.cohost.no_host", venue=other.name), private=True)
    return Reply(ctx.t("hosts.cohost.sent", venue=other.name), edit=True, private=True)


async def _pending_for(ctx: Context) -> CohostProposal | None:
    proposal_id = parse_id(ctx.args)
    proposal = await ctx.session.get(CohostProposal, proposal_id) if proposal_id is not None else None
    if proposal is None or ctx.member is None or proposal.status != PENDING:
        return None
    if proposal.proposer_id == ctx.member.id or proposal.to_venue_id not in await ctx.hosted_venue_ids():
        return None
    return proposal


async def _reopenable(ctx: Context) -> CohostProposal | None:
    """An accepted proposal its responder presses Accept on again: the draft is opened anew (the
    conversation may have timed out or been left before publishing)."""
    proposal_id = parse_id(ctx.args)
    proposal = await ctx.session.get(CohostProposal, proposal_id) if proposal_id is not None else None
    if (proposal is None or ctx.member is None or proposal.status != ACCEPTED or proposal.responder_id != ctx.member.id
            or proposal.to_venue_id not in await ctx.hosted_venue_ids()):
        return None
    # Once published with both venues, there is nothing left to reopen.
    both = [select(EventVenue.event_id).where(EventVenue.venue_id == v)
            for v in (proposal.to_venue_id, proposal.from_venue_id)]
    published = (await ctx.session.execute(select(Event.id).where(
        Event.status == "published", Event.id.in_(both[0]), Event.id.in_(both[1]),
        Event.created_at >= proposal.responded_at).limit(1))).first()
    return None if published else proposal


async def accept_pressed(ctx: Context) -> list[Reply] | Reply:
    proposal = await _pending_for(ctx)
    if proposal is None:
        proposal = await _reopenable(ctx)
        if proposal is None:
            return ctx.expired(private=True)
    else:
        await settle(ctx.session, ctx.config, proposal, ctx.member, True, ctx.now)
    venue = await ctx.session.get(Venue, proposal.to_venue_id)
    start = draft_start(proposal, venue.timezone, ctx.now)
    draft = Draft(title=proposal.title, zone=venue.timezone, venues=[proposal.to_venue_id, proposal.from_venue_id])
    draft.set_times(start, start + timedelta(minutes=ctx.config.events.default_duration_minutes))
    # The /event conversation, opened on the draft: edit any field, then publish with both venues.
    await ctx.start_flow(EVENT_FLOW, "preview", draft.dump())
    return [Reply(ctx.t("hosts.cohost.accepted"), edit=True), await preview(ctx, draft)]


async def decline_pressed(ctx: Context) -> Reply:
    proposal = await _pending_for(ctx)
    if proposal is None:
        return ctx.expired(private=True)
    await settle(ctx.session, ctx.config, proposal, ctx.member, False, ctx.now)
    return Reply(ctx.t("hosts.cohost.declined"), edit=True, private=True)


def register(registry: Registry) -> None:
    registry.command("suggestions", fr="suggestions", summary="hosts.suggest.summary", args="hosts.stats.args",
                     access=Access.HOST, where=Where.PRIVATE, section="hosts", order=21)(suggestions)
    registry.action("sugg.v", access=Access.HOST)(venue_pressed)
    registry.action("cohost.pr", access=Access.HOST)(propose_pressed)
    registry.action("cohost.acc", access=Access.HOST)(accept_pressed)
    registry.action("cohost.dec", access=Access.HOST)(decline_pressed)
