"""Answers to an introduction, and what they cause: consent first, contacts only when everyone agrees.

- "Introduce us" records the answer; when every member of the introduction accepted, each gets the
  others' contacts on their own platform (across platforms, the other's handle on theirs) and the
  next events at the others' venues. (In a triple, once everyone answered, the two or three who
  accepted are put in touch.)
- "Not this time", or silence until the answer window closes, reveals nothing. Whoever had accepted
  gets one neutral line, the same for a decline and for silence, so nobody learns which it was.
- A proposal that could not be delivered (the person never started or blocked the bot) closes the
  introduction early; each partner still in it gets one kind note and priority (`unreachable`).
- The reveal carries "I can't make it" (`cant_make_it`).
- One follow-up a week after a reveal ("did you meet?"), a nudge: it is dropped rather than eat the
  budget the member's next proposal needs, and not sent to whoever can no longer meet. It carries
  "skip next round" (`skip`); "yes, we met" offers the optional feedback (`feedback`).
Every press is re-checked here: the payload names an introduction, the presser must be in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot import payloads
from bot.outbox.attention import budget_left, is_quiet
from bot.config import Config
from bot.members.contacts import contact_card
from bot.i18n import Translator
from bot.matchmaking import meeting_place, render, unreachable
from bot.matchmaking.run import ask_key
from bot.matchmaking.cant_make_it import called_off
from bot.matchmaking.one_off import proposal_key
from bot.outbox.notify import member_identity, member_timezone, notify_member
from bot.phrases import spoken_list
from bot.types import Button, Reply
from storage.models import Activity, Member, OutboxMessage, Venue
from storage.models.events import Event, EventVenue
from storage.models.matchmaking import (
    ACCEPTED, CANCELLED, DECLINED, EXPIRED, PENDING, PROPOSED, REFUSED, REVEALED, Introduction, IntroductionMember,
    MatchExclusion, MatchRound,
)

EVENTS_SHOWN = 2
FOLLOW_UP_MAX_DELAY = timedelta(days=14)  # a follow-up this late after its day is pointless: dropped
UNDELIVERABLE = ("unreachable", "dead", "rejected")


async def load(session: AsyncSession, intro_id: int) -> Introduction | None:
    return (await session.execute(select(Introduction).options(selectinload(Introduction.members))
                                  .where(Introduction.id == intro_id))).scalar_one_or_none()


def parse_id(payload: str) -> int | None:
    """The introduction id at the head of a payload ("12" or "12:yes")."""
    return payloads.parse_id(payload.split(":", 1)[0])


@dataclass
class Answer:
    """What happened on a press, for the feature to phrase: kind, and the presser's reply if any."""

    kind: str  # not_member | closed | answered | waiting | revealed | declined | expired
    partner_names: str = ""
    reply: Reply | None = None


