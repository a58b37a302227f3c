"""/agenda (/programme), alias /events (/evenements): the network's upcoming events, with filters.

Filters travel in the buttons' payload ("period,venue,tag,near,page", well under 64 bytes), so the
view needs no server-side state: period (a: all, d: today, t: tomorrow, e: this weekend, w: this
week, m: this month, 0-6: the next Monday..Sunday, in the reader's time zone; only the first four
have buttons, the others come from typed words), one venue, one audience tag, "near me" (venues within `events.near_km` of my
home venue, by great-circle distance), and the page. The words typed after /agenda are read by
`agenda_words`; a word it does not understand is said back rather than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.context import Context
from bot.events.announce import rsvp_buttons
from bot.events.geo import haversine_km
from bot.events.queries import ProgrammeFilter, get_event, programme, programme_count, venues_of
from bot.events.render import AUDIENCE_TAGS, audience_label, event_card, format_day, format_span
from bot.events.chat.agenda_words import understand
from bot.events.chat.common import capitalised, reader_zone
from bot.payloads import parse_id, parse_int
from bot.types import Button, Reply
from bot.shorten import shorten
from storage.models import Venue
from storage.venues import all_venues

PERIODS = ("d", "w", "m", "a")  # the period buttons
TYPED_PERIODS = ("t", "e", *(str(day) for day in range(7)))  # named by words only


@dataclass(frozen=True)
class View:
    period: str = "a"
    venue: int | None = None
    tag: str | None = None
    near: bool = False
    page: int = 0

    def encode(self) -> str:
        return f"{self.period},{self.venue or ''},{self.tag or ''},{int(self.near)},{self.page}"

    @classmethod
    def decode(cls, text: str) -> "View":
        parts = text.split(",")
        if len(parts) != 5:
            return cls()
        period, venue, tag, near, page = parts
        return cls(period if period in PERIODS + TYPED_PERIODS else "a", parse_id(venue),
                   tag if tag in AUDIENCE_TAGS else None, near == "1", parse_int(page, 0, 1000) or 0)


def window(period: str, now: datetime, zone: str) -> tuple[datetime, datetime | None]:
    """From now to the end of today / this week (Sunday night) / this month; or one coming day
    (tomorrow, the next Friday...) or this weekend, from its start: in the reader's zone."""
    local = now.astimezone(ZoneInfo(zone))
    if period == "a":
        return now, None
    if period in TYPED_PERIODS:
        first, days = _typed_days(period, local.date())
        start = max(now, datetime.combine(first, time(0), ZoneInfo(zone)))
        return start, datetime.combine(first + timedelta(days=days), time(0), ZoneInfo(zone))
    if period == "d":
        end_day = local.date() + timedelta(days=1)
    elif period == "w":
        end_day = local.date() + timedelta(days=7 - local.weekday())
    else:
        end_day = (local.date().replace(day=28) + timedelta(days=4)).replace(day=1)
    return now, datetime.combine(end_day, time(0), ZoneInfo(zone))


def _typed_days(period: str, today: date) -> tuple[date, int]:
    """The first day and the number of days of a typed period."""
    if period == "t":
        return today + timedelta(days=1), 1
    if period == "e":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7) if today.weekday() < 5 else today
        return saturday, 7 - saturday.weekday()
    return today + timedelta(days=(int(period) - today.weekday()) % 7), 1


def _period_note(ctx: Context, view: View, zone: str) -> str | None:
    """"Demain, ven. 11 déc. :" above a typed day's events, so the reader sees which day was understood."""
    if view.period not in TYPED_PERIODS:
        return None
    local = ctx.now.astimezone(ZoneInfo(zone))
    first, days = _typed_days(view.period, local.date())
    day = format_day(datetime.combine(first, time(12)), ctx.locale, local)
    if view.period == "e":
        return ctx.t("events.agenda.for_weekend", day=day)
    return ctx.t("events.agenda.for_tomorrow" if view.period == "t" else "events.agenda.for_day", day=day)


async def agenda(ctx: Context) -> Reply:
    """/agenda [words]: filters named in the person's words; a word naming nothing is said back,
    with the whole programme (a half-applied filter would look like the answer to the question)."""
    found = understand(ctx.args, await all_venues(ctx.session))
    if found.unknown:
        note = ctx.t("events.agenda.unknown_word", word=" ".join(found.unknown))
        return await render(ctx, View(), notes=[note])
    view = View(period=found.period or "a", venue=found.venue, tag=found.tag, near=found.near)
    return await render(ctx, view)


async def agenda_pressed(ctx: Context) -> Reply:
    reply = await render(ctx, View.decode(ctx.args))
    return replace(reply, edit=True)


async def _near_venues(ctx: Context) -> dict[int, float] | None:
    """Venue id -> km from my home venue, for venues within the radius; None when unknown."""
    if ctx.member is None or ctx.member.home_venue_id is None:
        return None
    home = await ctx.session.get(Venue, ctx.member.home_venue_id)
    if home is None or home.latitude is None or home.longitude is None:
        return None
    found = {}
    for venue in (await ctx.session.execute(select(Venue).where(Venue.latitude.is_not(None)))).scalars():
        km = haversine_km(home.latitude, home.longitude, venue.latitude, venue.longitude)
        if km <= ctx.config.events.near_km:
            found[venue.id] = km
    return found


