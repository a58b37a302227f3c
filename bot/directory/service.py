"""One directory index per process, loaded from the database and kept fresh.

Freshness, decided and in order of cost:

1. **Writes in this process** are published by the app's `ChangeFeed` when they commit. Before answering,
   the directory reloads just the members that changed (a few rows), or the skill map when skills
   changed, or everything after a bulk statement. A profile edit shows up in the next /find.
2. **Writes by other processes** (`maillage import members` while the bot runs, a second bot
   process on PostgreSQL) are caught by a fingerprint (row counts and latest timestamps of members,
   member skills, member venues and skills), read at most every `FINGERPRINT_TTL` seconds; when it
   moved, the index is rebuilt. So another process's edit shows within that delay.
3. Whatever the index says, the /find handler re-checks visibility against the database for the
   page it shows: a stale index can miss someone for a moment, never reveal someone.

What a result page shows besides the members themselves is kept here too, so that /find costs two
queries of its own (the searcher's venues, and the page's visibility re-check) instead of six:
skill labels live in the `SkillMap`, the skill resolver is kept with it (both reload together when
skills change), and venue names are cached — reloaded when this process writes a venue
(`changes.py`), and at each fingerprint look (every `FINGERPRINT_TTL` seconds) for venues imported
by another process. A venue renamed by `maillage import venues` while the bot runs therefore shows
its new name in /find within that delay; names are display only, never a visibility input.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.directory.changes import ChangeFeed
from bot.directory.index import DirectoryIndex, Profile
from bot.directory.visibility import Purpose, allowed
from bot.skills.resolver import SkillResolver
from storage import member_skills
from storage.models import Member, MemberSkill, MemberVenue, Skill, Venue

log = logging.getLogger(__name__)

FINGERPRINT_TTL = 30.0  # seconds between two looks for other processes' writes
CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class SkillMap:
    """Skill slugs (what the resolver speaks) to database ids, merged custom skills folded in."""

    ids: dict[str, int]
    root: dict[int, int]  # merged custom skill id -> the skill it was merged into
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)  # skill id -> (French, English)

    def live(self, skill_id: int) -> int:
        return self.root.get(skill_id, skill_id)

    def label(self, skill_id: int, locale: str) -> str | None:
        """The skill's label in `locale` (English for "en", else French), as `member_skills.label_of`."""
        pair = self.labels.get(skill_id)
        if pair is None:
            return None
        return pair[1] if locale == "en" else pair[0]

    def resolve(self, slug_scores: Iterable[tuple[str, float]]) -> list[tuple[int, float]]:
        found = []
        for slug, score in slug_scores:
            skill_id = self.ids.get(slug)
            if skill_id is not None:
                found.append((self.live(skill_id), score))
        return found


async def load_skill_map(session: AsyncSession) -> SkillMap:
    rows = (await session.execute(select(Skill.id, Skill.slug, Skill.merged_into_id, Skill.label_fr,
                                         Skill.label_en))).all()
    return SkillMap({slug: id_ for id_, slug, *_ in rows}, {id_: into for id_, _, into, *_ in rows if into is not None},
                    {id_: (fr, en) for id_, _, _, fr, en in rows})


async def load_venue_names(session: AsyncSession) -> dict[int, str]:
    return dict((await session.execute(select(Venue.id, Venue.name))).all())


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


async def load_profiles(session: AsyncSession, skills: SkillMap, member_ids: Sequence[int] | None = None
                        ) -> list[Profile]:
    """Listed profiles from the database: all of them, or those among `member_ids`."""
    # Consent first: an imported profile stays hidden until its person joins and chooses (GDPR art. 25).
    members_q = select(Member.id, Member.visibility, Member.home_venue_id, Member.bio).where(
        allowed(Purpose.LISTING))
    venues_q = select(MemberVenue.member_id, MemberVenue.venue_id)
    skills_q = select(MemberSkill.member_id, MemberSkill.skill_id, MemberSkill.kind).where(
        MemberSkill.kind.in_(("offer", "interest")))
    batches: list[tuple] = []
    if member_ids is None:
        batches.append((members_q, venues_q, skills_q))
    else:
        for chunk in _chunks(list(member_ids)):
            batches.append((members_q.where(Member.id.in_(chunk)), venues_q.where(MemberVenue.member_id.in_(chunk)),
                            skills_q.where(MemberSkill.member_id.in_(chunk))))
    rows: dict[int, tuple[str, set[int], str]] = {}
    offers: dict[int, set[int]] = {}
    interests: dict[int, set[int]] = {}
    for members, venues, held in batches:
        for member_id, visibility, home, bio in (await session.execute(members)):
            rows[member_id] = (visibility, {home} if home is not None else set(), bio or "")
        for member_id, venue_id in (await session.execute(venues)):
            if member_id in rows:
                rows[member_id][1].add(venue_id)
        for member_id, skill_id, kind in (await session.execute(held)):
            if member_id in rows:
                (offers if kind == "offer" else interests).setdefault(member_id, set()).add(skills.live(skill_id))
    return [Profile(member_id, visibility, frozenset(venues), frozenset(offers.get(member_id, ())),
                    frozenset(interests.get(member_id, ())), bio)
            for member_id, (visibility, venues, bio) in rows.items()]


