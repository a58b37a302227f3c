"""Who a campaign is for: combinable filters, typed in words, resolved to members.

An audience is a small dict kept on the campaign (`Audience.dump()`); every filter narrows it (AND),
the values inside one filter widen it (OR). Filters: venues, venue kinds, partner kinds, event
audience tags (members going to such events), skills offered / needed / interests (typed freely,
read by the skill resolver), languages, joined in the last N days, not seen for N days, hosts only,
members of one bound chat (those seen joining it, recorded by `record_chat_member`).
`chats` sends an announcement to the bound chats instead of DMs.

Who is never targeted: members who have not consented, and, for filters that read a profile
(skills), members whose profile is private. A host's campaign is always limited to their venue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, String, cast, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config.partners import DEFAULT_PARTNER_KINDS
from bot.config.sections import VENUE_KINDS
from bot.members.languages import NAMES as LANGUAGE_NAMES
from bot.partners.kinds import kind_label
from bot.events.render import AUDIENCE_TAGS
from bot.i18n import Translator, translate
from storage import member_skills as skill_store
from storage.models import Identity, Member, MemberSkill, MemberVenue, Role, Skill, Venue, VenueChat
from storage.models.campaigns import ChatMember
from storage.models.events import Event, Rsvp

SKILL_KINDS = {"offers": "offer", "needs": "need", "interests": "interest"}

# The words people type before a colon, in both languages, and the filter each one sets.
KEYS = {
    "lieu": "venues", "lieux": "venues", "venue": "venues", "venues": "venues",
    "type": "kinds", "types": "kinds", "kind": "kinds", "kinds": "kinds",
    "partenaire": "partner_kinds", "partenaires": "partner_kinds", "partner": "partner_kinds",
    "partners": "partner_kinds",
    "public": "tags", "publics": "tags", "audience": "tags", "tag": "tags", "tags": "tags",
    "propose": "offers", "proposent": "offers", "offre": "offers", "offers": "offers", "offer": "offers",
    "cherche": "needs", "cherchent": "needs", "besoin": "needs", "besoins": "needs", "needs": "needs",
    "need": "needs",
    "aime": "interests", "aiment": "interests", "interet": "interests", "interets": "interests",
    "interests": "interests", "interest": "interests",
    "langue": "languages", "langues": "languages", "language": "languages", "languages": "languages",
    "arrives": "joined_days", "nouveaux": "joined_days", "joined": "joined_days", "new": "joined_days",
    "absents": "absent_days", "absent": "absent_days", "inactive": "absent_days", "unseen": "absent_days",
    "hotes": "hosts", "hosts": "hosts",
    "membres du groupe": "chat", "membres du chat": "chat", "chat members": "chat", "members of": "chat",
    "group members": "chat",
    "groupes": "chats", "groups": "chats", "chats": "chats",
}
EVERYONE = {"tous", "tout le monde", "tout le reseau", "everyone", "all", "the whole network", "reseau", "network"}
YES = {"oui", "yes", "o", "y", "1", "true", "vrai"}
LANGUAGES = {"fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en", "english": "en"}
# The event audience tags as people write them (singular; a trailing "s" is dropped before looking).
TAG_WORDS = {
    "everyone": {"tout public", "everyone", "all ages", "grand public"},
    "students": {"etudiant", "etudiante", "student", "etudiant es", "etudiantes"},
    "job_seekers": {"demandeur d emploi", "demandeurs d emploi", "demandeuse d emploi", "job seeker",
                    "chercheur d emploi", "demandeur ses d emploi"},
    "entrepreneurs": {"entrepreneur", "entrepreneure", "entrepreneur es", "entrepreneures"},
    "freelancers": {"independant", "independante", "freelance", "freelancer", "independant es", "independantes"},
    "families": {"famille", "family", "familie"},
}
DAYS_RE = re.compile(r"^(\d{1,4})\s*(?:j|jours?|d|days?)?$")
SPLIT_RE = re.compile(r"[;\n]+")


@dataclass
class Audience:
    venues: list[str] = field(default_factory=list)  # slugs
    kinds: list[str] = field(default_factory=list)
    partner_kinds: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)  # skill slugs
    needs: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    joined_days: int | None = None
    absent_days: int | None = None
    hosts: bool = False
    chats: bool = False
    chat: str | None = None  # "platform:chat_id": members seen joining that group

    def dump(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, [])}

    @classmethod
    def load(cls, data: dict | None) -> "Audience":
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def reads_profiles(self) -> bool:
        return bool(self.offers or self.needs or self.interests)


class AudienceError(ValueError):
    """A filter that cannot be understood: `key` is the i18n key of the explanation, `params` its values."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.key = message
        self.params = params


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: what two spellings of one word share."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(folded.replace("-", " ").split())


