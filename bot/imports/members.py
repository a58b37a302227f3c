"""Importing members from a CSV file (`maillage import members`): parse, check, then write.

Columns: name, venue (a venue slug), offers, needs, interests (each a `;`-separated list of free
text, resolved like chat input), languages (`fr;en`), visibility (private, venue, network),
introductions (yes/no), cadence (weekly, biweekly, monthly), and optionally identities
(`telegram:ID;discord:ID`). French words are accepted too (oui/non, privé/lieu/réseau,
hebdomadaire...).

`parse` is pure: it reads the text and returns rows or problems with line numbers. `check` reads
the database (venues, identities, skills) and turns rows into a plan, adding the problems it finds.
`write` applies a plan with no problem, in the caller's transaction, so nothing is written unless
every row is valid. Each imported member gets a claim code (96 random bits) to attach their chat
identity with `/start CODE`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.imports.csv_reader import read_csv
from bot.skills.resolver import MatchStatus
from storage import member_skills
from storage.models import Identity, Member, MemberSkill, Venue

REQUIRED = ("name", "venue")
COLUMNS = ("name", "venue", "offers", "needs", "interests", "languages", "visibility", "introductions", "cadence",
           "identities")
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
    if len(problems) > before:
        return None
    return MemberRow(line, name, venue, skills, languages, visibility or "private", bool(introductions),
                     cadence or "biweekly", identities)


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


async def check(session: AsyncSession, rows: list[MemberRow], problems: list[str] | None = None) -> Plan:
    """Resolve venues and skills, and look for identities or members already known."""
    plan = Plan(problems=list(problems or []))
    venues = dict((await session.execute(select(Venue.slug, Venue.id))).all())
    resolver = await member_skills.resolver(session)
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
            owner = (await session.execute(select(Identity.member_id).where(
                Identity.platform == identity[0], Identity.platform_user_id == identity[1]))).scalar_one_or_none()
            if owner is not None:
                plan.problems.append(f"line {row.line}: {identity[0]}:{identity[1]} already belongs to a member")
        if venue_id is not None:
            twin = (await session.execute(select(Member.id).where(
                Member.display_name == row.name, Member.home_venue_id == venue_id,
                Member.claim_code.is_not(None)).limit(1))).first()
            if twin is not None:
                plan.problems.append(f"line {row.line}: {row.name!r} at {row.venue} was already imported and has "
                                     "not claimed their profile yet (remove the line, or see `maillage members codes`)")
        skills = []
        for kind, texts in row.skills.items():
            for text in texts:
                resolution = resolver.resolve(text, "fr")
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


async def write(session: AsyncSession, plan: Plan, now: datetime) -> list[tuple[Member, str]]:
    """Create the planned members (only call with a plan free of problems); returns (member, code)."""
    if plan.problems:
        raise ValueError("refusing to write a plan with problems")
    created = []
    for planned in plan.members:
        row = planned.row
        code = new_claim_code()
        member = Member(display_name=row.name, home_venue_id=planned.venue_id, locale=row.languages[0],
                        languages=row.languages, visibility=row.visibility, intro_opt_in=row.introductions,
                        cadence=row.cadence, claim_code=code, created_at=now, updated_at=now)
        session.add(member)
        await session.flush()
        for platform, user_id in row.identities:
            identity = (await session.execute(select(Identity).where(
                Identity.platform == platform, Identity.platform_user_id == user_id))).scalar_one_or_none()
            if identity is None:  # else: they wrote to the bot before joining; `check` saw no member on it
                identity = Identity(platform=platform, platform_user_id=user_id, display_name=row.name,
                                    created_at=now, last_seen_at=now)
                session.add(identity)
            identity.member_id = member.id
        linked: set[tuple[int, str]] = set()
        for kind, slug, text in planned.skills:
            skill = await member_skills.skill_by_slug(session, slug) if slug else None
            if skill is None:
                skill = await member_skills.create_custom_skill(session, text, now)
            skill = await member_skills.live_skill(session, skill.id) or skill
            if (skill.id, kind) not in linked:  # two texts naming one skill: one link
                linked.add((skill.id, kind))
                session.add(MemberSkill(member_id=member.id, skill_id=skill.id, kind=kind, created_at=now))
        created.append((member, code))
    await session.flush()
    return created
