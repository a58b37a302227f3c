"""/claim_venue (/revendiquer_lieu) CODE: a host takes on an imported venue; /venue_edit
(/modifier_lieu) [SLUG] FIELD VALUE: a host corrects the venue's card."""

from __future__ import annotations

from bot.context import Context
from bot.registry import Access, Registry, Where
from bot.types import Reply
from bot.venues import claims
from bot.venues.hours_wording import describe
from storage.models import Venue


async def claim_venue(ctx: Context) -> Reply:
    code = ctx.args.split()[0] if ctx.args else ""
    if not code:
        return Reply(ctx.t("venues.claim.usage"))
    assert ctx.member is not None  # Access.MEMBER
    venue = await claims.claim(ctx.session, ctx.member.id, code, ctx.now)
    if venue is None:
        return Reply(ctx.t("venues.claim.bad_code"))
    ctx.extra.pop("hosted", None)  # the roles just changed
    return Reply(ctx.t("venues.claim.done", venue=venue.name, edit="/modifier_lieu" if ctx.locale == "fr"
                       else "/venue_edit"))


def _card(ctx: Context, venue: Venue) -> str:
    return ctx.t("venues.edit.card", slug=venue.slug, name=venue.name, city=venue.city or "—",
                 website=venue.website or "—", description=venue.description or "—",
                 hours=describe(venue.hours, ctx.t) or "—")


async def venue_edit(ctx: Context) -> Reply:
    venues = await ctx.hostable_venues()  # a host's venues; every venue for an animator
    if not venues:
        return Reply(ctx.t("venues.edit.not_host"))
    args = (ctx.args or "").strip()
    first, _, rest = args.partition(" ")
    venue = next((v for v in venues if v.slug == first.lower()), None)
    if venue is not None:
        args = rest.strip()
    else:
        hosted = [v for v in venues if v.id in await ctx.hosted_venue_ids()] or venues
        if len(hosted) != 1:
            return Reply(ctx.t("venues.edit.which", slugs=", ".join(v.slug for v in hosted[:20])))
        venue = hosted[0]
    word, _, value = args.partition(" ")
    if not word:
        return Reply(_card(ctx, venue) + "\n\n" + ctx.t("venues.edit.usage", slug=venue.slug), title=venue.name)
    field = claims.FIELDS.get(word.lower())
    if field is None:
        return Reply(ctx.t("venues.edit.unknown_field", field=claims.clean(word)[:30]))
    value = claims.clean(value)
    problem = claims.edit_problem(field, value)
    if problem is not None:
        return Reply(ctx.t(problem, limit=claims.MAX_LENGTHS[field]))
    await claims.apply_edit(ctx.session, venue, field, value, ctx.now)
    return Reply(ctx.t("venues.edit.done") + "\n\n" + _card(ctx, venue), title=venue.name)


def register(registry: Registry) -> None:
    registry.command("claim_venue", fr="revendiquer_lieu", summary="venues.claim.summary", args="venues.claim.args",
                     access=Access.MEMBER, where=Where.PRIVATE, section="hosts", order=60)(claim_venue)
    registry.command("venue_edit", fr="modifier_lieu", summary="venues.edit.summary", args="venues.edit.args",
                     access=Access.HOST, where=Where.PRIVATE, section="hosts", order=61)(venue_edit)
