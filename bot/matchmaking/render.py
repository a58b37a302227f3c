"""Turning reasons (codes with member, venue and skill ids) into sentences, in the reader's language.

Two voices: `why_for` speaks to one member about their partner ("Ana is looking for "3D printing",
which you offer; you both like "woodworking""), `reason_texts` describes a pair to animators
(previews, the dry-run JSON). Names are read once per batch (`load_names`) and passed in, so a
renderer is a plain function of a Translator: what `notify_member` needs. `place_text` says where
an introduction could meet (see `meeting_place`): the venue with its opening hours when known, the
reader's own trip first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events.render import format_when
from bot.matchmaking.meeting_place import VIDEO, Place
from bot.members.contacts import ContactPart
from bot.i18n import Translator
from bot.phrases import spoken_list
from bot.text import name_key
from bot.venues.hours_wording import describe as describe_hours
from storage.models import Member, Skill, Venue

MAX_SKILLS_SHOWN = 3


@dataclass
class Names:
    """Display names of the members, venues and skills some reasons mention."""

    members: dict[int, str] = field(default_factory=dict)
    venues: dict[int, str] = field(default_factory=dict)
    venue_slugs: dict[int, str] = field(default_factory=dict)
    venue_hours: dict[int, str] = field(default_factory=dict)  # venues with known hours, OSM form
    skills: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (fr, en)

    def member(self, member_id: Any, t: Translator) -> str:
        return self.members.get(member_id) or t("matchmaking.someone")

    def venue(self, venue_id: Any, t: Translator) -> str:
        return self.venues.get(venue_id) or t("matchmaking.no_venue")

    def skill_list(self, ids: Iterable[int], t: Translator) -> str:
        labels = []
        for skill_id in list(ids)[:MAX_SKILLS_SHOWN]:
            fr, en = self.skills.get(skill_id, ("?", "?"))
            labels.append(t("matchmaking.quoted", text=en if t.locale == "en" else fr))
        return spoken_list(labels, t)  # said in a sentence: "« A » et « B »"


def mentioned(reasons: Iterable[Mapping[str, Any]]) -> tuple[set[int], set[int], set[int]]:
    """Member, venue and skill ids that stored reasons mention."""
    members: set[int] = set()
    venues: set[int] = set()
    skills: set[int] = set()
    for reason in reasons:
        params = reason.get("params", {})
        for key in ("needer", "offerer"):
            if params.get(key) is not None:
                members.add(params[key])
        members.update(params.get("members", []))
        venues.update(v for v in params.get("venues", []) if v is not None)
        if params.get("venue") is not None:
            venues.add(params["venue"])
        skills.update(params.get("skills", []))
    return members, venues, skills


async def load_names(session: AsyncSession, reasons: Iterable[Mapping[str, Any]], member_ids: Iterable[int] = (),
                     venue_ids: Iterable[int] = ()) -> Names:
    reasons = list(reasons)
    members, venues, skills = mentioned(reasons)
    members.update(m for m in member_ids if m is not None)
    venues.update(v for v in venue_ids if v is not None)
    names = Names()
    if members:
        names.members = dict((await session.execute(
            select(Member.id, Member.display_name).where(Member.id.in_(members)))).all())
    if venues:
        for venue_id, name, slug, hours in await session.execute(
                select(Venue.id, Venue.name, Venue.slug, Venue.hours).where(Venue.id.in_(venues))):
            names.venues[venue_id], names.venue_slugs[venue_id] = name, slug
            if hours:
                names.venue_hours[venue_id] = hours
    if skills:
        names.skills = {skill_id: (fr, en) for skill_id, fr, en in await session.execute(
            select(Skill.id, Skill.label_fr, Skill.label_en).where(Skill.id.in_(skills)))}
    return names


def as_stored(reasons: Sequence[Any]) -> list[dict[str, Any]]:
    """Engine `Reason`s as JSON-ready dicts (lists instead of tuples, plain floats)."""
    return [{"code": reason.code, "params": {k: list(v) if isinstance(v, (tuple, list, frozenset, set)) else v
                                             for k, v in dict(reason.params).items()}}
            for reason in reasons]


# -- to animators ---------------------------------------------------------------------------------

def reason_texts(reasons: Iterable[Mapping[str, Any]], names: Names, t: Translator) -> list[str]:
    texts = []
    for reason in reasons:
        code, p = reason["code"], reason.get("params", {})
        if code == "need_offer":
            texts.append(t("matchmaking.reason.need_offer", needer=names.member(p.get("needer"), t),
                           offerer=names.member(p.get("offerer"), t), skills=names.skill_list(p.get("skills", []), t)))
        elif code == "shared_interest":
            a, b = (list(p.get("members", [])) + [None, None])[:2]
            texts.append(t("matchmaking.reason.shared_interest", a=names.member(a, t), b=names.member(b, t),
                           skills=names.skill_list(p.get("skills", []), t)))
        elif code == "cross_venue":
            va, vb = (list(p.get("venues", [])) + [None, None])[:2]
            km = p.get("distance_km")
            key = "matchmaking.reason.cross_venue_km" if km is not None else "matchmaking.reason.cross_venue"
            texts.append(t(key, a=names.venue(va, t), b=names.venue(vb, t), count=int(p.get("recent", 0)),
                           km=round(km or 0)))
        elif code == "same_venue":
            texts.append(t("matchmaking.reason.same_venue", venue=names.venue(p.get("venue"), t)))
        elif code == "repeat":
            texts.append(t("matchmaking.reason.repeat", count=int(p.get("rounds_ago", 0))))
    return texts


# -- to the members themselves --------------------------------------------------------------------

def who(partners: Sequence[tuple[int, int | None]], names: Names, t: Translator) -> str:
    """ "Ana (La Fabrique)" or "Ana (La Fabrique) and Hugo (Le Hangar)"."""
    parts = [t("matchmaking.who", name=names.member(m, t), venue=names.venue(v, t)) for m, v in partners]
    return spoken_list(parts, t)


def why_for(viewer: int, partners: Sequence[int], reasons: Iterable[Mapping[str, Any]], names: Names,
            t: Translator) -> str:
    """Why `viewer` should meet `partners`, addressed to the viewer."""
    parts: list[str] = []
    for reason in reasons:
        code, p = reason["code"], reason.get("params", {})
        if code == "need_offer" and p.get("offerer") == viewer and p.get("needer") in partners:
            parts.append(t("matchmaking.why.they_need", name=names.member(p["needer"], t),
                           skills=names.skill_list(p.get("skills", []), t)))
        elif code == "need_offer" and p.get("needer") == viewer and p.get("offerer") in partners:
            parts.append(t("matchmaking.why.they_offer", name=names.member(p["offerer"], t),
                           skills=names.skill_list(p.get("skills", []), t)))
        elif code == "shared_interest" and viewer in p.get("members", []):
            other = next((m for m in p["members"] if m != viewer), None)
            key = "matchmaking.why.shared" if len(partners) == 1 else "matchmaking.why.shared_with"
            parts.append(t(key, name=names.member(other, t), skills=names.skill_list(p.get("skills", []), t)))
    if not parts:
        parts.append(t("matchmaking.why.network"))
    text = t("matchmaking.why.join").join(parts)
    return text[:1].upper() + text[1:]


def contact_text(part: ContactPart, t: Translator) -> str:
    """One account as a line: "Telegram: @ana", a tg:// link when there is no @username."""
    if part.platform == "telegram" and not part.handle:
        return t("matchmaking.contact.link", platform=part.platform_name, name=part.display_name,
                 link=f"tg://user?id={part.user_id}")
    if part.handle:
        handle = "@" + part.handle.lstrip("@") if part.platform == "telegram" else part.handle
        return t("matchmaking.contact.handle", platform=part.platform_name, handle=handle)
    return t("matchmaking.contact.user_id", platform=part.platform_name, name=part.display_name, user_id=part.user_id)