async def render(ctx: Context, view: View, notes: list[str] | None = None) -> Reply:
    zone = await reader_zone(ctx)
    start, end = window(view.period, ctx.now, zone)
    venue_ids: set[int] | None = {view.venue} if view.venue else None
    notes = list(notes or [])
    period_note = _period_note(ctx, view, zone)
    if period_note:
        notes.append(period_note)
    distances: dict[int, float] = {}
    if view.near:
        near = await _near_venues(ctx)
        if near is None:
            notes.append(ctx.t("events.agenda.near_unknown"))
            view = replace(view, near=False)
        else:
            distances = near
            venue_ids = set(near) if venue_ids is None else venue_ids & set(near)
    spec = ProgrammeFilter(start=start, end=end, venue_ids=frozenset(venue_ids) if venue_ids is not None else None,
                           tag=view.tag)
    size = ctx.config.events.agenda_page_size
    total = await programme_count(ctx.session, spec)
    pages = max(1, -(-total // size))
    view = replace(view, page=min(view.page, pages - 1))
    events = await programme(ctx.session, spec, limit=size, offset=view.page * size)
    hosts = await venues_of(ctx.session, [e.id for e in events])
    lines = list(notes)
    rows: list[tuple[Button, ...]] = []
    for number, event in enumerate(events, start=view.page * size + 1):
        venues = hosts.get(event.id, [])
        where = ", ".join(v.name for v in venues)
        km = min((distances[v.id] for v in venues if v.id in distances), default=None)
        if km is not None:
            where += " · " + ctx.t("events.agenda.km", km=f"{km:.0f}")
        lines.append(f"{number}. {format_span(event, zone, ctx.t, ctx.now)} — {event.title}\n    {where}")
        rows.append((Button(shorten(f"{number}. {event.title}", 48), "ev.show", str(event.id)),))
    if not events:
        filtered = replace(view, page=0) != View()
        lines.append(ctx.t("events.agenda.empty" if filtered else "events.agenda.empty_all"))
    nav = []
    if view.page > 0:
        nav.append(Button("◀", "ag", replace(view, page=view.page - 1).encode()))
    if view.page + 1 < pages:
        nav.append(Button("▶", "ag", replace(view, page=view.page + 1).encode()))
    if nav:
        rows.append(tuple(nav))
    rows.append(tuple(Button(("✓ " if view.period == p else "") + ctx.t(f"events.agenda.period.{p}"), "ag",
                             replace(view, period=p, page=0).encode()) for p in PERIODS))
    rows.append((Button(ctx.t("events.agenda.venue_button"), "ag.v", view.encode()),
                 Button(ctx.t("events.agenda.tag_button"), "ag.t", view.encode()),
                 Button(("✓ " if view.near else "") + ctx.t("events.agenda.near_button"), "ag",
                        replace(view, near=not view.near, page=0).encode())))
    venue = await ctx.session.get(Venue, view.venue) if view.venue else None
    if venue is not None:
        title = ctx.t("events.agenda.title_venue", venue=venue.name, page=view.page + 1, pages=pages)
    else:
        title = ctx.t("events.agenda.title", network=ctx.config.network.name, page=view.page + 1, pages=pages)
    return Reply("\n".join(lines), title=title, buttons=tuple(rows))


async def venue_picker(ctx: Context) -> Reply:
    view = View.decode(ctx.args)
    rows = [(Button(ctx.t("events.agenda.all_venues"), "ag", replace(view, venue=None, page=0).encode()),)]
    for venue in (await all_venues(ctx.session))[:20]:
        mark = "✓ " if view.venue == venue.id else ""
        rows.append((Button(mark + venue.name, "ag", replace(view, venue=venue.id, page=0).encode()),))
    return Reply(ctx.t("events.agenda.pick_venue"), buttons=tuple(rows), edit=True)


async def tag_picker(ctx: Context) -> Reply:
    view = View.decode(ctx.args)
    rows = [(Button(ctx.t("events.agenda.all_tags"), "ag", replace(view, tag=None, page=0).encode()),)]
    for tag in AUDIENCE_TAGS:
        mark = "✓ " if view.tag == tag else ""
        label = capitalised(audience_label(tag, ctx.t))
        rows.append((Button(mark + label, "ag", replace(view, tag=tag, page=0).encode()),))
    return Reply(ctx.t("events.agenda.pick_tag"), buttons=tuple(rows), edit=True)


async def show_event(ctx: Context) -> Reply:
    event = await get_event(ctx.session, ctx.args)
    if event is None or event.status == "draft":
        return Reply(ctx.t("events.manage.unknown"))
    venues = (await venues_of(ctx.session, [event.id])).get(event.id, [])
    zone = await reader_zone(ctx)
    buttons = rsvp_buttons(event, ctx.t) if event.status == "published" and event.starts_at > ctx.now else ()
    return Reply(event_card(event, venues, zone, ctx.t, ctx.now), title=event.title, buttons=buttons)
