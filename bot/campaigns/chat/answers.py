"""The buttons under a campaign a member received: a poll answer, "I'm interested", "no more
campaigns"; and the contact's "introduce us" / "not now". Each press is checked against the
member's own recipient row (a forged payload naming another campaign or option is refused)."""

from __future__ import annotations

from bot.campaigns.answers import answer_poll, ask_contact, contact_person, introduce, recipient_of, stop_campaigns
from bot.campaigns.audience import record_chat_member
from bot.context import Context
from bot.payloads import parse_id
from bot.types import Reply
from storage.models import Member
from storage.models.campaigns import Campaign, CampaignRecipient


async def _mine(ctx: Context, campaign_text: str) -> tuple[Campaign, CampaignRecipient] | None:
    campaign_id = parse_id(campaign_text)
    if campaign_id is None or ctx.member is None:
        return None
    campaign = await ctx.session.get(Campaign, campaign_id)
    recipient = await recipient_of(ctx.session, campaign_id, ctx.member.id) if campaign else None
    return (campaign, recipient) if recipient is not None else None


async def poll_pressed(ctx: Context) -> Reply:
    campaign_text, _, option_text = ctx.args.partition(":")
    found = await _mine(ctx, campaign_text)
    option = parse_id(option_text)
    if found is None or option is None or option >= len(found[0].poll or []):
        return ctx.expired(private=True)
    campaign, recipient = found
    changed = await answer_poll(ctx.session, recipient, option)
    key = "campaigns.answer.changed" if changed else "campaigns.answer.thanks"
    return Reply(ctx.t(key, option=campaign.poll[option]), private=True)


async def interested_pressed(ctx: Context) -> Reply:
    found = await _mine(ctx, ctx.args)
    if found is None or not found[0].interested:
        return ctx.expired(private=True)
    campaign, recipient = found
    if recipient.interested_at is not None:
        return Reply(ctx.t("campaigns.interest.already"), private=True)
    contact = await contact_person(ctx.session, campaign)
    if contact is None or not await ask_contact(ctx.session, ctx.config, campaign, recipient, ctx.member, ctx.now):
        return Reply(ctx.t("campaigns.interest.nobody"), private=True)
    recipient.interested_at = ctx.now
    return Reply(ctx.t("campaigns.interest.noted", name=contact.display_name), private=True)


async def stop_pressed(ctx: Context) -> Reply:
    campaign_id = parse_id(ctx.args)
    if campaign_id is None or ctx.member is None:
        return ctx.expired(private=True)
    recipient = await recipient_of(ctx.session, campaign_id, ctx.member.id)
    cancelled = await stop_campaigns(ctx.session, ctx.member.id, ctx.now, recipient)
    return Reply(ctx.t("campaigns.stopped", count=cancelled), private=True)


async def joined_chat(ctx: Context) -> None:
    """A member joined a group with the bot: remembered for the "members of one chat" filter."""
    if ctx.member is not None:
        await record_chat_member(ctx.session, ctx.chat.platform, ctx.chat.chat_id, ctx.member.id, ctx.now)


async def _interest_request(ctx: Context) -> tuple[Campaign, CampaignRecipient, Member] | None:
    recipient_id = parse_id(ctx.args)
    recipient = await ctx.session.get(CampaignRecipient, recipient_id) if recipient_id is not None else None
    if recipient is None or recipient.interested_at is None or ctx.member is None:
        return None
    campaign = await ctx.session.get(Campaign, recipient.campaign_id)
    contact = await contact_person(ctx.session, campaign) if campaign else None
    member = await ctx.session.get(Member, recipient.member_id)
    if contact is None or contact.id != ctx.member.id or member is None:
        return None
    return campaign, recipient, member


async def introduce_pressed(ctx: Context) -> Reply:
    found = await _interest_request(ctx)
    if found is None:
        return ctx.expired(private=True)
    campaign, recipient, member = found
    await introduce(ctx.session, ctx.config, campaign, ctx.member, member, ctx.now)
    return Reply(ctx.t("campaigns.interest.introduced", name=member.display_name), private=True)


async def decline_pressed(ctx: Context) -> Reply:
    found = await _interest_request(ctx)
    if found is None:
        return ctx.expired(private=True)
    return Reply(ctx.t("campaigns.interest.declined"), private=True)
