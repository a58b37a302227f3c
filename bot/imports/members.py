"""Importing members from a CSV file (`maillage import members`): parse, check, then write.

Columns: name, venue (a venue slug), offers, needs, interests (each a `;`-separated list of free
text, resolved like chat input), languages (`fr;en`), visibility (private, venue, network),
introductions (yes/no), cadence (weekly, biweekly, monthly), and optionally identities
(`telegram:ID;discord:ID`) and consent (an ISO date: the day the person agreed elsewhere, a
membership form for instance). French words are accepted too (oui/non, privé/lieu/réseau,
hebdomadaire...).

With the consent column, the operator attests where these people agreed (`consent_source`, required
then): the date and source are stored per member (storage/models/operator.py, shown in /mydata) and
the member counts as having consented, so they can be listed and matched before they claim their
profile; they can still claim it, change everything, and /forget. Rows without a date stay
unclaimed profiles, out of the directory and matching, as before.

`parse` is pure: it reads the text and returns rows or problems with line numbers. `check` reads
the database (venues, identities, skills) and turns rows into a plan, adding the problems it finds.
`write` applies a plan with no problem, in the caller's transaction, so nothing is written unless
every row is valid. Each imported member gets a claim code (96 random bits) to attach their chat
identity with `/start CODE`.

Large files (tens of thousands of rows) are the point: `check` reads what it compares against once
(identities, unclaimed members) and resolves each distinct skill text once; `write` creates each
custom skill once and inserts members, identities and skill links in batches, reporting progress.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.imports.csv_reader import read_csv
from bot.skills.normalize import sort_key
from bot.skills.resolver import MatchStatus
from storage import member_skills
from storage.models import Identity, Member, MemberSkill, Skill, Venue
from storage.models.operator import ImportConsent

REQUIRED = ("name", "venue")
COLUMNS = ("name", "venue", "offers", "needs", "interests", "languages", "visibility", "introductions", "cadence",
           "identities", "consent")
IMPORT_CONSENT_VERSION = "import"  # members.consent_version of a consent attested at import
MAX_CONSENT_SOURCE = 200
BATCH = 1000  # members written per flush: few round trips, bounded memory
QUERY_CHUNK = 500  # values per IN (...) query, well under SQLite's and PostgreSQL's limits
KIND_OF_COLUMN = {"offers": "offer", "needs": "need", "interests": "interest"}
MAX_NAME = 60  # as in /profile
PLATFORMS = ("telegram", "discord")
CLAIM_CODE_BYTES = 12  # 96 bits: unguessable, and short enough for a Telegram deep link
LANGUAGES = {"fr": "fr", "francais": "fr", "français": "fr", "en": "en", "english": "en", "anglais": "en"}
VISIBILITIES = {"private": "private", "prive": "private", "privé": "private", "venue": "venue", "lieu": "venue",
                "network": "network", "reseau": "network", "réseau": "network"}
YES_NO = {"yes": True, "oui": True, "y": True, "o": True, "true": True, "1": True,
          "no": False, "non": False, "n": False, "false": False, "0": False}
CADENCES = {"weekly": "weekly", "hebdomadaire": "weekly", "biweekly": "biweekly", "bimensuel": "biweekly",
            "quinzaine": "biweekly", "monthly": "monthly", "mensuel": "monthly"}


def new_claim_code() -> str:
    return secrets.token_urlsafe(CLAIM_CODE_BYTES)


@dataclass
class MemberRow:
    """One valid-looking line of the file, before the database is consulted."""

    line: int
    name: str
    venue: str
    skills: dict[str, list[str]]  # kind -> free texts
    languages: list[str]
    visibility: str
    introductions: bool
    cadence: str
    identities: list[tuple[str, str]]
    consent: date | None = None


@dataclass
class PlannedMember:
    row: MemberRow
    venue_id: int
    skills: list[tuple[str, str | None, str]]  # (kind, slug or None for a new custom skill, text typed)


@dataclass
class Plan:
    members: list[PlannedMember] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not blocking (a guessed skill)


def _split(value: str) -> list[str]:
    seen, items = set(), []
    for part in value.split(";"):
        part = " ".join(part.split())
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            items.append(part)
    return items


def _parse_row(line: int, row: dict[str, str], problems: list[str]) -> MemberRow | None:
    before = len(problems)

    def problem(text: str) -> None:
        problems.append(f"line {line}: {text}")

    name = " ".join(row.get("name", "").split())
    if not name:
        problem("name is empty")
    elif len(name) > MAX_NAME:
        problem(f"name is longer than {MAX_NAME} characters")
    venue = row.get("venue", "").strip().lower()
    if not venue:
        problem("venue is empty (give a venue slug, e.g. hangar)")
    skills = {kind: _split(row.get(column, "")) for column, kind in KIND_OF_COLUMN.items()}
    for column, kind in KIND_OF_COLUMN.items():
        if len(skills[kind]) > member_skills.MAX_PER_KIND:
            problem(f"{column}: {len(skills[kind])} items, at most {member_skills.MAX_PER_KIND}")
    languages = []
    for word in _split(row.get("languages", "")) or ["fr"]:
        code = LANGUAGES.get(word.lower())
        if code is None:
            problem(f"languages: unknown language {word!r} (use fr, en or fr;en)")
        elif code not in languages:
            languages.append(code)
    visibility = VISIBILITIES.get((row.get("visibility") or "private").strip().lower())
    if visibility is None:
        problem(f"visibility: {row.get('visibility')!r} is not private, venue or network")
    introductions = YES_NO.get((row.get("introductions") or "no").strip().lower())
    if introductions is None:
        problem(f"introductions: {row.get('introductions')!r} is not yes or no")
    cadence = CADENCES.get((row.get("cadence") or "biweekly").strip().lower())
    if cadence is None:
        problem(f"cadence: {row.get('cadence')!r} is not weekly, biweekly or monthly")
    identities = []
    for item in _split(row.get("identities", "")):
        platform, _, user_id = item.partition(":")
        platform, user_id = platform.strip().lower(), user_id.strip()
        if platform not in PLATFORMS or not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 20:
            problem(f"identities: {item!r} is not telegram:ID or discord:ID with a numeric id")
        else:
            identities.append((platform, user_id))
    consent = None
    if (raw_consent := (row.get("consent") or "").strip()):
        try:
            consent = date.fromisoformat(raw_consent)
        except ValueError:
            problem(f"consent: {raw_consent!r} is not a date like 2026-03-15")
        else:
            if consent > date.today():
                problem(f"consent: {raw_consent} is in the future")
    if len(problems) > before:
        return None
    return MemberRow(line, name, venue, skills, languages, visibility or "private", bool(introductions),
                     cadence or "biweekly", identities, consent)


def consent_source_problem(rows: list[MemberRow], source: str | None) -> str | None:
    """Why the import cannot go ahead with this consent source (None: it can)."""
    dated = sum(1 for row in rows if row.consent is not None)
    source = " ".join((source or "").split())
    if dated and not source:
        return (f"{dated} row(s) have a consent date: say where these people agreed with --consent-source "
                '(e.g. --consent-source "adhésion 2026 (formulaire papier)")')
    if len(source) > MAX_CONSENT_SOURCE:
        return f"--consent-source is longer than {MAX_CONSENT_SOURCE} characters"
    return None


def parse(text: str) -> tuple[list[MemberRow], list[str]]:
    """Rows of a members CSV and the problems found in it, each with its line number."""
    raw_rows, problems = read_csv(text, columns=COLUMNS, required=REQUIRED)
    rows = []
    for line, raw in raw_rows:
        if None in raw:
            problems.append(f"line {line}: more values than columns (quote values containing commas)")
            continue
        values = {key: (value or "") for key, value in raw.items()}
        if not any(v.strip() for v in values.values()):
            continue  # a blank line
        row = _parse_row(line, values, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append("the file has no member rows")
    return rows, problems


async def _owned_identities(session: AsyncSession, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (platform, user id) already belong to a member; one query per chunk."""
    owned: set[tuple[str, str]] = set()
    items = sorted(wanted)
    for start in range(0, len(items), QUERY_CHUNK):
        chunk = items[start:start + QUERY_CHUNK]
        rows = await session.execute(select(Identity.platform, Identity.platform_user_id).where(
            Identity.member_id.is_not(None),
            tuple_(Identity.platform, Identity.platform_user_id).in_(chunk)))
        owned.update((platform, user_id) for platform, user_id in rows)
    return owned