def _json_has(column, value: str):
    """A JSON list column holding `value` (its text contains the quoted string, on both databases)."""
    return cast(column, String).like(f'%"{value}"%')


def _values(text: str) -> list[str]:
    return [part.strip() for part in re.split(r",|\bet\b|\band\b|\bou\b|\bor\b", text) if part.strip()]


async def parse_audience(session: AsyncSession, text: str, locale: str,
                         partner_kinds: tuple[str, ...] = DEFAULT_PARTNER_KINDS) -> Audience:
    """The audience typed as "lieu: hangar; propose: impression 3d; langue: en" (or "tout le monde")."""
    audience = Audience()
    if _plain(text) in EVERYONE:
        return audience
    venues = list((await session.execute(select(Venue))).scalars())
    resolver = None
    for clause in SPLIT_RE.split(text):
        if not clause.strip():
            continue
        name, colon, value = clause.partition(":")
        if not colon:
            raise AudienceError("campaigns.audience.no_colon", clause=clause.strip())
        key = KEYS.get(_plain(name))
        if key is None:
            raise AudienceError("campaigns.audience.unknown_key", name=name.strip())
        values = _values(value)
        if key in ("hosts", "chats"):
            setattr(audience, key, not values or _plain(values[0]) in YES)
            continue
        if not values:
            raise AudienceError("campaigns.audience.empty", name=name.strip())
        if key in ("joined_days", "absent_days"):
            match = DAYS_RE.match(_plain(values[0]))
            if not match or int(match.group(1)) == 0:
                raise AudienceError("campaigns.audience.days", name=name.strip(), value=values[0])
            setattr(audience, key, int(match.group(1)))
        elif key == "chat":
            audience.chat = await _bound_chat(session, value.strip())
        elif key == "venues":
            for typed in values:
                found = [v for v in venues if _plain(typed) in (_plain(v.slug), _plain(v.name))]
                if not found:
                    raise AudienceError("campaigns.audience.unknown_venue", value=typed)
                audience.venues.extend(v.slug for v in found if v.slug not in audience.venues)
        elif key == "kinds":
            audience.kinds.extend(_choice(typed, VENUE_KINDS, name, venue_kind_label, locale) for typed in values)
        elif key == "partner_kinds":
            audience.partner_kinds.extend(_choice(typed, partner_kinds, name, partner_kind_label, locale)
                                          for typed in values)
        elif key == "tags":
            audience.tags.extend(_tag(typed, locale) for typed in values)
        elif key == "languages":
            for typed in values:
                if _plain(typed) not in LANGUAGES:
                    raise AudienceError("campaigns.audience.unknown_language", value=typed)
                audience.languages.append(LANGUAGES[_plain(typed)])
        else:
            resolver = resolver or await skill_store.resolver(session)
            for typed in values:
                resolution = resolver.resolve(typed, locale)
                if resolution.skill_id is None:
                    raise AudienceError("campaigns.audience.unknown_skill", value=typed)
                getattr(audience, key).append(resolution.skill_id)
    return audience


async def _bound_chat(session: AsyncSession, typed: str) -> str:
    """A bound chat named by its title (or "platform:chat_id"), as "platform:chat_id"."""
    chats = list((await session.execute(select(VenueChat))).scalars())
    for chat in chats:
        if _plain(typed) in (_plain(chat.title or ""), _plain(f"{chat.platform}:{chat.chat_id}")):
            return f"{chat.platform}:{chat.chat_id}"
    raise AudienceError("campaigns.audience.unknown_chat", value=typed)


def venue_kind_label(kind: str, locale: str) -> str:
    return translate(locale, f"venues.kind.{kind}")


def partner_kind_label(kind: str, locale: str) -> str:
    return kind_label(kind, Translator(locale))


def _choice(typed: str, allowed: tuple[str, ...], key: str, label: Callable[[str, str], str], locale: str) -> str:
    """A kind typed as its code or as its word in French or English ("partenaire", "third place")."""
    plain = _plain(typed)
    for value in allowed:
        if plain in {_plain(value)} | {_plain(label(value, lang)) for lang in ("fr", "en")}:
            return value
    raise AudienceError("campaigns.audience.unknown_value", name=key.strip(), value=typed,
                        allowed=", ".join(label(value, locale) for value in allowed))


def _tag(typed: str, locale: str) -> str:
    plain = _plain(typed).replace("'", " ")
    for tag, words in TAG_WORDS.items():
        if plain == tag or plain in words or plain.rstrip("s") in words:
            return tag
    allowed = ", ".join(translate(locale, f"events.tag.{tag}") for tag in AUDIENCE_TAGS)
    raise AudienceError("campaigns.audience.unknown_value", name="public", value=typed, allowed=allowed)


