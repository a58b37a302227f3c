"""The wall's change log: every committed write that changes what a screen shows leaves one row.

`watch(db)` (called by the composition root) hooks the sessions of that database: a flush that
writes an event, an RSVP, a member, a skill, a venue, an introduction or a wall setting marks a
topic; a bulk UPDATE (the RSVP seat counter) marks one too; just before the commit the marks become
one `wall_changes` row, in the same transaction, so a rolled-back edit leaves nothing. The web face
of any process polls the table (`changes_after`), which is what carries a change made in the bot
process to the screens served by another one. Writers outside an app (the CLI) call `record` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import Member, MemberSkill, MemberVenue, Skill, Venue, utcnow
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.intro_requests import IntroRequest
from storage.models.matchmaking import Introduction, IntroductionMember
from storage.models.hosts_partners import Opportunity
from storage.models.wall import WallChange, WallConsent, WallHidden

if TYPE_CHECKING:
    from storage.db import Database

_MARKS = "wall_topics"
KEEP = timedelta(days=1)
# What a table's rows change on a screen. Moderation and venues redraw everything.
TOPICS: dict[type, str] = {
    Event: "programme", EventVenue: "programme", Rsvp: "programme",
    Member: "people", MemberVenue: "people", WallConsent: "people",
    MemberSkill: "skills", Skill: "skills",
    Introduction: "intros", IntroductionMember: "intros", IntroRequest: "intros",
    Venue: "all", WallHidden: "all", Opportunity: "skills",
}


@dataclass(frozen=True)
class Change:
    id: int
    topics: frozenset[str]


def watch(db: "Database") -> None:
    """Write a `wall_changes` row in every transaction of `db` that touches what the wall shows."""
    base = db.sessions.kw.get("sync_session_class") or Session
    watched = type("WallWatchedSession", (base,), {})
    event.listen(watched, "after_flush", _after_flush)
    event.listen(watched, "do_orm_execute", _bulk_statement)
    event.listen(watched, "before_commit", _before_commit)
    event.listen(watched, "after_soft_rollback", _after_rollback)
    db.sessions.configure(sync_session_class=watched)


async def record(session: AsyncSession, topics: Iterable[str], now: datetime) -> None:
    """Log a change explicitly (for writers whose sessions are not watched, such as the CLI)."""
    await session.execute(insert(WallChange).values(topics=",".join(sorted(set(topics))), created_at=now))


async def head(db: "Database") -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.coalesce(func.max(WallChange.id), 0)))).scalar_one())


async def changes_after(db: "Database", low: int) -> list[Change]:
    """Rows with an id above `low`, in order. The caller keeps `low` a little behind what it saw: on
    PostgreSQL ids are taken before commit, so a row may become visible after a higher one."""
    async with db.session() as session:
        rows = await session.execute(select(WallChange.id, WallChange.topics).where(WallChange.id > low)
                                     .order_by(WallChange.id))
        return [Change(id, frozenset(topics.split(","))) for id, topics in rows]


async def prune(db: "Database", now: datetime) -> int:
    async with db.session() as session:
        result = await session.execute(delete(WallChange).where(WallChange.created_at < now - KEEP))
        return result.rowcount or 0


def _mark(session: Session, topic: str) -> None:
    session.info.setdefault(_MARKS, set()).add(topic)


def _after_flush(session: Session, _context) -> None:
    for row in chain(session.new, session.dirty, session.deleted):
        topic = TOPICS.get(type(row))
        if topic is not None:
            _mark(session, topic)


def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    for mapper in state.all_mappers:
        topic = TOPICS.get(mapper.class_)
        if topic is not None and mapper.class_ is not WallChange:
            _mark(state.session, topic)


def _before_commit(session: Session) -> None:
    # The commit flushes after this hook: flush now so the last writes are marked too.
    session.flush()
    topics = session.info.pop(_MARKS, None)
    if topics:
        session.execute(insert(WallChange).values(topics=",".join(sorted(topics)), created_at=utcnow()))  # prunes the log only


def _after_rollback(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_MARKS, None)

