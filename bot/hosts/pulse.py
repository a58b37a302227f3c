"""The weekly pulse: at most one short DM a week to each host, skipped when there is nothing to say.

It gives the host their venue's week to come, what came from the network (new members at their
venue, introductions involving their members, neighbours' events their members are going to),
and one question with buttons: "anything you need from the network this week?" (a skill, a hand
for an event, a room, nothing), and a button to stop the pulse (`/pulse on` brings it back). The answers are summarised once in the hosts' chat, with who
asked: hosts are not anonymous to each other.

Once a week is kept by the database (one `HostPulse` per host and ISO week), not by the scheduler,
so a job run twice or caught up after a restart sends nothing twice. Pulses are nudges: quiet hours
defer them and the shared attention budget applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.render import format_when
from bot.hosts.network_chat import hosts_chats
from bot.i18n import Translator
from bot.phrases import spoken_list
from bot.outbox.notify import notify_chat, notify_member
from bot.types import Button, Reply
from storage.models import Member, Role, Venue
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.hosts_partners import PULSE_ANSWERS, HostPulse, HostPulseOptOut
from storage.models.intro_requests import IntroRequest
from storage.models.matchmaking import Introduction, IntroductionMember

PURPOSE = "host_pulse"
WEEK = timedelta(days=7)
SHOWN_EVENTS = 3


def iso_week(now: datetime, zone: str) -> str:
    year, week, _ = now.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class PulseFacts:
    """What one host's pulse says; empty facts mean no pulse this week."""

    venues: list[str]
    events: list[tuple[str, datetime]] = field(default_factory=list)  # (title, start) of the week to come
    event_count: int = 0
    new_members: int = 0
    introductions: int = 0
    neighbour_rsvps: int = 0

    def empty(self) -> bool:
        return not (self.event_count or self.new_members or self.introductions or self.neighbour_rsvps)


async def hosts_and_venues(session: AsyncSession) -> dict[int, list[int]]:
    rows = await session.execute(select(Role.member_id, Role.venue_id).where(Role.role == "host",
                                                                             Role.venue_id.is_not(None))
                                 .order_by(Role.member_id, Role.venue_id))
    found: dict[int, list[int]] = {}
    for member_id, venue_id in rows:
        found.setdefault(member_id, []).append(venue_id)
    return found


async def facts_for(session: AsyncSession, venue_ids: Iterable[int], now: datetime) -> PulseFacts:
    venue_ids = list(venue_ids)
    names = list((await session.execute(select(Venue.name).where(Venue.id.in_(venue_ids))
                                        .order_by(Venue.name))).scalars())
    facts = PulseFacts(names)
    hosted = select(EventVenue.event_id).where(EventVenue.venue_id.in_(venue_ids))
    coming = (select(Event.title, Event.starts_at).where(Event.id.in_(hosted), Event.status == "published",
                                                         Event.starts_at >= now, Event.starts_at < now + WEEK)
              .order_by(Event.starts_at, Event.id))
    rows = (await session.execute(coming)).all()
    facts.event_count, facts.events = len(rows), [(title, start) for title, start in rows[:SHOWN_EVENTS]]
    theirs = select(Member.id).where(Member.home_venue_id.in_(venue_ids))
    hosts = select(Role.member_id).where(Role.role == "host", Role.venue_id.in_(venue_ids))
    # Joined (consented) this week; the venue's own hosts are not news to themselves.
    facts.new_members = (await session.execute(select(func.count()).select_from(Member).where(
        Member.home_venue_id.in_(venue_ids), Member.consent_at >= now - WEEK, Member.consent_at <= now,
        Member.id.notin_(hosts)))).scalar_one()
    requests = (await session.execute(select(func.count()).select_from(IntroRequest).where(
        IntroRequest.status == "accepted", IntroRequest.responded_at >= now - WEEK,
        or_(IntroRequest.requester_id.in_(theirs), IntroRequest.addressee_id.in_(theirs))))).scalar_one()
    rounds = (await session.execute(select(func.count(func.distinct(Introduction.id))).select_from(Introduction)
                                    .join(IntroductionMember, IntroductionMember.introduction_id == Introduction.id)
                                    .where(Introduction.revealed_at >= now - WEEK,
                                           IntroductionMember.venue_id.in_(venue_ids)))).scalar_one()
    facts.introductions = requests + rounds
    facts.neighbour_rsvps = (await session.execute(select(func.count()).select_from(Rsvp).join(
        Event, Event.id == Rsvp.event_id).where(
        Rsvp.status == "going", Rsvp.member_id.in_(theirs), Event.id.notin_(hosted), Event.status == "published",
        Event.starts_at >= now - WEEK, Event.starts_at < now + WEEK))).scalar_one()
    return facts


