"""Noticing, inside this process, every committed write that can change the directory.

SQLAlchemy session events see each flush: a Member, MemberSkill or MemberVenue written through the
ORM marks that member changed; a Skill row marks the skill map changed; a Venue row marks the cached
venue names changed (venue imports and config upserts go through the ORM); a bulk UPDATE/DELETE/INSERT
statement on those tables (which names no object) marks everything changed. What a session marked
is published only when it commits, so a rolled-back edit changes nothing, and a reader never
refreshes before the data is visible.

The feed belongs to one `Database` (the composition root builds it and calls `watch(db)`; tests run
many databases in one process) and is bounded: a reader that fell too far behind is told to
rebuild everything. Writes made by *other* processes (a CLI import
while the bot runs, a second bot process on PostgreSQL) are not seen here; `service.py` catches
them with a periodic fingerprint check.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import Member, MemberSkill, MemberVenue, Skill, Venue

if TYPE_CHECKING:
    from storage.db import Database

MAX_ENTRIES = 10_000
_MEMBERS, _SKILLS, _VENUES, _ALL = "directory_members", "directory_skills", "directory_venues", "directory_all"
_MEMBER_TABLES = (Member, MemberSkill, MemberVenue)


@dataclass
class Changes:
    """What changed since a reader's position."""

    position: int
    members: set[int] = field(default_factory=set)
    skills: bool = False
    everything: bool = False
    venues: bool = False

    def __bool__(self) -> bool:
        return bool(self.members) or self.skills or self.everything or self.venues


class ChangeFeed:
    """The directory-relevant commits of one `Database`, in order, for readers that keep a position.

    Built by the composition root and attached to the app's database with `watch(db)`: its
    listeners sit on a session class of that database alone, so two apps in one process (tests,
    the demo) never see each other's writes, and nothing is registered at import.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.position = 0
        self._entries: deque[tuple[int, frozenset[int], bool, bool, bool]] = deque(maxlen=max_entries)

    def watch(self, db: "Database") -> None:
        """Publish every commit made through `db.session()` from now on."""
        base = db.sessions.kw.get("sync_session_class") or Session
        watched = type("DirectoryWatchedSession", (base,), {})
        event.listen(watched, "after_flush", _after_flush)
        event.listen(watched, "do_orm_execute", _bulk_statement)
        event.listen(watched, "after_commit", self._after_commit)
        event.listen(watched, "after_soft_rollback", _after_rollback)
        db.sessions.configure(sync_session_class=watched)

    def publish(self, members: set[int], skills: bool = False, everything: bool = False,
                venues: bool = False) -> None:
        self.position += 1
        self._entries.append((self.position, frozenset(members), skills, everything, venues))

    def since(self, position: int) -> Changes:
        changes = Changes(self.position)
        if position >= self.position:
            return changes
        if not self._entries or self._entries[0][0] > position + 1:  # fell off the end: start over
            changes.everything = True
            return changes
        for entry_position, members, skills, everything, venues in self._entries:
            if entry_position > position:
                changes.members |= members
                changes.skills |= skills
                changes.everything |= everything
                changes.venues |= venues
        return changes

    def _after_commit(self, session: Session) -> None:
        members = session.info.pop(_MEMBERS, set())
        skills = session.info.pop(_SKILLS, False)
        everything = session.info.pop(_ALL, False)
        venues = session.info.pop(_VENUES, False)
        if members or skills or everything or venues:
            self.publish(members, skills, everything, venues)


def _after_flush(session: Session, _context) -> None:
    members = session.info.setdefault(_MEMBERS, set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Member):
            if row.id is not None:
                members.add(row.id)
        elif isinstance(row, (MemberSkill, MemberVenue)):
            if row.member_id is not None:
                members.add(row.member_id)
        elif isinstance(row, Skill):
            session.info[_SKILLS] = True
        elif isinstance(row, Venue):
            session.info[_VENUES] = True


def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    entities = {mapper.class_ for mapper in state.all_mappers}
    if entities & set(_MEMBER_TABLES):
        state.session.info[_ALL] = True
    elif Skill in entities:
        state.session.info[_SKILLS] = True
    if Venue in entities:
        state.session.info[_VENUES] = True


def _after_rollback(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():  # the outermost transaction rolled back: forget its marks
        for key in (_MEMBERS, _SKILLS, _VENUES, _ALL):
            session.info.pop(key, None)
