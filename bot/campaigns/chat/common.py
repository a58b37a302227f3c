"""What the campaign handlers share: who may run a campaign, finding one from a typed id or a
button, and its preview."""

from __future__ import annotations

from sqlalchemy import select

from bot.campaigns.audience import Audience, describe
from bot.campaigns.reasons import reasons_for
from bot.campaigns.render import member_message
from bot.campaigns.sending import LATER, MUTED, NO_BUDGET, NOW, UNREACHABLE, headcount, sample_members
from bot.context import Context
from bot.events.render import format_when
from bot.i18n import Translator
from bot.payloads import parse_id
from bot.types import Button, Reply
from storage.member_skills import label_of, skill_by_slug
from storage.models import Venue
from storage.models.campaigns import Campaign, CampaignStatus

FLOW = "campaign"
SAMPLES = 3


async def may_send(ctx: Context) -> bool:
    """Animators anywhere; hosts for their own venue when the network allows it."""
    if await ctx.is_animator():
        return True
    return ctx.config.campaigns.hosts_may_send and bool(await ctx.hosted_venue_ids())


async def scope_venue(ctx: Context) -> int | None:
    """The venue a new campaign is limited to: None for an animator, the host's venue otherwise."""
    if await ctx.is_animator():
        return None
    hosted = sorted(await ctx.hosted_venue_ids())
    home = ctx.member.home_venue_id if ctx.member is not None else None
    return home if home in hosted else hosted[0]


async def can_manage(ctx: Context, campaign: Campaign) -> bool:
    if await ctx.is_animator():
        return True
    if not ctx.config.campaigns.hosts_may_send or campaign.venue_id is None:
        return False
    return campaign.venue_id in await ctx.hosted_venue_ids()


async def managed(ctx: Context, text: str) -> Campaign | None:
    """The campaign `text` names (an id), when this person may manage it."""
    campaign_id = parse_id(text.strip().lstrip("#"))
    campaign = await ctx.session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign is None or not await can_manage(ctx, campaign):
        return None
    return campaign


async def flow_campaign(ctx: Context, payload: str | None = None) -> Campaign | None:
    """The draft of this person's /campaign conversation (and the one the button names, if any),
    still editable and still theirs to manage: anything else is a stale or forged press."""
    conversation = ctx.conversation
    if conversation is None or conversation.flow != FLOW:
        return None
    campaign_id = conversation.data.get("id")
    if payload is not None and parse_id(payload) != campaign_id:
        return None
    campaign = await ctx.session.get(Campaign, campaign_id) if campaign_id else None
    if campaign is None or campaign.status not in CampaignStatus.EDITABLE or not await can_manage(ctx, campaign):
        return None
    return campaign


async def skill_labeller(ctx: Context, audience: Audience):
    labels = {}
    for slug in audience.offers + audience.needs + audience.interests:
        skill = await skill_by_slug(ctx.session, slug)
        labels[slug] = label_of(skill, ctx.locale) if skill is not None else slug
    return lambda slug: labels.get(slug, slug)


async def audience_lines(ctx: Context, campaign: Campaign) -> list[str]:
    audience = Audience.load(campaign.audience)
    names = dict((await ctx.session.execute(select(Venue.slug, Venue.name).where(
        Venue.slug.in_(audience.venues)))).all()) if audience.venues else {}
    lines = describe(audience, ctx.t, await skill_labeller(ctx, audience), lambda slug: names.get(slug, slug))
    if campaign.venue_id is not None:
        venue = await ctx.session.get(Venue, campaign.venue_id)
        lines.insert(0, ctx.t("campaigns.filter.scope", venue=venue.name if venue else "?"))
    return lines


def when_line(ctx: Context, campaign: Campaign) -> str:
    zone = ctx.config.network.timezone
    if campaign.send_at is None or campaign.send_at <= ctx.now:
        line = ctx.t("campaigns.when.now")
    else:
        line = ctx.t("campaigns.when.at", when=format_when(campaign.send_at, zone, ctx.locale, ctx.now))
    if campaign.recurring:
        line += " " + ctx.t("campaigns.when.recurring", cron=campaign.recurring)
    if campaign.spread_minutes:
        hours = campaign.spread_minutes / 60
        line += " " + ctx.t("campaigns.when.spread", hours=f"{hours:g}" if ctx.locale == "en"
                            else f"{hours:g}".replace(".", ","))
    return line


