"""Opportunities: posting one, showing it, listing the open ones, and closing them at their date.

An opportunity is posted by a partner's contact (in the partner's name) or by a host (in the
network's). It is open until `closes_at`; the closing job (`jobs/partners.py`) closes it, closes
the interest still pending, and tells the poster the count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.render import audience_label, format_day
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.partners.kinds import opportunity_kind_label
from bot.types import Reply
from storage.models import Activity, Member, Skill, Venue
from storage.models.hosts_partners import ACCEPTED, CLOSED, PENDING, Opportunity, OpportunityInterest

PURPOSE = "opportunity"
MAX_TITLE = 200
MAX_PLACE = 200


@dataclass(frozen=True)
class OpportunityView:
    """What a card shows, read once, rendered in each reader's language."""

    id: int
    kind: str
    title: str
    description: str
    partner: str | None
    skills: tuple[tuple[str, str], ...]  # (French, English) labels
    audience: tuple[str, ...]
    place: str
    closes_at: datetime
    zone: str

    def skills_text(self, t: Translator) -> str:
        return ", ".join(en if t.locale == "en" else fr for fr, en in self.skills)

    def card(self, t: Translator) -> str:
        by = self.partner or t("partners.by_network")
        lines = [t("partners.card.head", kind=opportunity_kind_label(self.kind, t), title=self.title, by=by)]
        if self.description:
            lines.append(self.description)
        if self.skills:
            lines.append(t("partners.card.skills", skills=self.skills_text(t)))
        if self.audience:
            lines.append(t("partners.card.audience", audience=", ".join(audience_label(a, t) for a in self.audience)))
        if self.place:
            lines.append(t("partners.card.place", place=self.place))
        lines.append(t("partners.card.closes", day=format_day(self.closes_at.astimezone(ZoneInfo(self.zone)), t.locale)))
        return "\n".join(lines)


async def view_of(session: AsyncSession, opportunity: Opportunity, zone: str) -> OpportunityView:
    partner = await session.get(Venue, opportunity.partner_venue_id) if opportunity.partner_venue_id else None
    skills: tuple[tuple[str, str], ...] = ()
    if opportunity.skill_ids:
        rows = await session.execute(select(Skill.label_fr, Skill.label_en).where(Skill.id.in_(opportunity.skill_ids))
                                     .order_by(Skill.label_fr))
        skills = tuple((fr, en) for fr, en in rows)
    return OpportunityView(opportunity.id, opportunity.kind, opportunity.title, opportunity.description,
                           partner.name if partner else None, skills, tuple(opportunity.audience or ()),
                           opportunity.place, opportunity.closes_at, zone)


async def open_opportunities(session: AsyncSession, now: datetime, limit: int = 10) -> list[Opportunity]:
    """Open and not past their date (the closing job may not have run yet), closing soonest first."""
    statement = (select(Opportunity).where(Opportunity.status == "open", Opportunity.closes_at > now)
                 .order_by(Opportunity.closes_at, Opportunity.id).limit(limit))
    return list((await session.execute(statement)).scalars())


def is_open(opportunity: Opportunity | None, now: datetime) -> bool:
    return opportunity is not None and opportunity.status == "open" and opportunity.closes_at > now


async def interest_counts(session: AsyncSession, opportunity_id: int) -> tuple[int, int]:
    """(interested, introduced) for one opportunity."""
    rows = dict((await session.execute(select(OpportunityInterest.status, func.count()).where(
        OpportunityInterest.opportunity_id == opportunity_id).group_by(OpportunityInterest.status))).all())
    return sum(rows.values()), rows.get(ACCEPTED, 0)


def closed_message(title: str, proposed: int, interested: int, introduced: int) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        return Reply(t("partners.closed_poster", title=title, proposed=proposed, interested=interested,
                       introduced=introduced))

    return render


async def close(session: AsyncSession, config: Config, opportunity: Opportunity, now: datetime) -> None:
    """Close it, close the interest still pending, and tell the poster the count (once)."""
    opportunity.status, opportunity.closed_at = "closed", now
    pending = (await session.execute(select(OpportunityInterest).where(
        OpportunityInterest.opportunity_id == opportunity.id, OpportunityInterest.status == PENDING))).scalars()
    for interest in pending:
        interest.status, interest.responded_at = CLOSED, now
    await session.flush()
    session.add(Activity(kind="opportunity_closed", public=False, data={"opportunity": opportunity.id}, created_at=now))
    poster = await session.get(Member, opportunity.posted_by_id) if opportunity.posted_by_id else None
    if poster is None:
        return
    interested, introduced = await interest_counts(session, opportunity.id)
    await notify_member(session, config, poster, closed_message(opportunity.title, opportunity.proposed_count,
                                                                interested, introduced),
                        key=f"opp:{opportunity.id}:closed", purpose=PURPOSE, now=now)


async def close_due(session: AsyncSession, config: Config, now: datetime) -> int:
    due = (await session.execute(select(Opportunity).where(Opportunity.status == "open", Opportunity.closes_at <= now)
                                 .order_by(Opportunity.id))).scalars().all()
    for opportunity in due:
        await close(session, config, opportunity, now)
    return len(due)