async def _names_of(session: AsyncSession, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict((await session.execute(select(Member.id, Member.display_name).where(Member.id.in_(wanted)))).all())


def _join_names(names: list[str], t: Translator) -> str:
    return spoken_list(names or [t("matchmaking.someone")], t)


async def answer(session: AsyncSession, config: Config, intro: Introduction, member: Member, accept: bool,
                 now: datetime, platform: str, t: Translator) -> Answer:
    """Record `member`'s answer (pressed on `platform`) and carry out what it decides."""
    mine = next((s for s in intro.members if s.member_id == member.id), None)
    if mine is None:
        return Answer("not_member")
    names = await _names_of(session, [s.member_id for s in intro.members])
    others = _join_names([names.get(s.member_id, "") for s in intro.members if s.member_id not in (None, member.id)], t)
    if intro.status != PROPOSED:
        return Answer("closed", others)
    if now >= intro.expires_at:
        await close_at_deadline(session, config, intro, now)
        return Answer("expired", others)
    if mine.response != PENDING:
        return Answer("answered", others)
    if accept and await session.get(MatchExclusion, member.id) is not None:
        # Left out by an animator after this was proposed: the introduction closes, nothing revealed.
        mine.response, mine.responded_at = REFUSED, now
        await close_without_reveal(session, config, intro, CANCELLED, now)
        return Answer("closed", others)
    mine.response, mine.responded_at = (ACCEPTED if accept else REFUSED), now
    accepted = [s for s in intro.members if s.response == ACCEPTED]
    pending = [s for s in intro.members if s.response == PENDING]
    if len(accepted) + len(pending) < 2:
        await close_without_reveal(session, config, intro, DECLINED, now)
        return Answer("declined", others)
    if pending:
        return Answer("waiting" if accept else "declined", others)
    reply = await _reveal(session, config, intro, accepted, now, presser=(member.id, platform), t=t)
    return Answer("revealed" if accept else "declined", others, reply if accept else None)


# -- outcomes -------------------------------------------------------------------------------------

async def close_without_reveal(session: AsyncSession, config: Config, intro: Introduction, status: str,
                                now: datetime) -> None:
    """Close: nothing revealed; whoever had accepted gets one neutral line (same for decline and silence)."""
    intro.status, intro.closed_at = status, now
    names = await _names_of(session, [s.member_id for s in intro.members])
    for slot in intro.members:
        if slot.response != ACCEPTED or slot.member_id is None:
            continue
        member = await session.get(Member, slot.member_id)
        if member is None:
            continue
        others = [names[s.member_id] for s in intro.members if s.member_id not in (None, member.id) and s.member_id in names]

        def neutral(t: Translator, others=others) -> Reply:
            return Reply(t("matchmaking.neutral", name=_join_names(others, t)))

        await notify_member(session, config, member, neutral, key=f"mm:{intro.id}:{member.id}:closed",
                            purpose="mm.closed", now=now)


async def upcoming_events(session: AsyncSession, venue_ids: set[int], now: datetime) -> list[render.UpcomingEvent]:
    if not venue_ids:
        return []
    rows = await session.execute(
        select(Event.title, Event.starts_at, Event.timezone, Venue.name)
        .join(EventVenue, EventVenue.event_id == Event.id).join(Venue, Venue.id == EventVenue.venue_id)
        .where(EventVenue.venue_id.in_(venue_ids), Event.status == "published", Event.starts_at > now)
        .order_by(Event.starts_at, Event.id).limit(EVENTS_SHOWN * 3))
    found: list[render.UpcomingEvent] = []
    seen: set[tuple[str, datetime]] = set()
    for title, starts_at, zone, venue in rows:
        if (title, starts_at) not in seen:  # a co-hosted event appears once per venue
            seen.add((title, starts_at))
            found.append(render.UpcomingEvent(title, starts_at, zone or "Europe/Paris", venue))
    return found[:EVENTS_SHOWN]


async def _reveal_for(session: AsyncSession, intro: Introduction, member: Member, others: list[IntroductionMember],
                      platform: str, now: datetime):
    """The renderer of one member's reveal: the others' contacts on `platform`, where they could meet
    (with the event's RSVP button), then their venues' events."""
    cards = []
    for slot in others:
        other = await session.get(Member, slot.member_id) if slot.member_id else None
        if other is not None:
            cards.append((other.display_name, await contact_card(session, other, platform)))
    venues = {s.venue_id for s in others if s.venue_id is not None} or (
        {member.home_venue_id} if member.home_venue_id else set())
    events = await upcoming_events(session, venues, now)
    # Where they could meet, with the trips of those put in touch (in a triple, one may have declined).
    together = [s for s in intro.members if s.member_id == member.id] + list(others)
    place = await meeting_place.stored(session, intro.meet_venue_id, intro.meet_event_id,
                                       [s.venue_id for s in together], now)
    if place is None and await meeting_place.by_video(session, [s.venue_id for s in intro.members],
                                                      [s.member_id for s in intro.members], now):
        place = meeting_place.Place(meeting_place.VIDEO)  # as the proposal said it
    place_names = await render.load_names(session, (), [s.member_id for s in together], [intro.meet_venue_id])

    def draw(t: Translator) -> Reply:
        blocks = [t("matchmaking.reveal.contact", name=name, contact=render.contact_block(parts, t)) for name, parts in cards]
        text = t("matchmaking.reveal.intro", name=_join_names([name for name, _ in cards], t)) + "\n\n" + "\n\n".join(blocks)
        where = render.place_text(place, member.id, [s.member_id for s in together], place_names, t, now)
        if where:
            text += "\n\n" + where
        if events:
            text += "\n\n" + t("matchmaking.reveal.events") + "\n" + "\n".join(e.text(t) for e in events)
        buttons: tuple = ()
        if place is not None and place.event is not None:  # the events feature answers this button
            going = t("matchmaking.meet.going", event=place.event.title[:40])
            buttons = ((Button(going, "rsvp", f"{place.event.id}:y"),),)
        buttons += ((Button(t("matchmaking.cant.button"), "mm.cant", str(intro.id)),),)
        return Reply(text + "\n\n" + t("matchmaking.reveal.next"), title=t("matchmaking.reveal.title"), buttons=buttons)

    return draw


async def _reveal(session: AsyncSession, config: Config, intro: Introduction, accepted: list[IntroductionMember],
                  now: datetime, presser: tuple[int, str] | None = None, t: Translator | None = None) -> Reply | None:
    """Everyone who accepted gets the others' contacts; the presser's comes back as the press's answer."""
    intro.status, intro.closed_at, intro.revealed_at = REVEALED, now, now
    # Counted for the live wall and the stats, naming nobody: it survives /forget as a number.
    session.add(Activity(kind="intro_made", public=True,
                         data={"source": intro.source or "round", "members": len(accepted)}, created_at=now))
    reply = None
    for slot in accepted:
        member = await session.get(Member, slot.member_id) if slot.member_id else None
        if member is None:
            continue
        others = [s for s in accepted if s is not slot]
        if presser is not None and presser[0] == member.id and t is not None:
            draw = await _reveal_for(session, intro, member, others, presser[1], now)
            reply = draw(t)
            continue
        identity = await member_identity(session, member.id)
        if identity is None:
            continue
        draw = await _reveal_for(session, intro, member, others, identity.platform, now)
        await notify_member(session, config, member, draw, key=f"mm:{intro.id}:{member.id}:reveal",
                            purpose="mm.reveal", now=now, platform=identity.platform)
    return reply


async def close_at_deadline(session: AsyncSession, config: Config, intro: Introduction, now: datetime) -> None:
    """The answer window is over: put in touch whoever accepted (two or more), else close neutrally."""
    accepted = [s for s in intro.members if s.response == ACCEPTED]
    if len(accepted) >= 2:
        await _reveal(session, config, intro, accepted, now)
    else:
        await close_without_reveal(session, config, intro, EXPIRED, now)


async def _undeliverable(session: AsyncSession, intro: Introduction, period: str | None) -> set[int]:
    """Members of `intro` whose proposal will never arrive (they blocked the bot, DMs closed...)."""
    keys = {proposal_key(intro, period, s.member_id): s.member_id for s in intro.members if s.member_id is not None}
    rows = await session.execute(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys),
                                                                 OutboxMessage.status.in_(UNDELIVERABLE)))
    return {keys[key] for (key,) in rows}


