"""The campaigns' share of /mydata and /forget: campaigns received, answers given, "interested"
presses, opt-outs, the member's notification settings, and the groups they were seen joining."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.render import text_in
from storage.models import Member
from storage.models.campaigns import Campaign, CampaignRecipient, ChatMember, NotificationPrefs


async def export(session: AsyncSession, member: Member) -> dict:
    rows = await session.execute(
        select(CampaignRecipient, Campaign).join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(CampaignRecipient.member_id == member.id).order_by(CampaignRecipient.id))
    received = []
    for recipient, campaign in rows:
        poll = campaign.poll or []
        received.append({
            "campaign": campaign.id,
            "text": text_in(campaign, member.locale or "fr"),
            "written_at": recipient.created_at.isoformat(),
            "outcome": recipient.status,
            "answer": poll[recipient.answer] if recipient.answer is not None and recipient.answer < len(poll) else None,
            "interested": recipient.interested_at.isoformat() if recipient.interested_at else None,
            "stopped_campaigns": recipient.opted_out,
        })
    prefs = await session.get(NotificationPrefs, member.id)
    settings = None if prefs is None else {
        "muted": list(prefs.muted or []), "quiet_start": prefs.quiet_start, "quiet_end": prefs.quiet_end,
        "quiet_weekends": prefs.quiet_weekends, "budget_per_30_days": prefs.budget,
        "paused_until": prefs.paused_until.isoformat() if prefs.paused_until else None,
    }
    authored = list((await session.execute(select(Campaign.id).where(Campaign.author_id == member.id))).scalars())
    groups = [f"{c.platform}:{c.chat_id}" for c in (await session.execute(
        select(ChatMember).where(ChatMember.member_id == member.id))).scalars()]
    return {"received": received, "notification_settings": settings, "campaigns_written": authored,
            "groups_seen_joining": groups}


async def erase(session: AsyncSession, member: Member, **_: object) -> None:
    """Delete what the member received and answered (their answers leave the counts) and their settings.
    Campaigns they wrote stay, without their name (the author link is cleared)."""
    await session.execute(delete(CampaignRecipient).where(CampaignRecipient.member_id == member.id))
    await session.execute(delete(NotificationPrefs).where(NotificationPrefs.member_id == member.id))
    await session.execute(delete(ChatMember).where(ChatMember.member_id == member.id))
    for campaign in (await session.execute(select(Campaign).where(
            (Campaign.author_id == member.id) | (Campaign.contact_id == member.id)))).scalars():
        if campaign.author_id == member.id:
            campaign.author_id, campaign.author_user_id = None, ""
        if campaign.contact_id == member.id:
            campaign.contact_id = None
