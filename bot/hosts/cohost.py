"""Co-hosting proposals between venues: the double opt-in that ends in a co-hosted event draft.

A host presses "Propose a co-hosted event" under a suggestion; the other venue's hosts get one
message with Accept / Decline and see it only as a proposal. The first of them to accept gets the
/event conversation opened on a draft with both venues as co-hosts (their venue first, since they
publish it), and the proposer is told; pressing Accept again reopens the draft until the event is
published. A decline tells the proposer plainly, without names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.hosts.suggestions import Suggestion
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from storage.models import Member, Role, Skill, Venue
from storage.models.events import Event
from storage.models.hosts_partners import ACCEPTED, DECLINED, CohostProposal

PURPOSE = "cohost"
DRAFT_AFTER = timedelta(days=14)  # a proposal without a date: a draft two weeks ahead, 18:30 local
DRAFT_TIME = time(18, 30)


async def hosts_of(session: AsyncSession, venue_id: int) -> list[Member]:
    return list((await session.execute(select(Member).join(Role, Role.member_id == Member.id).where(
        Role.role == "host", Role.venue_id == venue_id).order_by(Member.id))).scalars())


async def draft_title(session: AsyncSession, suggestion: Suggestion, locale: str) -> tuple[str, datetime | None]:
    """The draft's working title (in the network's language) and start, from what the suggestion is about."""
    t = Translator(locale)
    if suggestion.kind == "same_evening" and suggestion.event_id:
        event = await session.get(Event, suggestion.event_id)
        if event is not None:
            return event.title, event.starts_at
    if suggestion.skill_ids:
        skill = await session.get(Skill, suggestion.skill_ids[0])
        if skill is not None:
            return t("hosts.cohost.title_skill", skill=skill.label_en if t.locale == "en" else skill.label_fr), None
    mine, other = await session.get(Venue, suggestion.venue_id), await session.get(Venue, suggestion.other_id)
    return t("hosts.cohost.title_meet", a=mine.name if mine else "?", b=other.name if other else "?"), None


def ask_message(proposal_id: int, proposer: str, venue: str, about: dict[str, str]) -> Callable[[Translator], Reply]:
    """`about`: the suggestion in each language, as the proposer saw it (the reader's is used)."""

    def render(t: Translator) -> Reply:
        buttons = ((Button(t("hosts.cohost.accept"), "cohost.acc", str(proposal_id)),
                    Button(t("hosts.cohost.decline"), "cohost.dec", str(proposal_id))),)
        text = about.get(t.locale) or next(iter(about.values()), "")
        return Reply(t("hosts.cohost.ask", name=proposer, venue=venue, about=text), buttons=buttons)

    return render


async def propose(session: AsyncSession, config: Config, suggestion: Suggestion, proposer: Member, about: dict[str, str],
                  now: datetime) -> CohostProposal | None:
    """Record the proposal and ask each host of the other venue; None when it has no host to ask."""
    hosts = [h for h in await hosts_of(session, suggestion.other_id) if h.id != proposer.id]
    if not hosts:
        return None
    title, starts_at = await draft_title(session, suggestion, config.network.default_locale)
    proposal = CohostProposal(key=suggestion.key, kind=suggestion.kind, from_venue_id=suggestion.venue_id,
                              to_venue_id=suggestion.other_id, proposer_id=proposer.id,
                              skill_id=suggestion.skill_ids[0] if suggestion.skill_ids else None, title=title,
                              starts_at=starts_at, status="pending", created_at=now)
    session.add(proposal)
    await session.flush()
    venue = await session.get(Venue, suggestion.venue_id)
    for host in hosts:
        # A person's request: deferred past quiet hours, never dropped by the budget.
        await notify_member(session, config, host, ask_message(proposal.id, proposer.display_name,
                                                               venue.name if venue else "?", about),
                            key=f"cohost:{proposal.id}:ask:{host.id}", purpose=PURPOSE, now=now, nudge=True,
                            over_budget=True)
    return proposal


def draft_start(proposal: CohostProposal, zone: str, now: datetime) -> datetime:
    if proposal.starts_at is not None and proposal.starts_at > now:
        return proposal.starts_at
    day = (now + DRAFT_AFTER).astimezone(ZoneInfo(zone)).date()
    return datetime.combine(day, DRAFT_TIME, ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def answer_message(key: str, venue: str, title: str) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        return Reply(t(key, venue=venue, title=title))

    return render


async def settle(session: AsyncSession, config: Config, proposal: CohostProposal, responder: Member, accepted: bool,
                 now: datetime) -> None:
    """Record the answer and tell the proposer (transactional: they asked)."""
    proposal.status = ACCEPTED if accepted else DECLINED
    proposal.responder_id, proposal.responded_at = responder.id, now
    proposer = await session.get(Member, proposal.proposer_id) if proposal.proposer_id else None
    venue = await session.get(Venue, proposal.to_venue_id)
    if proposer is None:
        return
    key = "hosts.cohost.accepted_proposer" if accepted else "hosts.cohost.declined_proposer"
    await notify_member(session, config, proposer, answer_message(key, venue.name if venue else "?", proposal.title),
                        key=f"cohost:{proposal.id}:answer", purpose=PURPOSE, now=now)