async def fingerprint(session: AsyncSession) -> tuple:
    """Cheap aggregates that move whenever members, their skills or venues, or skills change."""
    values = []
    for statement in (select(func.count(), func.max(Member.updated_at)),
                      select(func.count(), func.max(MemberSkill.created_at)).select_from(MemberSkill),
                      select(func.count()).select_from(MemberVenue),
                      # merges set merged_into_id without adding a row: counted apart
                      select(func.count(), func.max(Skill.id), func.count(Skill.merged_into_id)).select_from(Skill)):
        values.append(tuple((await session.execute(statement)).one()))
    return tuple(values)


async def build(session: AsyncSession) -> tuple[DirectoryIndex, SkillMap]:
    skills = await load_skill_map(session)
    index = DirectoryIndex()
    for profile in await load_profiles(session, skills):
        index.put(profile)
    return index, skills


class Directory:
    """The process's index for one database, refreshed before each use (see the module docstring).

    Built by the composition root with the `ChangeFeed` watching that database, and handed to
    handlers as `ctx.directory`.
    """

    def __init__(self, feed: ChangeFeed, ttl: float = FINGERPRINT_TTL) -> None:
        self.feed = feed
        self.ttl = ttl
        self.index: DirectoryIndex | None = None
        self.skills: SkillMap | None = None
        self.resolver: SkillResolver | None = None  # in step with `skills`
        self.venue_names: dict[int, str] = {}
        self._position = 0
        self._fingerprint: tuple | None = None
        self._checked = 0.0
        self._lock = asyncio.Lock()
        self.builds = 0  # full rebuilds so far (tests and logs)

    async def current(self, session: AsyncSession) -> tuple[DirectoryIndex, SkillMap]:
        async with self._lock:
            changes = self.feed.since(self._position)
            self._position = changes.position
            if self.index is None or changes.everything:
                await self._rebuild(session)
            elif changes:
                if changes.skills:
                    await self._load_skills(session)
                if changes.venues:
                    self.venue_names = await load_venue_names(session)
                if changes.members:
                    await self._reload(session, changes.members)
                self._fingerprint = await fingerprint(session)
                self._checked = time.monotonic()
            elif time.monotonic() - self._checked >= self.ttl:
                seen = await fingerprint(session)
                self._checked = time.monotonic()
                if seen != self._fingerprint:
                    log.info("directory: data changed elsewhere, rebuilding the index")
                    await self._rebuild(session)
                else:
                    self.venue_names = await load_venue_names(session)  # the TTL for venues renamed elsewhere
            assert self.index is not None and self.skills is not None
            return self.index, self.skills

    async def refresh_members(self, session: AsyncSession, member_ids: Iterable[int]) -> None:
        """Reload these members now (the /find handler found the index out of step with the database)."""
        async with self._lock:
            if self.index is not None and self.skills is not None:
                await self._reload(session, set(member_ids))

    async def _reload(self, session: AsyncSession, member_ids: set[int]) -> None:
        assert self.index is not None and self.skills is not None
        fresh = {p.member_id: p for p in await load_profiles(session, self.skills, sorted(member_ids))}
        for member_id in member_ids:
            profile = fresh.get(member_id)
            if profile is None:
                self.index.remove(member_id)
            else:
                self.index.put(profile)

    async def _load_skills(self, session: AsyncSession) -> None:
        self.skills = await load_skill_map(session)
        self.resolver = await member_skills.resolver(session)

    async def _rebuild(self, session: AsyncSession) -> None:
        started = time.perf_counter()
        self._fingerprint = await fingerprint(session)
        self.index, self.skills = await build(session)
        self.resolver = await member_skills.resolver(session)
        self.venue_names = await load_venue_names(session)
        self._checked = time.monotonic()
        self.builds += 1
        log.info("directory index built: %d listed profiles in %.0f ms", len(self.index),
                 (time.perf_counter() - started) * 1000)