def contact_block(parts: Sequence[ContactPart], t: Translator) -> str:
    return "\n".join(contact_text(part, t) for part in parts) if parts else t("matchmaking.contact.none")


@dataclass(frozen=True)
class UpcomingEvent:
    title: str
    starts_at: datetime
    timezone: str
    venue: str

    def text(self, t: Translator) -> str:
        local = self.starts_at.astimezone(ZoneInfo(self.timezone))
        return t("matchmaking.reveal.event", title=self.title, venue=self.venue, when=local.strftime("%d/%m %H:%M"))


# -- where to meet --------------------------------------------------------------------------------

def trips_text(place: Place, viewer: int | None, members: Sequence[int | None], names: Names, t: Translator) -> str:
    """ "12 km pour toi, 9 km pour Ana": the viewer first, then the others; unknown trips left out."""
    trips = list(zip(members, place.km))
    if trips and all(km is not None and km < 0.5 for _, km in trips):
        return t("matchmaking.meet.all_on_site")  # not "sur place pour toi, sur place pour Victor"
    trips.sort(key=lambda trip: trip[0] != viewer)  # stable: the others keep their order
    parts = []
    for member_id, km in trips:
        if km is None:
            continue
        distance = t("matchmaking.meet.on_site") if km < 0.5 else t("matchmaking.meet.km", km=round(km))
        parts.append(t("matchmaking.meet.for_you", distance=distance) if member_id == viewer
                     else t("matchmaking.meet.for_other", distance=distance, name=names.member(member_id, t)))
    return ", ".join(parts)


