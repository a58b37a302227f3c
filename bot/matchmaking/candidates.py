"""Who is in a round: opted-in members due by their cadence, not paused, reachable, with budget left.

Members due but without attention budget for one more nudge are left out *before* planning (so the
matching never pairs someone with a person who will not hear of it) and reported as unmatched with
reason "budget". A member who wants to meet only in person is never paired with one who wants only
video (`separate_meet_modes`). Everything is read at the round's time `at`, so a dry-run and the run agree.
Members an animator excluded (`exclusions`) are never eligible; members who pressed "skip next
round" (`skip`) are left out of the next round they are due in, and listed in `Pool.skipped`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.matchmaking import CADENCE_DAYS
from bot.directory.visibility import Purpose, allowed
from bot.matchmaking.engine import Candidate, VenuePreference
from bot.partners.matchmaking import partner_needs
from storage.models import Identity, Member, MemberSkill, OutboxMessage, Skill, Venue
from storage.models.runtime import OutboxStatus
from storage.outbox import BUDGET_WINDOW
from storage.models.matchmaking import Introduction, IntroductionMember, IntroPreferences, MatchExclusion

# A member is due when their last proposal is at least their cadence old, less this slack (rounds
# fire on a schedule that can drift by hours, and a weekly member must not miss every other week).
CADENCE_SLACK = timedelta(days=1)
BUDGET = "budget"


@dataclass
class Pool:
    """The round's candidates, those excluded before planning (member id, reason), and names/venues."""

    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[tuple[int, str]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    venue_slugs: dict[int, str | None] = field(default_factory=dict)
    meet_modes: dict[int, str] = field(default_factory=dict)  # in_person | video | either (bot.matchmaking.prefs)
    skipped: list[int] = field(default_factory=list)  # due, but asked to skip this round (see `skip`)

    @property
    def size(self) -> int:
        return len(self.candidates) + len(self.excluded)


def member_languages(member: Member, prefs: IntroPreferences | None) -> frozenset[str]:
    """Languages for introductions: the ones chosen for them, else the profile's, else the locale
    (`member` and `prefs` may be rows of those columns)."""
    chosen = prefs.languages if prefs is not None and prefs.languages else member.languages
    codes = {str(code).lower() for code in (chosen or []) if code}
    return frozenset(codes or {member.locale or "fr"})


def is_due(cadence: str, last_proposed: datetime | None, at: datetime) -> bool:
    if last_proposed is None:
        return True
    days = CADENCE_DAYS.get(cadence, CADENCE_DAYS["biweekly"])
    return at - last_proposed >= timedelta(days=days) - CADENCE_SLACK


def _eligible(at: datetime):
    """Ids of members who opted in, consented, are not paused and can be reached (a subquery)."""
    reachable = select(Identity.member_id).where(Identity.member_id.is_not(None), Identity.dm_status != "unreachable")
    return (select(Member.id).where(allowed(Purpose.PROPOSAL),  # the one consent rule (opted in, consented)
                                    or_(Member.paused_until.is_(None), Member.paused_until <= at),
                                    Member.id.in_(reachable),
                                    Member.id.notin_(select(MatchExclusion.member_id))))


async def last_proposals(session: AsyncSession, at: datetime) -> dict[int, datetime]:
    """Members' last proposals, when recent enough to matter to `is_due` at `at`.

    An older one makes a member due whatever their cadence, as no proposal does: so only the
    introductions of the longest cadence are read. Found from those introductions' ids (a subquery)
    rather than from the members: SQLite otherwise walks every member's whole history, a million
    rows and seconds on 50,000 members after a year of rounds. Members not eligible are harmless.
    """
    since = at - (timedelta(days=max(CADENCE_DAYS.values())) - CADENCE_SLACK)
    recent = select(Introduction.id).where(Introduction.created_at >= since)
    rows = await session.execute(
        select(IntroductionMember.member_id, func.max(Introduction.created_at))
        .join(Introduction, Introduction.id == IntroductionMember.introduction_id)
        .where(IntroductionMember.introduction_id.in_(recent))
        .group_by(IntroductionMember.member_id))
    return {member_id: last for member_id, last in rows}


async def nudges_by_member(session: AsyncSession, at: datetime) -> dict[int, int]:
    """Nudges each member had over the budget window, in ONE grouped query (see `nudges_in_window`)."""
    rows = await session.execute(
        select(OutboxMessage.member_id, func.count())
        .where(OutboxMessage.member_id.is_not(None), OutboxMessage.nudge.is_(True),
               OutboxMessage.created_at >= at - BUDGET_WINDOW,
               OutboxMessage.status.notin_(OutboxStatus.NOT_DELIVERED))
        .group_by(OutboxMessage.member_id))
    return {member_id: count for member_id, count in rows}


async def _rows(session: AsyncSession, query) -> list:
    """Rows of a columns-only query on the session's connection: the ORM's row processing adds a
    third to the time of reading every eligible member's rows, for objects we never build."""
    return (await (await session.connection()).execute(query)).all()


async def _skills(session: AsyncSession, eligible) -> dict[int, dict[str, set[int]]]:
    # A custom skill merged into a taxonomy skill counts as that skill.
    rows = await _rows(session,
        select(MemberSkill.member_id, MemberSkill.kind, func.coalesce(Skill.merged_into_id, Skill.id))
        .join(Skill, Skill.id == MemberSkill.skill_id)
        .where(MemberSkill.member_id.in_(eligible)))
    found: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for member_id, kind, skill_id in rows:
        found[member_id][kind].add(skill_id)
    return found


async def build_pool(session: AsyncSession, config: Config, at: datetime, *, always: int | None = None,
                     among=None) -> Pool:
    """Everyone due at `at`, as engine `Candidate`s (sorted by id), plus the budget-excluded.

    A fixed handful of queries whatever the network's size: each reads every eligible member's rows
    through a subquery (no list of ids as parameters, which SQLite caps), the budget is one grouped
    count. `always`: a member kept whatever their cadence (who asked for a one-off introduction);
    `among`: a subquery of member ids the pool is restricted to (a one-off's possible partners).
    """
    eligible = _eligible(at)
    if among is not None:
        eligible = eligible.where(or_(Member.id.in_(among), Member.id == always))
    # Columns, not ORM objects: a 10,000-member round read whole objects for a second and a half.
    members = await _rows(session,
        select(Member.id, Member.cadence, Member.display_name, Member.home_venue_id, Member.languages, Member.locale)
        .where(Member.id.in_(eligible)).order_by(Member.id))
    last = await last_proposals(session, at)
    members = [m for m in members if m.id == always or is_due(m.cadence, last.get(m.id), at)]
    prefs = {p.member_id: p for p in await _rows(session,
        select(IntroPreferences.member_id, IntroPreferences.languages, IntroPreferences.venue_preference,
               IntroPreferences.never_with, IntroPreferences.priority, IntroPreferences.skip_next,
               IntroPreferences.meet_mode)
        .where(IntroPreferences.member_id.in_(eligible)))}
    pool = Pool()
    pool.skipped = [m.id for m in members if m.id != always and m.id in prefs and prefs[m.id].skip_next]
    members = [m for m in members if m.id not in pool.skipped]
    skills = await _skills(session, eligible)
    # A partner's contact also needs what its open opportunities look for.
    speaks_for = await partner_needs(session, [member.id for member in members], at)
    venues = {v.id: v for v in await session.execute(select(Venue.id, Venue.slug, Venue.latitude, Venue.longitude))}
    nudges = await nudges_by_member(session, at)
    budget = config.attention.budget_per_30_days
    preferences = {p.value: p for p in VenuePreference}
    none: frozenset = frozenset()
    places = {v.id: (v.id, v.slug, (v.latitude, v.longitude)
                     if v.latitude is not None and v.longitude is not None else None) for v in venues.values()}
    for member in members:
        venue_id, slug, coordinates = (places.get(member.home_venue_id) if member.home_venue_id else None) or (
            None, None, None)
        pool.names[member.id] = member.display_name
        pool.venue_slugs[member.id] = slug
        if budget - nudges.get(member.id, 0) < 1:
            pool.excluded.append((member.id, BUDGET))
            continue
        pref = prefs.get(member.id)
        # An unknown stored preference reads as the default, as a missing one does.
        preference = (preferences.get(pref.venue_preference, VenuePreference.OTHER_VENUES_PREFERRED) if pref
                      else VenuePreference.OTHER_VENUES_PREFERRED)
        own = skills.get(member.id, {})
        needs = own.get("need", none)
        if member.id in speaks_for:
            needs = set(needs) | speaks_for[member.id]
        never = pref.never_with if pref else None
        pool.candidates.append(Candidate(
            member_id=member.id, name=member.display_name, venue_id=venue_id, venue_slug=slug,
            coordinates=coordinates, offers=frozenset(own.get("offer", none)), needs=frozenset(needs),
            interests=frozenset(own.get("interest", none)), languages=member_languages(member, pref),
            preference=preference, never_with=frozenset(map(int, never)) if never else none,
            priority=bool(pref and pref.priority)))
        pool.meet_modes[member.id] = pref.meet_mode if pref is not None and pref.meet_mode else "either"
    pool.candidates = separate_meet_modes(mark_video_only(pool.candidates, pool.meet_modes), pool.meet_modes)
    return pool


def mark_video_only(candidates: list[Candidate], modes: dict[int, str]) -> list[Candidate]:
    """Members who meet by video only are marked so: the engine leaves distance out of their pairs."""
    return [replace(c, by_video=True) if modes.get(c.member_id) == "video" else c for c in candidates]


def separate_meet_modes(candidates: list[Candidate], modes: dict[int, str]) -> list[Candidate]:
    """In-person-only and video-only members never paired, through the engine's language rule.

    Each language becomes one token per way of meeting the member accepts ("fr~in_person",
    "fr~video"; both for "either"), so two members share a token exactly when they share a language
    and a way of meeting. A round with nobody on one side keeps its languages as they are. Unlike
    "never with" lists (one entry per excluded pair: 1,000 x 1,000 members is a million pairs and
    seconds of work), this costs nothing at any size; the engine then reports a member with nobody
    compatible as `no_common_language`.
    """
    wanted = {modes.get(c.member_id, "either") for c in candidates}
    if not {"in_person", "video"} <= wanted:
        return candidates
    ways = {"in_person": ("in_person",), "video": ("video",), "either": ("in_person", "video")}
    return [replace(c, languages=frozenset(f"{lang}~{way}" for lang in c.languages
                                           for way in ways.get(modes.get(c.member_id, "either"), ways["either"])))
            for c in candidates]