async def check(session: AsyncSession, rows: list[MemberRow], problems: list[str] | None = None) -> Plan:
    """Resolve venues and skills, and look for identities or members already known."""
    plan = Plan(problems=list(problems or []))
    venues = dict((await session.execute(select(Venue.slug, Venue.id))).all())
    resolver = await member_skills.resolver(session)
    owned = await _owned_identities(session, {identity for row in rows for identity in row.identities})
    unclaimed = set((await session.execute(select(Member.display_name, Member.home_venue_id).where(
        Member.claim_code.is_not(None)))).all())
    resolved: dict[str, object] = {}  # each distinct text resolved once: a big file repeats them a lot
    seen_identities: dict[tuple[str, str], int] = {}
    for row in rows:
        before = len(plan.problems)
        venue_id = venues.get(row.venue)
        if venue_id is None:
            known = ", ".join(sorted(venues)) or "none yet: run `maillage import venues` first"
            plan.problems.append(f"line {row.line}: unknown venue {row.venue!r} (known: {known})")
        for identity in row.identities:
            if identity in seen_identities:
                plan.problems.append(f"line {row.line}: {identity[0]}:{identity[1]} is also on line "
                                     f"{seen_identities[identity]}")
            seen_identities.setdefault(identity, row.line)
            if identity in owned:
                plan.problems.append(f"line {row.line}: {identity[0]}:{identity[1]} already belongs to a member")
        if venue_id is not None and (row.name, venue_id) in unclaimed:
            plan.problems.append(f"line {row.line}: {row.name!r} at {row.venue} was already imported and has "
                                 "not claimed their profile yet (remove the line, or see `maillage members codes`)")
        skills = []
        for kind, texts in row.skills.items():
            for text in texts:
                resolution = resolved.get(text)
                if resolution is None:
                    resolution = resolved[text] = resolver.resolve(text, "fr")
                if resolution.status in (MatchStatus.EXACT, MatchStatus.CONFIDENT):
                    skills.append((kind, resolution.candidates[0].skill_id, text))
                elif resolution.status is MatchStatus.AMBIGUOUS:
                    best = resolution.candidates[0]
                    others = ", ".join(c.label for c in resolution.candidates[1:3])
                    plan.notes.append(f"line {row.line}: {text!r} read as {best.label!r} (also close: {others})")
                    skills.append((kind, best.skill_id, text))
                elif (why := member_skills.custom_label_problem(text)) is not None:
                    plan.problems.append(f"line {row.line}: {text!r} cannot be a skill ({why.replace('_', ' ')})")
                else:
                    plan.notes.append(f"line {row.line}: {text!r} is new: it becomes a custom skill")
                    skills.append((kind, None, text))
        if len(plan.problems) == before and venue_id is not None:
            plan.members.append(PlannedMember(row, venue_id, skills))
    return plan


