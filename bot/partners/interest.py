""""I'm interested": the double opt-in between a member and an opportunity's poster.

Pressing "I'm interested" is the member's consent to be shown to the poster, and only then does
the poster learn their name (never the list of members proposed). The poster accepts or declines:
on accept both get each other's contact; on decline, or if the opportunity closes first, the
member gets the same neutral answer, so a refusal is never spelled out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.members.contacts import contact_card, contact_lines
from bot.outbox.notify import member_identity, notify_member
from bot.partners.opportunities import PURPOSE
from bot.types import Button, Reply
from storage.models import Activity, Member, Venue
from storage.models.hosts_partners import ACCEPTED, DECLINED, PENDING, Opportunity, OpportunityInterest


def ask_key(interest_id: int) -> str:
    return f"oppi:{interest_id}:ask"


async def existing(session: AsyncSession, opportunity_id: int, member_id: int) -> OpportunityInterest | None:
    return (await session.execute(select(OpportunityInterest).where(
        OpportunityInterest.opportunity_id == opportunity_id, OpportunityInterest.member_id == member_id))
    ).scalar_one_or_none()


async def show_interest(session: AsyncSession, config: Config, opportunity: Opportunity, member: Member,
                        now: datetime) -> OpportunityInterest | None:
    """Record the interest and ask the poster; None when the poster cannot be reached."""
    poster = await session.get(Member, opportunity.posted_by_id) if opportunity.posted_by_id else None
    if poster is None or await member_identity(session, poster.id) is None:
        return None
    interest = OpportunityInterest(opportunity_id=opportunity.id, member_id=member.id, status=PENDING, created_at=now)
    session.add(interest)
    await session.flush()
    venue = await session.get(Venue, member.home_venue_id) if member.home_venue_id else None
    name, venue_name, title, interest_id = member.display_name, venue.name if venue else None, opportunity.title, interest.id

    def render(t: Translator) -> Reply:
        text = t("partners.ask_poster", name=name, venue=venue_name or t("partners.no_venue"), title=title)
        buttons = ((Button(t("partners.poster_accept"), "opp.acc", str(interest_id)),
                    Button(t("partners.poster_decline"), "opp.dec", str(interest_id))),)
        return Reply(text, buttons=buttons)

    # Asked for by a person (the member pressed): a nudge for quiet hours, but never dropped by the budget.
    await notify_member(session, config, poster, render, key=ask_key(interest.id), purpose=PURPOSE, now=now,
                        nudge=True, over_budget=True)
    return interest


def neutral(title: str) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        return Reply(t("partners.no_answer", title=title))

    return render


async def accept(session: AsyncSession, config: Config, interest: OpportunityInterest, opportunity: Opportunity,
                 poster: Member, member: Member, now: datetime) -> None:
    """Both accepted: the member is told the poster's contact (the poster sees the member's in the answer)."""
    interest.status, interest.responded_at = ACCEPTED, now
    session.add(Activity(kind="intro_made", public=True, data={"source": "opportunity"}, created_at=now))
    identity = await member_identity(session, member.id)
    if identity is not None:
        card = await contact_card(session, poster, identity.platform)
        poster_name, title = poster.display_name, opportunity.title

        def render(t: Translator) -> Reply:
            return Reply(t("partners.accepted_member", name=poster_name, title=title, contact=contact_lines(card, t)))

        await notify_member(session, config, member, render, key=f"oppi:{interest.id}:accepted", purpose=PURPOSE,
                            now=now, platform=identity.platform)


async def decline(session: AsyncSession, config: Config, interest: OpportunityInterest, opportunity: Opportunity,
                  member: Member, now: datetime) -> None:
    interest.status, interest.responded_at = DECLINED, now
    await notify_member(session, config, member, neutral(opportunity.title), key=f"oppi:{interest.id}:closed",
                        purpose=PURPOSE, now=now)