async def preview(ctx: Context, campaign: Campaign) -> list[Reply]:
    """The headcount split, the audience and schedule, the actions, then sample renders per language."""
    at = max(campaign.send_at or ctx.now, ctx.now)
    count = await headcount(ctx.session, ctx.config, campaign, at, ctx.now)
    audience = Audience.load(campaign.audience)
    if audience.chats:
        people = ctx.t("campaigns.preview.chats")
    else:
        people = ctx.t("campaigns.preview.headcount", count=count.total, now=count[NOW], later=count[LATER],
                       no_budget=count[NO_BUDGET], muted=count[MUTED] + count[UNREACHABLE])
    extras = button_lines(ctx, campaign)
    text = ctx.t("campaigns.preview.body", people=people, audience="\n".join(f"• {line}" for line in
                                                                             await audience_lines(ctx, campaign)),
                 when=when_line(ctx, campaign), buttons=extras)
    shown = await samples(ctx, campaign)
    if shown:  # as many as there are: a small audience gets fewer than SAMPLES
        text += "\n\n" + ctx.t("campaigns.preview.samples_intro", count=len(shown))
    cid = str(campaign.id)
    confirm = "campaigns.preview.send_button" if at <= ctx.now and not campaign.recurring else "campaigns.preview.schedule_button"
    buttons = (
        (Button(ctx.t(confirm), "cp.go", cid), Button(ctx.t("campaigns.preview.test_button"), "cp.test", cid)),
        (Button(ctx.t("campaigns.edit.text"), "cp.edit", f"{cid}:text"),
         Button(ctx.t("campaigns.edit.buttons"), "cp.edit", f"{cid}:buttons")),
        (Button(ctx.t("campaigns.edit.audience"), "cp.edit", f"{cid}:audience"),
         Button(ctx.t("campaigns.edit.schedule"), "cp.edit", f"{cid}:schedule")),
        (Button(ctx.t("campaigns.preview.draft_button"), "cp.keep", cid),
         Button(ctx.t("campaigns.preview.drop_button"), "cp.drop", cid)),
    )
    replies = [Reply(text, title=ctx.t("campaigns.preview.title", id=campaign.id), buttons=buttons)]
    return replies + shown


def button_lines(ctx: Context, campaign: Campaign) -> str:
    lines = []
    if campaign.link_url:
        lines.append(ctx.t("campaigns.extra.link", url=campaign.link_url))
    if campaign.event_id:
        lines.append(ctx.t("campaigns.extra.rsvp"))
    if campaign.poll:
        lines.append(ctx.t("campaigns.extra.poll", options=" / ".join(campaign.poll)))
    if campaign.interested:
        lines.append(ctx.t("campaigns.extra.interested"))
    return "\n".join(lines) if lines else ctx.t("campaigns.extra.none")


async def samples(ctx: Context, campaign: Campaign) -> list[Reply]:
    """Three renders in each language the campaign is written in, as real members of the audience
    will read them (their name is not shown: only the reason line differs)."""
    replies = []
    audience = Audience.load(campaign.audience)
    for locale in ("fr", "en"):
        if not (campaign.text_fr if locale == "fr" else campaign.text_en) and not (
                campaign.text_en if locale == "fr" else campaign.text_fr):
            continue
        t = Translator(locale)
        members = await sample_members(ctx.session, campaign, ctx.now, locale, SAMPLES)
        reasons = await reasons_for(ctx.session, audience, [m.id for m in members], ctx.config.network.name)
        for number, member in enumerate(members, start=1):
            render = member_message(campaign, t, reasons.why(member, t, scope_venue=campaign.venue_id))
            heading = ctx.t("campaigns.preview.sample", number=number, count=len(members), language=locale.upper())
            replies.append(Reply(f"{heading}\n\n{render.text}", buttons=()))
    return replies


async def upcoming_events(ctx: Context, limit: int = 6):
    from storage.models.events import Event

    return list((await ctx.session.execute(
        select(Event).where(Event.status == "published", Event.starts_at > ctx.now)
        .order_by(Event.starts_at, Event.id).limit(limit))).scalars())