def pulse_message(pulse_id: int, facts: PulseFacts, zone: str, now: datetime) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        lines = [t("hosts.pulse.head", venues=spoken_list(facts.venues, t))]
        if facts.event_count:
            lines.append(t("hosts.pulse.events", count=facts.event_count))
            lines += [f"· {format_when(start, zone, t.locale, now)} — {title}" for title, start in facts.events]
        else:
            lines.append(t("hosts.pulse.no_events"))
        if facts.new_members:
            lines.append(t("hosts.pulse.new_members", count=facts.new_members))
        if facts.introductions:
            lines.append(t("hosts.pulse.introductions", count=facts.introductions))
        if facts.neighbour_rsvps:
            lines.append(t("hosts.pulse.neighbours", count=facts.neighbour_rsvps))
        lines.append(t("hosts.pulse.question"))
        lines.append(t("hosts.pulse.why"))
        buttons = tuple((Button(t(f"hosts.pulse.answer.{a}"), "pulse", f"{pulse_id}:{a}"),) for a in PULSE_ANSWERS)
        buttons += ((Button(t("hosts.pulse.stop"), "pulse", f"{pulse_id}:stop"),),)
        return Reply("\n".join(lines), buttons=buttons)

    return render


async def send_pulses(session: AsyncSession, config: Config, now: datetime) -> int:
    """Send this week's pulses not sent yet; returns how many were written."""
    zone = config.network.timezone
    week = iso_week(now, zone)
    sent = 0
    facts_of: dict[tuple[int, ...], PulseFacts] = {}  # the hosts of one venue share its facts: read once
    off = set((await session.execute(select(HostPulseOptOut.member_id))).scalars())
    for member_id, venue_ids in (await hosts_and_venues(session)).items():
        if member_id in off:
            continue
        already = (await session.execute(select(HostPulse.id).where(HostPulse.member_id == member_id,
                                                                    HostPulse.week == week))).first()
        member = await session.get(Member, member_id)
        if already or member is None:
            continue
        venues_key = tuple(venue_ids)
        if venues_key not in facts_of:
            facts_of[venues_key] = await facts_for(session, venue_ids, now)
        facts = facts_of[venues_key]
        if facts.empty():
            continue
        pulse = HostPulse(member_id=member_id, week=week, sent_at=now)
        session.add(pulse)
        await session.flush()
        if await notify_member(session, config, member, pulse_message(pulse.id, facts, zone, now),
                               key=f"pulse:{week}:{member_id}", purpose=PURPOSE, now=now, nudge=True):
            sent += 1
        else:  # unreachable or over budget: no pulse this week, and none recorded
            await session.delete(pulse)
            await session.flush()
    return sent


async def summarise(session: AsyncSession, config: Config, now: datetime) -> int:
    """Post the week's needs once in the hosts' chat; returns how many answers it named."""
    week = iso_week(now, config.network.timezone)
    rows = (await session.execute(select(HostPulse, Member).join(Member, Member.id == HostPulse.member_id).where(
        HostPulse.week == week, HostPulse.answer.is_not(None), HostPulse.summarised_at.is_(None))
        .order_by(HostPulse.answered_at, HostPulse.id))).all()
    asking = [(pulse, member) for pulse, member in rows if pulse.answer != "nothing"]
    for pulse, _member in rows:
        pulse.summarised_at = now
    chats = await hosts_chats(session)
    if not asking or not chats:
        return 0
    lines = []
    for pulse, member in asking:
        venues = (await session.execute(select(Venue.name).join(Role, Role.venue_id == Venue.id).where(
            Role.member_id == member.id, Role.role == "host").order_by(Venue.name))).scalars().all()
        lines.append((member.display_name, ", ".join(venues), pulse.answer, pulse.detail))
    t = Translator(config.network.default_locale)
    text = "\n".join([t("hosts.pulse.summary_head", week=week)] + [
        t("hosts.pulse.summary_line", name=name, venues=venues, need=t(f"hosts.pulse.need.{answer}"))
        + (f" — {detail}" if detail else "") for name, venues, answer, detail in lines] + [t("hosts.pulse.summary_foot")])
    for chat in chats:
        await notify_chat(session, chat, Reply(text, silent=True), key=f"pulse:{week}:summary:{chat.id}",
                          purpose=PURPOSE, now=now)
    return len(lines)
