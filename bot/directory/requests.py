"""Introductions asked from the directory: the rules, the state changes and the messages they cause.

A member asks to be introduced to someone they found with /find, with one line of context; the
other member gets one message with Accept / Decline. Contacts are exchanged only on Accept (double
opt-in). Decline and seven days of silence give the requester the *same* neutral answer, so the
reason is never revealed. Limits: three pending requests per requester, one pending request per
pair, and after a decline the same requester cannot ask the same person again for 90 days (the
refusal then reads like any other "not available", so it reveals nothing either).

The request message is unprompted for its recipient, so it is sent as a nudge: quiet hours defer
it and it counts against the attention budget. But it is a person's request, not the bot's own
chatter, so a spent budget does not drop it (it is written anyway, still counted as a nudge, which
makes the bot's own nudges wait instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.members.contacts import contact_card, contact_lines
from bot.directory.visibility import Purpose, may_reach
from bot.i18n import Translator
from bot.outbox.notify import member_identity, notify_member
from bot.types import Button, Reply
from storage.models import Activity, Member, OutboxMessage, Skill, Venue
from storage.models.intro_requests import ACCEPTED, CANCELLED, DECLINED, EXPIRED, PENDING, IntroRequest
from storage.outbox import OPEN_STATUSES

REQUEST_TTL = timedelta(days=7)
MAX_PENDING = 3
DECLINE_COOLDOWN = timedelta(days=90)
MAX_CONTEXT = 280
MIN_CONTEXT = 3
PURPOSE = "intro_request"


class Refusal(StrEnum):
    SELF = "self"
    UNAVAILABLE = "unavailable"  # not visible, introductions off, unreachable, or declined recently
    TOO_MANY = "too_many"
    ALREADY = "already"  # a request to this person is already pending


def ask_key(request_id: int) -> str:
    return f"ireq:{request_id}:ask"


async def pending_count(session: AsyncSession, requester_id: int) -> int:
    return (await session.execute(select(func.count()).select_from(IntroRequest).where(
        IntroRequest.requester_id == requester_id, IntroRequest.status == PENDING))).scalar_one()


async def refusal(session: AsyncSession, requester: Member, addressee: Member | None, now: datetime) -> Refusal | None:
    """Why `requester` may not ask `addressee` now, or None. Re-read from the database each time."""
    if addressee is None:
        return Refusal.UNAVAILABLE
    if addressee.id == requester.id:
        return Refusal.SELF
    # The one consent rule (consent recorded, listed to this requester, introductions on).
    if not await may_reach(session, requester, addressee, Purpose.REQUEST):
        return Refusal.UNAVAILABLE
    if await member_identity(session, addressee.id) is None:
        return Refusal.UNAVAILABLE
    pair = (IntroRequest.requester_id == requester.id, IntroRequest.addressee_id == addressee.id)
    if (await session.execute(select(IntroRequest.id).where(*pair, IntroRequest.status == PENDING).limit(1))).first():
        return Refusal.ALREADY
    declined = select(IntroRequest.id).where(*pair, IntroRequest.status == DECLINED,
                                             IntroRequest.responded_at > now - DECLINE_COOLDOWN).limit(1)
    if (await session.execute(declined)).first():
        return Refusal.UNAVAILABLE
    if await pending_count(session, requester.id) >= MAX_PENDING:
        return Refusal.TOO_MANY
    return None


def clean_context(text: str) -> str | None:
    """The one line of context, tidied, or None when too short or too long."""
    line = " ".join(text.split())
    return line if MIN_CONTEXT <= len(line) <= MAX_CONTEXT else None


# -- messages -------------------------------------------------------------------------------------

async def _venue_name(session: AsyncSession, member: Member) -> str | None:
    if member.home_venue_id is None:
        return None
    return (await session.execute(select(Venue.name).where(Venue.id == member.home_venue_id))).scalar_one_or_none()


def skill_label(skill: Skill | None, t: Translator) -> str | None:
    if skill is None:
        return None
    return skill.label_en if t.locale == "en" else skill.label_fr


@dataclass(frozen=True)
class RequestView:
    """What the addressee's message shows, read once in the requester's transaction."""

    request_id: int
    requester_name: str
    venue: str | None
    skill: Skill | None
    context: str

    def render(self, t: Translator) -> Reply:
        venue = self.venue or t("intro_requests.no_venue")
        label = skill_label(self.skill, t)
        about = t("intro_requests.about_skill", skill=label) if label else t("intro_requests.about_profile")
        text = t("intro_requests.ask", name=self.requester_name, venue=venue, about=about, context=self.context)
        buttons = ((Button(t("intro_requests.accept"), "iacc", str(self.request_id)),
                    Button(t("intro_requests.decline"), "idec", str(self.request_id))),)
        return Reply(text, buttons=buttons)


async def create_request(session: AsyncSession, config: Config, requester: Member, addressee: Member,
                         skill_id: int | None, context: str, now: datetime) -> IntroRequest | None:
    """Record the request and queue the addressee's message; None if the message cannot be written."""
    skill = await session.get(Skill, skill_id) if skill_id else None
    request = IntroRequest(requester_id=requester.id, addressee_id=addressee.id, skill_id=skill.id if skill else None,
                           context=context, status=PENDING, created_at=now, expires_at=now + REQUEST_TTL)
    session.add(request)
    await session.flush()
    view = RequestView(request.id, requester.display_name, await _venue_name(session, requester), skill, context)
    # A nudge (quiet hours apply), but one a person asked for: written even when the budget is spent.
    if not await notify_member(session, config, addressee, view.render, key=ask_key(request.id), purpose=PURPOSE,
                               now=now, nudge=True, over_budget=True):
        await session.delete(request)
        await session.flush()
        return None
    return request


