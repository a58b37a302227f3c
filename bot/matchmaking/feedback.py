"""Feedback for the animators after "yes, we met": would you meet again? and an optional one-line note.

Offered once, on the answer to "yes, we met" (two buttons and "add a note": no extra message).
Stored on the member's own side of the introduction (`again`, `note`), never shown to the partner.
Animators see, in `/matchmaking stats` and `maillage match stats`, over the last quarter: how many
said they met, the share who would meet again, how many notes; and the notes themselves, each with
its date and its writer's name (so an animator can ask the writer for more before acting on a
complaint) but not the partner's: the note is the writer's word, not a file on the partner.
/mydata shows the member their own notes; /forget erases them, and also the notes partners wrote
about the forgotten member (see `personal.erase`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.text import clean_name
from storage.models import Member
from storage.models.matchmaking import REVEALED, Introduction, IntroductionMember

MAX_NOTE = 280
NOTES_SHOWN = 10


@dataclass
class Note:
    at: datetime
    writer: str
    text: str


@dataclass
class Summary:
    met: int = 0  # members who answered "yes, we met"
    again_answers: int = 0
    again_yes: int = 0
    notes: int = 0
    called_off: int = 0  # members who pressed "I can't make it"
    one_offs: int = 0  # one-off introductions ("introduce me this time") proposed
    latest: list[Note] = field(default_factory=list)

    @property
    def again_rate(self) -> float:
        return round(self.again_yes / self.again_answers, 4) if self.again_answers else 0.0

    def as_dict(self) -> dict:
        return {"met": self.met, "would_meet_again": self.again_yes, "would_meet_again_answers": self.again_answers,
                "would_meet_again_rate": self.again_rate, "notes_count": self.notes, "cant_make_it": self.called_off,
                "one_offs": self.one_offs,
                "notes": [{"at": n.at.isoformat(), "writer": n.writer, "text": n.text} for n in self.latest]}


def clean_note(text: str) -> str | None:
    """The note on one line, or None when empty, invisible only, or longer than MAX_NOTE characters."""
    line = clean_name(text)  # the cleaning of names: one line, nothing that draws nothing
    return line if 0 < len(line) <= MAX_NOTE else None


def _mine(intro: Introduction, member: Member) -> IntroductionMember | None:
    slot = next((s for s in intro.members if s.member_id == member.id), None)
    return slot if slot is not None and intro.status == REVEALED and slot.met == "yes" else None


async def record_again(intro: Introduction, member: Member, yes: bool, now: datetime) -> str:
    """Store "would meet again?"; returns not_member | recorded."""
    slot = _mine(intro, member)
    if slot is None:
        return "not_member"
    slot.again = yes
    return "recorded"


def may_note(intro: Introduction, member: Member) -> bool:
    return _mine(intro, member) is not None


async def record_note(intro: Introduction, member: Member, text: str, now: datetime) -> str:
    """Store the note; returns not_member | bad | recorded (a second note replaces the first)."""
    slot = _mine(intro, member)
    if slot is None:
        return "not_member"
    note = clean_note(text)
    if note is None:
        return "bad"
    slot.note, slot.note_at = note, now
    return "recorded"


async def summary(session: AsyncSession, since: datetime, now: datetime, shown: int = NOTES_SHOWN) -> Summary:
    """Feedback on introductions proposed since `since` (rounds and one-offs), newest notes first."""
    rows = await session.execute(
        select(IntroductionMember.met, IntroductionMember.again, IntroductionMember.note, IntroductionMember.note_at,
               IntroductionMember.withdrawn_at, Member.display_name, Introduction.id, Introduction.source)
        .join(Introduction, Introduction.id == IntroductionMember.introduction_id)
        .outerjoin(Member, Member.id == IntroductionMember.member_id)
        .where(Introduction.created_at >= since, Introduction.created_at <= now))
    found = Summary()
    one_offs: set[int] = set()
    for met, again, note, note_at, withdrawn_at, writer, intro_id, source in rows:
        if source == "one_off":
            one_offs.add(intro_id)
        found.met += met == "yes"
        found.again_answers += again is not None
        found.again_yes += again is True
        found.called_off += withdrawn_at is not None
        if note:
            found.notes += 1
            found.latest.append(Note(note_at or since, writer or "?", note))
    found.one_offs = len(one_offs)
    found.latest.sort(key=lambda n: n.at, reverse=True)
    found.latest = found.latest[:shown]
    return found