async def sweep_open(session: AsyncSession, config: Config, now: datetime) -> dict[str, int]:
    """Close introductions whose window is over, or that can no longer succeed (undeliverable)."""
    counts = {"expired": 0, "undeliverable": 0}
    rows = (await session.execute(select(Introduction, MatchRound.period)  # one-offs have no round
                                  .outerjoin(MatchRound, MatchRound.id == Introduction.round_id)
                                  .options(selectinload(Introduction.members))
                                  .where(Introduction.status == PROPOSED))).all()
    for intro, period in rows:
        if now >= intro.expires_at:
            await close_at_deadline(session, config, intro, now)
            counts["expired"] += 1
            continue
        lost = await _undeliverable(session, intro, period)
        if lost and sum(1 for s in intro.members if s.member_id not in lost and s.response != REFUSED) < 2:
            await unreachable.close(session, config, intro, lost, now, period)
            counts["undeliverable"] += 1
    return counts


# -- the follow-up --------------------------------------------------------------------------------

def skip_row(intro_id: int, t: Translator) -> tuple[Button, ...]:
    """The follow-up's "skip next round" row, kept when an answer edits the follow-up."""
    return (Button(t("matchmaking.skip.button"), "mm.skip", str(intro_id)),)


def follow_up_message(intro_id: int, others: str):
    def draw(t: Translator) -> Reply:
        buttons = ((Button(t("matchmaking.met.yes"), "mm.met", f"{intro_id}:y"),
                    Button(t("matchmaking.met.not_yet"), "mm.met", f"{intro_id}:l"),
                    Button(t("matchmaking.met.no"), "mm.met", f"{intro_id}:n")),
                   skip_row(intro_id, t))
        return Reply(t("matchmaking.met.ask", name=others), buttons=buttons)

    return draw