def neutral_reply(name: str) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        # Nameless when the other person was erased: this message outlives their /forget.
        return Reply(t("intro_requests.no_answer", name=name) if name else t("intro_requests.no_answer_unnamed"))

    return render


async def _tell_requester_neutral(session: AsyncSession, config: Config, request: IntroRequest,
                                  addressee_name: str, now: datetime) -> None:
    requester = await session.get(Member, request.requester_id) if request.requester_id else None
    if requester is None:
        return
    await notify_member(session, config, requester, neutral_reply(addressee_name), key=f"ireq:{request.id}:closed",
                        purpose=PURPOSE, now=now)


async def accept(session: AsyncSession, config: Config, request: IntroRequest, requester: Member, addressee: Member,
                 now: datetime) -> None:
    """Mark accepted and queue the requester's message with the addressee's contact.

    The addressee gets the requester's contact in the answer to their press (see the feature).
    """
    request.status, request.responded_at = ACCEPTED, now
    # Counted for the live wall and the stats, with nobody's name: it survives /forget as a number.
    session.add(Activity(kind="intro_made", public=True, data={"source": "request"}, created_at=now))
    identity = await member_identity(session, requester.id)
    if identity is None:  # the requester blocked the bot since: the addressee still gets their contact
        return
    addressee_card = await contact_card(session, addressee, identity.platform)

    def render(t: Translator) -> Reply:
        return Reply(t("intro_requests.accepted_requester", name=addressee.display_name,
                       contact=contact_lines(addressee_card, t)))

    await notify_member(session, config, requester, render, key=f"ireq:{request.id}:accepted", purpose=PURPOSE,
                        now=now, platform=identity.platform)


async def decline(session: AsyncSession, config: Config, request: IntroRequest, addressee: Member,
                  now: datetime) -> None:
    request.status, request.responded_at = DECLINED, now
    await _tell_requester_neutral(session, config, request, addressee.display_name, now)


async def expire_due(session: AsyncSession, config: Config, now: datetime) -> int:
    """Close the requests left unanswered for seven days; each requester gets the neutral answer."""
    due = (await session.execute(select(IntroRequest).where(
        IntroRequest.status == PENDING, IntroRequest.expires_at <= now).order_by(IntroRequest.id))).scalars().all()
    for request in due:
        await expire(session, config, request, now)
    return len(due)


async def expire(session: AsyncSession, config: Config, request: IntroRequest, now: datetime) -> None:
    request.status, request.responded_at = EXPIRED, now
    addressee = await session.get(Member, request.addressee_id) if request.addressee_id else None
    await _tell_requester_neutral(session, config, request, addressee.display_name if addressee else "", now)


# -- personal data ------------------------------------------------------------------------------

async def export_requests(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(IntroRequest).where(
        (IntroRequest.requester_id == member.id) | (IntroRequest.addressee_id == member.id))
        .order_by(IntroRequest.id))).scalars()
    exported = []
    for row in rows:
        sent = row.requester_id == member.id
        other_id = row.addressee_id if sent else row.requester_id
        other = await session.get(Member, other_id) if other_id else None
        exported.append({
            "direction": "sent" if sent else "received", "status": row.status, "context": row.context,
            # The other person's name only once both accepted: until then it is theirs to share.
            "with": other.display_name if other is not None and row.status == ACCEPTED else None,
            "skill_id": row.skill_id, "created_at": row.created_at.isoformat(),
            "responded_at": row.responded_at.isoformat() if row.responded_at else None,
        })
    return exported


async def erase_requests(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    """On /forget: cancel what is pending, then keep past requests only as anonymous rows."""

    pending = (await session.execute(select(IntroRequest).where(
        IntroRequest.status == PENDING,
        (IntroRequest.requester_id == member.id) | (IntroRequest.addressee_id == member.id)))).scalars().all()
    for request in pending:
        request.status, request.responded_at = CANCELLED, now
        if request.requester_id == member.id:
            # The addressee gets nothing: their message is withdrawn if it has not gone yet.
            await session.execute(delete(OutboxMessage).where(OutboxMessage.key == ask_key(request.id),
                                                              OutboxMessage.status.in_(OPEN_STATUSES)))
        else:
            await _tell_requester_neutral(session, config, request, "", now)
    await session.flush()
    await session.execute(update(IntroRequest).where(IntroRequest.requester_id == member.id)
                          .values(requester_id=None, context=""))
    await session.execute(update(IntroRequest).where(IntroRequest.addressee_id == member.id)
                          .values(addressee_id=None, context=""))