# Venue names that begin with a common noun take the article in French: "à l'École de la 2e chance".
ELIDED_NOUNS = frozenset({"ecole", "atelier", "ateliers", "espace", "usine", "universite", "institut", "auberge",
                          "hotel", "entrepot", "abri", "annexe", "ilot", "observatoire", "orangerie", "ancienne",
                          "ancien", "office", "agence", "incubateur", "open"})


def at_venue(name: str, t: Translator) -> str:
    """ "à La Fabrique", "au Hangar", "aux Ateliers", "à l'École…" (French contracts "à le" and
    elides before a common noun); "at Le Hangar"."""
    for article, key in (("Le ", "at_venue_le"), ("Les ", "at_venue_les")):
        if name.startswith(article) and len(name) > len(article):
            return t(f"matchmaking.meet.{key}", rest=name[len(article):])
    first = name_key(name.split()[0]) if name.split() else ""
    if first in ELIDED_NOUNS:
        return t("matchmaking.meet.at_venue_elided", name=name)
    return t("matchmaking.meet.at_venue", name=name)


def place_text(place: Place | None, viewer: int | None, members: Sequence[int | None], names: Names,
               t: Translator, now: datetime | None = None) -> str | None:
    """One line: where they could meet (the venue, its event if any, each one's trip), or "by video"."""
    if place is None:
        return None
    if place.mode == VIDEO:
        return t("matchmaking.meet.video")
    if place.venue_id is None:
        return None
    venue = at_venue(names.venue(place.venue_id, t), t)
    hours = describe_hours(names.venue_hours.get(place.venue_id), t)
    if hours:  # "à La Fabrique (ouvert du lundi au vendredi, 9h–18h)"
        venue = t("matchmaking.meet.with_hours", at_venue=venue, hours=hours)
    if place.event is not None:
        when = format_when(place.event.starts_at, place.event.timezone, t.locale, now)
        text = t("matchmaking.meet.at_event", at_venue=venue, event=place.event.title, when=when)
    else:
        text = t("matchmaking.meet.at", at_venue=venue)
    trips = trips_text(place, viewer, members, names, t)
    return t("matchmaking.meet.line", place=text, trips=trips) if trips else t("matchmaking.meet.line_alone", place=text)


def place_json(place: Place | None, names: Names) -> dict[str, Any] | None:
    """The place for animators (the dry-run JSON): mode, venue slug, event, trips in member order."""
    if place is None:
        return None
    event = place.event
    return {"mode": place.mode,
            "venue": names.venue_slugs.get(place.venue_id) if place.venue_id is not None else None,
            "event": None if event is None else {"id": event.id, "title": event.title,
                                                 "starts_at": event.starts_at.isoformat()},
            "km": [None if km is None else round(km, 1) for km in place.km]}
