"""Where an introduction could meet: the network venue that suits everyone in it, maybe at an event.

Only for pairs who may meet in person (nobody in it asked for video only). From the members' home
venues' coordinates, the venue chosen minimises the longer trip (tie: the total, then the venue id);
a venue hosting an upcoming event they could attend together (published, room for both, open to
everyone rather than to one audience, within `EVENT_HORIZON`, after the answer window) wins when its longer trip is at most a short detour
longer. Without coordinates for someone, one of their own venues is suggested, with no distance.
Members who said "either" and live far apart (`MAX_EITHER_TRIP_KM`) are better off by video.
A venue marked closed, or whose known hours open it on no day of the fortnight, is never suggested
(`unavailable`); unknown hours count as open.

A round reads everything once (`load`: venues, then upcoming events per venue in one query) and
precomputes the venue x venue distances; each introduction is then a few array operations, and
introductions sharing their home venues share one answer (a cache): a 10,000-member round stays
cheap. The chosen venue and event are stored on the introduction; `stored` reads them back for the
reveal. "By video" stores no venue: `by_video` decides it again for the reveal, as the proposal did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.geo import haversine_km
from bot.venues.hours import HoursError
from bot.venues.hours_reading import parse as parse_hours
from storage.models import Venue
from storage.models.matchmaking import IntroPreferences
from storage.models.events import Event, EventVenue

IN_PERSON, VIDEO, EITHER = "in_person", "video", "either"
EVENT_HORIZON = timedelta(days=14)
EVENT_DETOUR_KM = 10.0  # an event's venue may lengthen the longer trip by this much...
EVENT_DETOUR_SHARE = 0.25  # ...or by this share of it, whichever is more
MAX_EITHER_TRIP_KM = 80.0  # further than this, members who said "either" are better off by video
ROOM_FOR = 2  # an event they could both attend has room for both
NOT_A_MEETING_PLACE = ("partner",)  # partner organisations are no place to meet (unless one's own)


@dataclass(frozen=True)
class EventInfo:
    id: int
    title: str
    starts_at: datetime
    timezone: str


@dataclass(frozen=True)
class Place:
    """How an introduction could meet: by video, or in person at `venue_id` (maybe at `event`).

    `km` is each member's trip from their home venue, in the introduction's member order (None
    when a coordinate is missing). An in-person Place with no venue means nowhere is known.
    """

    mode: str  # in_person | video
    venue_id: int | None = None
    event: EventInfo | None = None
    km: tuple[float | None, ...] = ()


def group_mode(modes: Sequence[str]) -> str:
    """The mode of an introduction: video when anyone asked for it (candidates never pair it with in
    person only), in person when anyone asked for that, else either."""
    if VIDEO in modes:
        return VIDEO
    return IN_PERSON if IN_PERSON in modes else EITHER


@dataclass
class Places:
    """One round's venues, distances and upcoming events, and the choice for each group."""

    venue_ids: list[int]  # venues with coordinates, the rows and columns of `km`
    km: np.ndarray  # venue x venue distances in km
    meeting_ok: np.ndarray  # per row: may be suggested to people from other venues
    events: dict[int, list[EventInfo]] = field(default_factory=dict)  # venue id -> upcoming, soonest first
    unavailable: frozenset[int] = frozenset()  # venue ids closed, or open on no day of the fortnight
    _row: dict[int, int] = field(default_factory=dict)
    _hosting: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per row: has an event
    _open: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per row: not `unavailable`
    _cache: dict[tuple, tuple[int | None, EventInfo | None, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._row = {venue_id: k for k, venue_id in enumerate(self.venue_ids)}
        self._hosting = np.array([bool(self.events.get(v)) for v in self.venue_ids], dtype=bool)
        self._open = np.array([v not in self.unavailable for v in self.venue_ids], dtype=bool)

    def distance(self, a: int | None, b: int | None) -> float | None:
        ra, rb = self._row.get(a), self._row.get(b)  # type: ignore[arg-type]
        return None if ra is None or rb is None else float(self.km[ra, rb])

    def choose(self, homes: Sequence[int | None], modes: Sequence[str]) -> Place:
        """The Place of a group whose members come from `homes` and chose `modes` (same order)."""
        mode = group_mode(modes)
        if mode == VIDEO:
            return Place(VIDEO)
        key = (tuple(homes), mode)
        if key not in self._cache:
            self._cache[key] = self._choose(list(homes), mode)
        venue_id, event, video = self._cache[key]
        if video:
            return Place(VIDEO)
        return Place(IN_PERSON, venue_id, event, tuple(self.distance(h, venue_id) for h in homes))

    def _choose(self, homes: list[int | None], mode: str) -> tuple[int | None, EventInfo | None, bool]:
        rows = [self._row.get(h) for h in homes] if homes else [None]
        if any(r is None for r in rows):
            return self._own_venue(homes)
        trips = self.km[rows]  # (members, venues)
        longest, total = trips.max(axis=0), trips.sum(axis=0)
        own = np.zeros(len(self.venue_ids), dtype=bool)
        own[rows] = True
        order = np.lexsort((np.arange(len(longest)), total, longest))  # by longer trip, total, id
        order = order[((self.meeting_ok | own) & self._open)[order]]
        if not len(order):  # every venue they could use is closed: by video if they said either
            return None, None, mode == EITHER
        best = int(order[0])
        if mode == EITHER and longest[best] > MAX_EITHER_TRIP_KM:
            return None, None, True
        detour = longest[best] + max(EVENT_DETOUR_KM, EVENT_DETOUR_SHARE * longest[best])
        hosts = order[(longest[order] <= detour) & self._hosting[order]]
        if len(hosts):
            venue_id = self.venue_ids[int(hosts[0])]
            return venue_id, self.events[venue_id][0], False
        return self.venue_ids[best], None, False

    def _own_venue(self, homes: list[int | None]) -> tuple[int | None, EventInfo | None, bool]:
        """Someone's coordinates are missing: one of their own venues, the first with an event."""
        own = list(dict.fromkeys(h for h in homes if h is not None and h not in self.unavailable))
        for venue_id in own:
            if self.events.get(venue_id):
                return venue_id, self.events[venue_id][0], False
        return (own[0] if own else None), None, False


def distances(coordinates: Sequence[tuple[float, float]]) -> np.ndarray:
    """The symmetric matrix of distances between places, with the one haversine of `bot.geo`."""
    n = len(coordinates)
    km = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            km[a, b] = km[b, a] = haversine_km(*coordinates[a], *coordinates[b])
    return km


def open_to_both(capacity: int | None, going: int, audience: list | None) -> bool:
    """Room for two more, and meant for everyone (an event for students or families may not suit them)."""
    return (capacity is None or capacity - going >= ROOM_FOR) and (not audience or "everyone" in audience)


def upcoming(rows, earliest: datetime, until: datetime) -> dict[int, list[EventInfo]]:
    """(venue id, event id, title, starts_at, zone, capacity, going, audience) rows -> events per
    venue that both could attend, soonest first."""
    found: dict[int, list[EventInfo]] = {}
    soonest = sorted(rows, key=lambda row: (row[3], row[1]))  # by start, then id
    for venue_id, event_id, title, starts_at, zone, capacity, going, audience in soonest:
        if earliest <= starts_at <= until and open_to_both(capacity, going, audience):
            found.setdefault(venue_id, []).append(EventInfo(event_id, title, starts_at, zone or "Europe/Paris"))
    return found


def unavailable(rows, earliest: datetime) -> frozenset[int]:
    """(venue id, hours, zone) rows -> the venues not to suggest: closed, or open on no day of the
    `EVENT_HORIZON` from `earliest` (in the venue's time zone). Unreadable hours count as unknown."""
    found = set()
    for venue_id, text, zone in rows:
        try:
            hours = parse_hours(text)
        except HoursError:
            continue
        first = earliest.astimezone(ZoneInfo(zone or "Europe/Paris")).date()
        if not hours.open_within(first, EVENT_HORIZON.days):
            found.add(venue_id)
    return frozenset(found)


async def load(session: AsyncSession, earliest: datetime, until: datetime) -> Places:
    """Venues (with their hours: a venue without coordinates may still be someone's own, and closed),
    and the events they host between `earliest` and `until` that both could attend: two queries."""
    every = list(await session.execute(select(Venue.id, Venue.latitude, Venue.longitude, Venue.kind, Venue.hours,
                                              Venue.timezone).order_by(Venue.id)))
    venues = [v for v in every if v.latitude is not None and v.longitude is not None]
    rows = await session.execute(
        select(EventVenue.venue_id, Event.id, Event.title, Event.starts_at, Event.timezone, Event.capacity,
               Event.going_count, Event.audience)
        .join(Event, Event.id == EventVenue.event_id)
        .where(Event.status == "published", Event.starts_at >= earliest, Event.starts_at <= until,
               or_(Event.capacity.is_(None), Event.going_count < Event.capacity)))
    hours = [(v.id, v.hours, v.timezone) for v in every if v.hours is not None]
    return Places([v.id for v in venues], distances([(v.latitude, v.longitude) for v in venues]),
                  np.array([v.kind not in NOT_A_MEETING_PLACE for v in venues], dtype=bool),
                  upcoming(list(rows), earliest, until), unavailable(hours, earliest))


async def stored(session: AsyncSession, venue_id: int | None, event_id: int | None, homes: Sequence[int | None],
                 now: datetime) -> Place | None:
    """The place stored on an introduction, for its reveal: distances again, the event if still on."""
    if venue_id is None:
        return None
    wanted = {venue_id, *(h for h in homes if h is not None)}
    coordinates = {v.id: (v.latitude, v.longitude) for v in await session.execute(
        select(Venue.id, Venue.latitude, Venue.longitude).where(Venue.id.in_(wanted)))
        if v.latitude is not None and v.longitude is not None}
    event = None
    if event_id is not None:
        found = await session.get(Event, event_id)
        if found is not None and found.status == "published" and found.starts_at > now:
            event = EventInfo(found.id, found.title, found.starts_at, found.timezone or "Europe/Paris")
    here = coordinates.get(venue_id)
    km = tuple(haversine_km(*coordinates[h], *here) if here and h in coordinates else None for h in homes)
    return Place(IN_PERSON, venue_id, event, km)


async def by_video(session: AsyncSession, homes: Sequence[int | None], member_ids: Sequence[int | None],
                   now: datetime) -> bool:
    """Whether an introduction with no stored venue was proposed by video: decided again from its
    members' home venues and meeting modes, as `choose` decided it (no event plays a part in that)."""
    wanted = [m for m in member_ids if m is not None]
    modes = dict((await session.execute(select(IntroPreferences.member_id, IntroPreferences.meet_mode)
                                         .where(IntroPreferences.member_id.in_(wanted)))).all()) if wanted else {}
    chosen = [modes.get(m, EITHER) if m is not None else EITHER for m in member_ids]
    if group_mode(chosen) == VIDEO:
        return True
    return (await load(session, now, now)).choose(homes, chosen).mode == VIDEO  # events never decide it
