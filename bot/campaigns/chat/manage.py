"""/campaign with a word: list, results, edit, pause, resume, cancel, stop (French words too).

Drafts, scheduled, paused and recurring campaigns can be edited, paused and cancelled until they go;
a campaign already sending can be stopped: what was not yet written to the outbox is never sent,
and what waits there (quiet hours, a spread sending) is cancelled."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.campaigns.chat.common import FLOW, can_manage, managed, preview, when_line
from bot.campaigns.chat.compose import start
from bot.campaigns.render import text_in
from bot.campaigns.results import campaign_stats
from bot.campaigns.sending import key_prefix
from bot.context import Context
from bot.types import Reply
from storage.models import OutboxMessage
from storage.models.campaigns import Campaign, CampaignStatus
from storage.models.runtime import OutboxStatus

WORDS = {
    "list": "list", "liste": "list", "lister": "list",
    "results": "results", "result": "results", "stats": "results", "resultats": "results", "résultats": "results",
    "edit": "edit", "modifier": "edit",
    "pause": "pause", "resume": "resume", "reprendre": "resume",
    "cancel": "cancel", "annuler": "cancel",
    "stop": "stop", "arreter": "stop", "arrêter": "stop",
}
LISTED = 15


async def campaign_command(ctx: Context) -> Reply | list[Reply]:
    word, _, rest = ctx.args.strip().partition(" ")
    if not word:
        return await start(ctx)
    action = WORDS.get(word.lower())
    if action is None:
        return Reply(ctx.t("campaigns.manage.unknown_word", word=word))
    if action == "list":
        return await list_campaigns(ctx)
    campaign = await managed(ctx, rest)
    if campaign is None:
        return Reply(ctx.t("campaigns.manage.not_found", id=rest.strip() or "?"))
    return await ACTIONS[action](ctx, campaign)


async def list_campaigns(ctx: Context) -> Reply:
    rows = list((await ctx.session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(100))).scalars())
    mine = [c for c in rows if await can_manage(ctx, c)][:LISTED]
    if not mine:
        return Reply(ctx.t("campaigns.manage.none"))
    lines = []
    for campaign in mine:
        title = text_in(campaign, ctx.locale).splitlines()[0][:50] if text_in(campaign, ctx.locale) else "…"
        lines.append(ctx.t("campaigns.manage.line", id=campaign.id, status=ctx.t(f"campaigns.status.{campaign.status}"),
                           title=title, when=when_line(ctx, campaign)))
    return Reply("\n".join(lines), title=ctx.t("campaigns.manage.list_title"))


async def results(ctx: Context, campaign: Campaign) -> Reply:
    stats = await campaign_stats(ctx.session, campaign)
    lines = [ctx.t("campaigns.results.body", **{k: v for k, v in stats.items() if isinstance(v, int)})]
    for option, count in stats["answers"].items():
        lines.append(ctx.t("campaigns.results.answer", option=option, count=count))
    return Reply("\n".join(lines), title=ctx.t("campaigns.results.title", id=campaign.id,
                                               status=ctx.t(f"campaigns.status.{campaign.status}")))


async def edit(ctx: Context, campaign: Campaign) -> Reply | list[Reply]:
    if campaign.status not in CampaignStatus.EDITABLE:
        return Reply(ctx.t("campaigns.manage.too_late", id=campaign.id))
    campaign.status = CampaignStatus.DRAFT  # the job leaves it alone while it is being edited
    await ctx.start_flow(FLOW, "preview", {"id": campaign.id})
    return await preview(ctx, campaign)


async def pause(ctx: Context, campaign: Campaign) -> Reply:
    if campaign.status != CampaignStatus.SCHEDULED:
        return Reply(ctx.t("campaigns.manage.cannot_pause", id=campaign.id))
    campaign.status = CampaignStatus.PAUSED
    return Reply(ctx.t("campaigns.manage.paused", id=campaign.id))


async def resume(ctx: Context, campaign: Campaign) -> Reply:
    if campaign.status not in (CampaignStatus.PAUSED, CampaignStatus.DRAFT):
        return Reply(ctx.t("campaigns.manage.cannot_resume", id=campaign.id))
    if not (campaign.text_fr or campaign.text_en):
        return Reply(ctx.t("campaigns.manage.incomplete", id=campaign.id))
    campaign.status = CampaignStatus.SCHEDULED
    if campaign.send_at is None or campaign.send_at < ctx.now:
        campaign.send_at = ctx.now
    return Reply(ctx.t("campaigns.manage.resumed", id=campaign.id, when=when_line(ctx, campaign)))


async def cancel(ctx: Context, campaign: Campaign) -> Reply:
    if campaign.status == CampaignStatus.SENDING:
        return await stop(ctx, campaign)
    if campaign.status not in CampaignStatus.EDITABLE:
        return Reply(ctx.t("campaigns.manage.too_late", id=campaign.id))
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = ctx.now
    return Reply(ctx.t("campaigns.manage.cancelled", id=campaign.id))


async def stop(ctx: Context, campaign: Campaign) -> Reply:
    """Written out already (a spread sending) or still writing: what has not left yet never will."""
    stoppable = (CampaignStatus.SENDING, CampaignStatus.SCHEDULED, CampaignStatus.PAUSED, CampaignStatus.SENT)
    if campaign.status not in stoppable:
        return Reply(ctx.t("campaigns.manage.too_late", id=campaign.id))
    result = await ctx.session.execute(update(OutboxMessage).where(
        OutboxMessage.key.like(key_prefix(campaign.id) + "%"), OutboxMessage.purpose == "campaign",
        OutboxMessage.status == OutboxStatus.PENDING,
    ).values(status=OutboxStatus.CANCELLED, last_error="the campaign was stopped"))
    cancelled = result.rowcount or 0
    if campaign.status == CampaignStatus.SENT and not cancelled:
        return Reply(ctx.t("campaigns.manage.too_late", id=campaign.id))
    campaign.status = CampaignStatus.STOPPED
    campaign.finished_at = ctx.now
    return Reply(ctx.t("campaigns.manage.stopped", id=campaign.id, count=cancelled))


ACTIONS = {"results": results, "edit": edit, "pause": pause, "resume": resume, "cancel": cancel, "stop": stop}
