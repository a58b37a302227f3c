"""/venues (/lieux): the network's places; and the paged venue buttons other steps reuse.

A network may hold hundreds of venues (the national open data has 1,500), so lists and pickers
are paged: a button carries only the page number, and the list is re-read on every press.
"""

from __future__ import annotations

from bot.context import Context
from bot.payloads import parse_id
from bot.registry import Registry
from bot.types import Button, Reply
from bot.venues.claims import attribution_needed
from storage.models import Venue
from storage.venues import all_venues

LIST_PAGE = 25  # lines per /venues page: fits a phone screen and Discord's 2,000 characters
PICK_PAGE = 8  # venue buttons per page


def describe(ctx: Context, venue: Venue) -> str:
    """"coworking, Nantes" / "partenaire (université), Nantes"."""
    kind = ctx.t(f"venues.kind.{venue.kind}") if venue.kind in KINDS else venue.kind
    if venue.partner_kind:
        partner = venue.partner_kind.replace(" ", "_")
        kind += f" ({ctx.t(f'venues.partner.{partner}') if partner in PARTNERS else venue.partner_kind})"
    return f"{kind}, {venue.city}" if venue.city else kind


KINDS = ("coworking", "fablab", "tiers-lieu", "partner")
PARTNERS = ("university", "company", "school", "association", "public_body")


def page_of(items: list, page: int, size: int) -> tuple[list, int, int]:
    """(items on `page`, the page actually shown, how many pages), the page clamped to the range."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size:(page + 1) * size], page, pages


def nav_row(ctx: Context, action: str, page: int, pages: int) -> tuple[Button, ...]:
    row = []
    if page > 0:
        row.append(Button(ctx.t("venues.previous"), action, str(page - 1)))
    if page < pages - 1:
        row.append(Button(ctx.t("venues.next"), action, str(page + 1)))
    return tuple(row)


def venue_picker(ctx: Context, venues: list[Venue], pick_action: str, page_action: str,
                 page: int = 0) -> tuple[tuple[Button, ...], ...]:
    """Two venue buttons per row (payload: the venue id), then previous/next when paged."""
    shown, page, pages = page_of(venues, page, PICK_PAGE)
    rows = [tuple(Button(v.name[:60], pick_action, str(v.id)) for v in shown[i:i + 2]) for i in range(0, len(shown), 2)]
    nav = nav_row(ctx, page_action, page, pages)
    return tuple(rows) + ((nav,) if nav else ())


async def venue_from_payload(ctx: Context) -> Venue | None:
    venue_id = parse_id(ctx.args)
    return await ctx.session.get(Venue, venue_id) if venue_id is not None else None


async def list_venues(ctx: Context, page: int = 0, edit: bool = False) -> Reply:
    venues = await all_venues(ctx.session)
    if not venues:
        return Reply(ctx.t("venues.none"))
    shown, page, pages = page_of(venues, page, LIST_PAGE)
    lines = [f"• {v.name} — {describe(ctx, v)}" for v in shown]
    title = ctx.t("venues.title", network=ctx.config.network.name, count=len(venues))
    if pages > 1:
        lines.append(ctx.t("venues.page", page=page + 1, pages=pages))
    if await attribution_needed(ctx.session):  # the open data's licence: cite the source and its date
        lines.append("\n" + ctx.t("venues.attribution"))
    nav = nav_row(ctx, "vlist", page, pages)
    return Reply("\n".join(lines), title=title, buttons=(nav,) if nav else (), edit=edit)


async def venues_command(ctx: Context) -> Reply:
    return await list_venues(ctx)


async def venues_page(ctx: Context) -> Reply:
    page = parse_id(ctx.args)
    if page is None:
        return ctx.expired()
    return await list_venues(ctx, page, edit=True)


async def complete_venues(ctx: Context, prefix: str) -> list[tuple[str, str]]:
    """Autocomplete for a venue argument: (slug, "name — city")."""
    typed = prefix.strip().lower()
    found = [v for v in await all_venues(ctx.session) if typed in v.name.lower() or typed in v.slug]
    return [(v.slug, f"{v.name} — {v.city}" if v.city else v.name) for v in found[:25]]


def register(registry: Registry) -> None:
    registry.command("venues", fr="lieux", summary="venues.summary", section="network", order=20)(venues_command)
    registry.action("vlist")(venues_page)
    registry.completer("venues")(complete_venues)
