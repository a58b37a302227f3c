"""The buttons of the double opt-in: "I'm interested" / "Not for me" (a member), Accept / Decline
(the poster). Each press re-reads the opportunity and the interest: payloads can be forged, an
opportunity may have closed, and only its poster may answer."""

from __future__ import annotations

from bot.context import Context
from bot.members.contacts import contact_card, contact_lines
from bot.partners.interest import accept, decline, existing, show_interest
from bot.partners.opportunities import is_open
from bot.payloads import parse_id
from bot.registry import Access, Registry
from bot.types import Reply
from storage.models import Member
from storage.models.hosts_partners import PENDING, Opportunity, OpportunityInterest


async def interested_pressed(ctx: Context) -> Reply:
    opportunity_id = parse_id(ctx.args)
    row = await ctx.session.get(Opportunity, opportunity_id) if opportunity_id is not None else None
    if row is None or ctx.member is None:
        return ctx.expired(private=True)
    if not is_open(row, ctx.now):
        return Reply(ctx.t("partners.closed_already", title=row.title), private=True)
    if row.posted_by_id == ctx.member.id:
        return Reply(ctx.t("partners.own"), private=True)
    if await existing(ctx.session, row.id, ctx.member.id) is not None:
        return Reply(ctx.t("partners.interest_already", title=row.title), private=True)
    if await show_interest(ctx.session, ctx.config, row, ctx.member, ctx.now) is None:
        return Reply(ctx.t("partners.poster_gone"), private=True)
    return Reply(ctx.t("partners.interest_sent", title=row.title), private=True)


async def not_for_me_pressed(ctx: Context) -> Reply:
    return Reply(ctx.t("partners.noted"), edit=True, private=True)


async def _interest_for_poster(ctx: Context) -> tuple[OpportunityInterest, Opportunity, Member] | None:
    interest_id = parse_id(ctx.args)
    interest = await ctx.session.get(OpportunityInterest, interest_id) if interest_id is not None else None
    if interest is None or ctx.member is None or interest.status != PENDING or interest.member_id is None:
        return None
    row = await ctx.session.get(Opportunity, interest.opportunity_id)
    if row is None or row.posted_by_id != ctx.member.id:
        return None
    member = await ctx.session.get(Member, interest.member_id)
    return (interest, row, member) if member is not None else None


async def accept_pressed(ctx: Context) -> Reply:
    found = await _interest_for_poster(ctx)
    if found is None:
        return ctx.expired(private=True)
    interest, row, member = found
    if not is_open(row, ctx.now):
        return Reply(ctx.t("partners.closed_already", title=row.title), private=True)
    await accept(ctx.session, ctx.config, interest, row, ctx.member, member, ctx.now)
    card = await contact_card(ctx.session, member, ctx.identity.platform)
    return Reply(ctx.t("partners.accepted_poster", name=member.display_name, contact=contact_lines(card, ctx.t)),
                 edit=True, private=True)


async def decline_pressed(ctx: Context) -> Reply:
    found = await _interest_for_poster(ctx)
    if found is None:
        return ctx.expired(private=True)
    interest, row, member = found
    await decline(ctx.session, ctx.config, interest, row, member, ctx.now)
    return Reply(ctx.t("partners.declined_poster", name=member.display_name), edit=True, private=True)


def register(registry: Registry) -> None:
    registry.action("opp.int", access=Access.MEMBER)(interested_pressed)
    registry.action("opp.no", access=Access.MEMBER)(not_for_me_pressed)
    registry.action("opp.acc", access=Access.MEMBER)(accept_pressed)
    registry.action("opp.dec", access=Access.MEMBER)(decline_pressed)
