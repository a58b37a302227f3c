"""/venue_stats (/stats_lieu) [venue]: a host's figures for a venue they host (animators: any).

With several venues and no argument, buttons to choose; the press re-checks the right to host."""

from __future__ import annotations

from bot.context import Context
from bot.hosts.stats import venue_figures
from bot.payloads import parse_id
from bot.registry import Access, Registry
from bot.types import Button, Reply
from storage.models import Venue
from storage.venues import venue_by_slug


async def _figures(ctx: Context, venue: Venue, *, edit: bool = False) -> Reply:
    figures = await venue_figures(ctx.session, venue.id, ctx.now)
    return Reply(figures.render(venue.name, ctx.t), title=ctx.t("hosts.stats.title", venue=venue.name),
                 private=True, edit=edit)


async def venue_stats(ctx: Context) -> Reply:
    venues = await ctx.hostable_venues()
    if ctx.args.strip():
        venue = await venue_by_slug(ctx.session, ctx.args.strip().lower())
        if venue is None or venue not in venues:
            return Reply(ctx.t("hosts.stats.which", venues=", ".join(v.slug for v in venues)), private=True)
        return await _figures(ctx, venue)
    if len(venues) == 1:
        return await _figures(ctx, venues[0])
    buttons = tuple((Button(v.name, "vstats", str(v.id)),) for v in venues[:20])
    return Reply(ctx.t("hosts.stats.choose"), buttons=buttons, private=True)


async def venue_stats_pressed(ctx: Context) -> Reply:
    venue_id = parse_id(ctx.args)
    venue = await ctx.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or not await ctx.can_host(venue.id):
        return ctx.expired(private=True)
    return await _figures(ctx, venue, edit=True)


def register(registry: Registry) -> None:
    registry.command("venue_stats", fr="stats_lieu", summary="hosts.stats.summary", args="hosts.stats.args",
                     access=Access.HOST, section="hosts", order=20)(venue_stats)
    registry.action("vstats", access=Access.HOST)(venue_stats_pressed)