class _SkillIds:
    """Skill ids by slug (merged skills followed to their target) and custom skills by their words,
    read once; a custom skill typed by many members is created once."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now
        self.by_slug: dict[str, int] = {}
        self.custom: dict[str, int] = {}

    async def load(self) -> None:
        rows = (await self.session.execute(select(Skill.id, Skill.slug, Skill.label_fr, Skill.custom,
                                                  Skill.merged_into_id))).all()
        for id_, slug, label, custom, merged in rows:
            self.by_slug[slug] = merged or id_
            if custom:
                self.custom.setdefault(sort_key(label), merged or id_)

    async def id_for(self, slug: str | None, text: str) -> int:
        if slug is not None and slug in self.by_slug:
            return self.by_slug[slug]
        key = sort_key(text)
        if key not in self.custom:
            skill = await member_skills.create_custom_skill(self.session, text, self.now)
            self.custom[key] = skill.merged_into_id or skill.id
        return self.custom[key]


async def _unowned_identities(session: AsyncSession, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Identity]:
    """Identities of the file that already exist (people who wrote to the bot before joining)."""
    found: dict[tuple[str, str], Identity] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start:start + QUERY_CHUNK]
        rows = (await session.execute(select(Identity).where(
            tuple_(Identity.platform, Identity.platform_user_id).in_(chunk)))).scalars()
        found.update({(i.platform, i.platform_user_id): i for i in rows})
    return found


def _consent_moment(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)  # midday: the same date in every time zone


async def write(session: AsyncSession, plan: Plan, now: datetime, *, consent_source: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[tuple[Member, str]]:
    """Create the planned members (only call with a plan free of problems); returns (member, code).

    `consent_source` is required when a row has a consent date; `progress(done, total)` is called
    after each batch.
    """
    if plan.problems:
        raise ValueError("refusing to write a plan with problems")
    if (why := consent_source_problem([p.row for p in plan.members], consent_source)) is not None:
        raise ValueError(why)
    source = " ".join((consent_source or "").split())
    skill_ids = _SkillIds(session, now)
    await skill_ids.load()
    existing = await _unowned_identities(session, [i for p in plan.members for i in p.row.identities])
    created: list[tuple[Member, str]] = []
    total = len(plan.members)
    for start in range(0, total, BATCH):
        batch = plan.members[start:start + BATCH]
        members = []
        for planned in batch:
            row = planned.row
            code = new_claim_code()
            consented = row.consent is not None
            members.append(Member(
                display_name=row.name, home_venue_id=planned.venue_id, locale=row.languages[0],
                languages=row.languages, visibility=row.visibility, intro_opt_in=row.introductions,
                cadence=row.cadence, claim_code=code, created_at=now, updated_at=now,
                consent_at=_consent_moment(row.consent) if consented else None,
                consent_version=IMPORT_CONSENT_VERSION if consented else None))
            created.append((members[-1], code))
        session.add_all(members)
        await session.flush()  # the members' ids, in one round trip per batch
        links, consents = [], []
        for planned, member in zip(batch, members):
            row = planned.row
            for platform, user_id in row.identities:
                identity = existing.get((platform, user_id))
                if identity is None:
                    session.add(Identity(platform=platform, platform_user_id=user_id, display_name=row.name,
                                         member_id=member.id, created_at=now, last_seen_at=now))
                else:  # they wrote to the bot before joining; `check` saw no member on it
                    identity.member_id = member.id
            linked: set[tuple[int, str]] = set()
            for kind, slug, text in planned.skills:
                skill_id = await skill_ids.id_for(slug, text)
                if (skill_id, kind) not in linked:  # two texts naming one skill: one link
                    linked.add((skill_id, kind))
                    links.append({"member_id": member.id, "skill_id": skill_id, "kind": kind, "created_at": now})
            if row.consent is not None:
                consents.append({"member_id": member.id, "consented_on": row.consent, "source": source,
                                 "imported_at": now})
        await session.flush()
        if links:
            await session.execute(insert(MemberSkill), links)
        if consents:
            await session.execute(insert(ImportConsent), consents)
        if progress is not None:
            progress(min(start + BATCH, total), total)
    return created
