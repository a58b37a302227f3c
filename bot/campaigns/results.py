"""A campaign's results: targeted, sent, deferred (waiting for quiet hours or its slot), skipped for
budget, muted, unreachable, answers per poll option, "interested", opt-outs. Poll answers are
anonymous counts: nobody sees who answered what."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.sending import key_prefix
from storage.models import OutboxMessage
from storage.models.campaigns import Campaign, CampaignRecipient
from storage.models.runtime import OutboxStatus


async def campaign_stats(session: AsyncSession, campaign: Campaign) -> dict:
    recipients = Counter(dict((await session.execute(
        select(CampaignRecipient.status, func.count()).where(CampaignRecipient.campaign_id == campaign.id)
        .group_by(CampaignRecipient.status))).all()))
    outbox = Counter(dict((await session.execute(
        select(OutboxMessage.status, func.count()).where(
            OutboxMessage.key.like(key_prefix(campaign.id) + "%"), OutboxMessage.purpose == "campaign",
            OutboxMessage.user_id.is_not(None))
        .group_by(OutboxMessage.status))).all()))
    answers = dict((await session.execute(
        select(CampaignRecipient.answer, func.count()).where(CampaignRecipient.campaign_id == campaign.id,
                                                             CampaignRecipient.answer.is_not(None))
        .group_by(CampaignRecipient.answer))).all())
    interested, opt_outs = (await session.execute(select(
        func.count(CampaignRecipient.interested_at),
        func.count().filter(CampaignRecipient.opted_out.is_(True)))
        .where(CampaignRecipient.campaign_id == campaign.id))).one()
    return {
        "id": campaign.id,
        "status": campaign.status,
        "targeted": sum(recipients.values()),
        "sent": outbox.get(OutboxStatus.SENT, 0),
        "waiting": sum(outbox.get(s, 0) for s in OutboxStatus.OPEN) + outbox.get(OutboxStatus.SENDING, 0),
        "deferred": recipients.get("deferred", 0),
        "skipped_budget": recipients.get("no_budget", 0),
        "muted": recipients.get("muted", 0),
        "unreachable": recipients.get("unreachable", 0) + outbox.get(OutboxStatus.UNREACHABLE, 0),
        "cancelled": outbox.get(OutboxStatus.CANCELLED, 0),
        "answers": {option: answers.get(index, 0) for index, option in enumerate(campaign.poll or [])},
        "interested": int(interested or 0),
        "opt_outs": int(opt_outs or 0),
    }