def audience_query(audience: Audience, *, venue_id: int | None, now: datetime) -> Select:
    """The ids of the members this audience means (consented; private profiles left out where the
    filters read profiles; within `venue_id` for a host's campaign), in id order."""
    query = select(Member.id).where(Member.consent_at.is_not(None)).order_by(Member.id)
    attends = select(MemberVenue.member_id).where(MemberVenue.venue_id == Venue.id)
    in_venue = or_(Member.home_venue_id == Venue.id, Member.id.in_(attends.scalar_subquery()))
    if venue_id is not None:
        query = query.where(or_(Member.home_venue_id == venue_id, Member.id.in_(
            select(MemberVenue.member_id).where(MemberVenue.venue_id == venue_id))))
    venue_terms = []
    if audience.venues:
        venue_terms.append(Venue.slug.in_(audience.venues))
    if audience.kinds:
        venue_terms.append(Venue.kind.in_(audience.kinds))
    if audience.partner_kinds:
        venue_terms.append(Venue.partner_kind.in_(audience.partner_kinds))
    if venue_terms:
        query = query.where(exists().where(in_venue, *venue_terms))
    if audience.tags:
        tagged = [_json_has(Event.audience, tag) for tag in audience.tags]
        query = query.where(exists().where(Rsvp.member_id == Member.id, Rsvp.status == "going",
                                           Rsvp.event_id == Event.id, or_(*tagged)))
    for name, kind in SKILL_KINDS.items():
        slugs = getattr(audience, name)
        if slugs:
            query = query.where(exists().where(MemberSkill.member_id == Member.id, MemberSkill.kind == kind,
                                               MemberSkill.skill_id == Skill.id, Skill.slug.in_(slugs)))
    if audience.reads_profiles():
        query = query.where(Member.visibility != "private")
    if audience.languages:
        query = query.where(or_(Member.locale.in_(audience.languages),
                                *[_json_has(Member.languages, code) for code in audience.languages]))
    if audience.joined_days:
        query = query.where(Member.consent_at >= now - timedelta(days=audience.joined_days))
    if audience.absent_days:
        recent = select(Identity.member_id).where(Identity.last_seen_at >= now - timedelta(days=audience.absent_days),
                                                  Identity.member_id.is_not(None))
        query = query.where(Member.id.notin_(recent.scalar_subquery()))
    if audience.hosts:
        query = query.where(exists().where(Role.member_id == Member.id, Role.role.in_(("host", "animator"))))
    if audience.chat:
        platform, _, chat_id = audience.chat.partition(":")
        query = query.where(Member.id.in_(select(ChatMember.member_id).where(
            ChatMember.platform == platform, ChatMember.chat_id == chat_id).scalar_subquery()))
    return query


async def audience_ids(session: AsyncSession, audience: Audience, *, venue_id: int | None, now: datetime,
                       after: int = 0, limit: int | None = None) -> list[int]:
    query = audience_query(audience, venue_id=venue_id, now=now).where(Member.id > after)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).scalars())


def describe(audience: Audience, t, skill_label, venue_label=lambda slug: slug) -> list[str]:
    """One line per filter, in the reader's language (the preview and /campaign list): venues by
    their names, kinds and languages in words, never the slugs and codes the audience keeps."""
    lines = []
    labels = {"venues": venue_label, "kinds": lambda kind: venue_kind_label(kind, t.locale),
              "partner_kinds": lambda kind: partner_kind_label(kind, t.locale),
              "languages": lambda code: LANGUAGE_NAMES.get(code, code)}
    for name, label in labels.items():
        values = getattr(audience, name)
        if values:
            lines.append(t(f"campaigns.filter.{name}", values=", ".join(label(value) for value in values)))
    if audience.tags:
        lines.append(t("campaigns.filter.tags", values=", ".join(t(f"events.tag.{tag}") for tag in audience.tags)))
    for name in SKILL_KINDS:
        slugs = getattr(audience, name)
        if slugs:
            lines.append(t(f"campaigns.filter.{name}", values=", ".join(skill_label(slug) for slug in slugs)))
    if audience.joined_days:
        lines.append(t("campaigns.filter.joined_days", count=audience.joined_days))
    if audience.absent_days:
        lines.append(t("campaigns.filter.absent_days", count=audience.absent_days))
    if audience.hosts:
        lines.append(t("campaigns.filter.hosts"))
    if audience.chat:
        lines.append(t("campaigns.filter.chat", chat=audience.chat))
    if audience.chats:
        lines.append(t("campaigns.filter.chats"))
    return lines or [t("campaigns.filter.everyone")]


async def record_chat_member(session: AsyncSession, platform: str, chat_id: str, member_id: int, now: datetime) -> None:
    """Remember that a member joined a group where the bot is (once per chat)."""
    if await session.get(ChatMember, (platform, chat_id, member_id)) is None:
        session.add(ChatMember(platform=platform, chat_id=chat_id, member_id=member_id, joined_at=now))
