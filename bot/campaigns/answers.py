"""What members do with a campaign: answer its poll (once per member: a new press changes the
answer, never adds one), say "I'm interested" (a double opt-in introduction with the animator or the
named host), or stop campaigns altogether (honoured at once: their campaign messages still waiting
in the outbox are cancelled too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.members.contacts import contact_card, contact_lines
from bot.outbox.notify import member_identity, notify_member
from bot.outbox.preferences import prefs_for_update
from bot.types import Button, Reply
from storage.models import Member, OutboxMessage
from storage.models.campaigns import Campaign, CampaignRecipient
from storage.models.runtime import OutboxStatus


async def recipient_of(session: AsyncSession, campaign_id: int, member_id: int) -> CampaignRecipient | None:
    """The member's row for the campaign's latest sending that reached them (None: not a recipient)."""
    return (await session.execute(
        select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id,
                                        CampaignRecipient.member_id == member_id,
                                        CampaignRecipient.status.in_(("queued", "deferred")))
        .order_by(CampaignRecipient.occurrence.desc()).limit(1))).scalar_one_or_none()


async def answer_poll(session: AsyncSession, recipient: CampaignRecipient, option: int) -> bool:
    """Record the answer; returns True when it replaced an earlier, different one."""
    changed = recipient.answer is not None and recipient.answer != option
    recipient.answer = option
    return changed


async def stop_campaigns(session: AsyncSession, member_id: int, now: datetime,
                         recipient: CampaignRecipient | None = None) -> int:
    """Mute campaigns for this member everywhere; returns how many waiting campaign messages were cancelled."""
    prefs = await prefs_for_update(session, member_id, now)
    if "campaigns" not in (prefs.muted or []):
        prefs.muted = [*(prefs.muted or []), "campaigns"]
    if recipient is not None:
        recipient.opted_out = True
    result = await session.execute(update(OutboxMessage).where(
        OutboxMessage.member_id == member_id, OutboxMessage.purpose == "campaign",
        OutboxMessage.status == OutboxStatus.PENDING,
    ).values(status=OutboxStatus.CANCELLED, last_error="the member stopped campaigns"))
    return result.rowcount or 0


async def contact_person(session: AsyncSession, campaign: Campaign) -> Member | None:
    """Who an interested member is introduced to: the named host, else the campaign's author."""
    for member_id in (campaign.contact_id, campaign.author_id):
        if member_id is not None:
            member = await session.get(Member, member_id)
            if member is not None:
                return member
    return None


async def ask_contact(session: AsyncSession, config: Config, campaign: Campaign, recipient: CampaignRecipient,
                      member: Member, now: datetime) -> bool:
    """Tell the contact person someone is interested, with "introduce us" / "not now" buttons
    (the first opt-in was the member's press; the contact's is the second)."""
    contact = await contact_person(session, campaign)
    if contact is None or contact.id == member.id:
        return False
    title = _title(campaign)

    def render(t: Translator) -> Reply:
        return Reply(t("campaigns.interest.ask", name=member.display_name, title=title),
                     buttons=((Button(t("campaigns.interest.yes"), "cp.iy", str(recipient.id)),
                               Button(t("campaigns.interest.no"), "cp.in", str(recipient.id))),))

    # Asked for by the contact when they added the button: a transactional message, not a nudge.
    return await notify_member(session, config, contact, render, key=f"campaign:{campaign.id}:interest:{recipient.id}",
                               purpose="campaign_interest", now=now)


async def introduce(session: AsyncSession, config: Config, campaign: Campaign, contact: Member, member: Member,
                    now: datetime) -> None:
    """Both said yes: each gets the other's contacts (transactional)."""
    title = _title(campaign)
    for reader, other in ((member, contact), (contact, member)):
        identity = await member_identity(session, reader.id)
        if identity is None:
            continue
        parts = await contact_card(session, other, identity.platform)

        def render(t: Translator, other=other, parts=parts) -> Reply:
            return Reply(t("campaigns.interest.reveal", name=other.display_name, title=title,
                           contact=contact_lines(parts, t)))

        await notify_member(session, config, reader, render, key=f"campaign:{campaign.id}:intro:{member.id}:{reader.id}",
                            purpose="campaign_intro", now=now, platform=identity.platform)


def _title(campaign: Campaign) -> str:
    text = (campaign.text_fr or campaign.text_en).strip().splitlines()[0] if (campaign.text_fr or campaign.text_en) else ""
    return text if len(text) <= 60 else text[:59] + "…"