async def send_follow_ups(session: AsyncSession, config: Config, now: datetime) -> dict[str, int]:
    counts = {"sent": 0, "skipped": 0}
    due = now - timedelta(days=config.matchmaking.follow_up_days)
    rows = (await session.execute(select(Introduction).options(selectinload(Introduction.members))
                                  .where(Introduction.status == REVEALED, Introduction.revealed_at <= due))).scalars()
    for intro in rows:
        names = await _names_of(session, [s.member_id for s in intro.members])
        for slot in intro.members:
            if slot.response != ACCEPTED or slot.follow_up is not None:
                continue
            if called_off(intro, slot):  # "I can't make it": there is no meeting to ask about
                slot.follow_up = "skipped"
                counts["skipped"] += 1
                continue
            member = await session.get(Member, slot.member_id) if slot.member_id else None
            # The follow-up gives way to the member's next proposal: it needs budget for both.
            reserve = 1 if member is not None and member.intro_opt_in else 0
            if (member is None or intro.revealed_at < due - FOLLOW_UP_MAX_DELAY
                    or await budget_left(session, member.id, now, config.attention) < 1 + reserve):
                slot.follow_up = "skipped"
                counts["skipped"] += 1
                continue
            others = [names[s.member_id] for s in intro.members
                      if s.response == ACCEPTED and s.member_id not in (None, member.id) and s.member_id in names]
            written = await notify_member(session, config, member,
                                          lambda t, o=others: follow_up_message(intro.id, _join_names(o, t))(t),
                                          key=f"mm:{intro.id}:{member.id}:followup", purpose="mm.followup",
                                          now=now, nudge=True)
            slot.follow_up = "sent" if written else "skipped"
            counts["sent" if written else "skipped"] += 1
    return counts


MET = {"y": "yes", "l": "not_yet", "n": "no"}


async def record_met(session: AsyncSession, intro: Introduction, member: Member, code: str, now: datetime) -> str:
    """Store a follow-up answer; returns not_member | bad | recorded."""
    slot = next((s for s in intro.members if s.member_id == member.id), None)
    if slot is None or intro.status != REVEALED:
        return "not_member"
    if code not in MET:
        return "bad"
    slot.met, slot.met_at = MET[code], now
    return "recorded"


# -- pauses ---------------------------------------------------------------------------------------

async def end_pauses(session: AsyncSession, config: Config, now: datetime) -> int:
    """Pauses that are over end here, each with one notice (sent outside the member's quiet hours)."""
    from zoneinfo import ZoneInfo

    ended = 0
    members = (await session.execute(select(Member).where(Member.paused_until.is_not(None),
                                                          Member.paused_until <= now))).scalars()
    for member in members:
        if member.intro_opt_in:
            zone = await member_timezone(session, member, config.network.timezone)
            if is_quiet(now.astimezone(ZoneInfo(zone)), config.attention):
                continue  # the pause is already over for rounds; the notice waits for a decent hour
            key = f"mm:resume:{member.id}:{member.paused_until.date().isoformat()}"
            await notify_member(session, config, member, lambda t: Reply(t("matchmaking.resumed")),
                                key=key, purpose="mm.resume", now=now)
        member.paused_until = None
        ended += 1
    return ended
