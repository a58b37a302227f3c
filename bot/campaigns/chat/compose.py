"""The /campaign conversation: the message in French and/or English, optional buttons (a link, an
event's RSVP, a poll of up to four answers, "I'm interested"), the audience, the schedule, then the
preview with a test send. Every step is saved on the draft campaign, so a draft survives a restart
and can be listed and reopened. Buttons act only inside this person's own conversation, on a
campaign they may still manage: any other press is "this button has expired"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.campaigns.audience import AudienceError, parse_audience
from bot.campaigns.chat.common import FLOW, flow_campaign, may_send, preview, scope_venue, upcoming_events
from bot.campaigns.schedule import ScheduleError, parse_schedule_text
from bot.campaigns.sending import test_send
from bot.context import Context
from bot.events.render import format_when
from bot.payloads import parse_id
from bot.types import Button, Reply
from bot.words import is_skip
from storage.models import Member, Role
from storage.models.campaigns import Campaign, CampaignStatus

MAX_TEXT = 3500  # leaves room for the reason line under Telegram's 4096 characters
MAX_POLL = 4
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
TEST_SENDS_PER_DRAFT = 10


async def start(ctx: Context) -> Reply | list[Reply]:
    if not await may_send(ctx):
        return Reply(ctx.t("campaigns.not_allowed"))
    member = ctx.member
    campaign = Campaign(author_id=member.id if member else None, author_platform=ctx.identity.platform,
                        author_user_id=ctx.identity.platform_user_id, venue_id=await scope_venue(ctx),
                        status=CampaignStatus.DRAFT, text_fr="", text_en="", poll=[], interested=False, audience={},
                        spread_minutes=0, occurrence=0, created_at=ctx.now)
    ctx.session.add(campaign)
    await ctx.session.flush()
    await ctx.start_flow(FLOW, "fr", {"id": campaign.id})
    return ask(ctx, campaign, "fr")


def ask(ctx: Context, campaign: Campaign, step: str) -> Reply:
    cid = str(campaign.id)
    if step in ("fr", "en"):
        skip = Button(ctx.t("campaigns.flow.skip_language"), "cp.skip", f"{cid}:{step}")
        return Reply(ctx.t(f"campaigns.ask.{step}"), buttons=((skip,),))
    if step == "buttons":
        rows = [(Button(ctx.t("campaigns.flow.add_link"), "cp.btn", f"{cid}:link"),
                 Button(ctx.t("campaigns.flow.add_poll"), "cp.btn", f"{cid}:poll")),
                (Button(ctx.t("campaigns.flow.add_interested"), "cp.btn", f"{cid}:int"),
                 Button(ctx.t("campaigns.flow.add_rsvp"), "cp.btn", f"{cid}:rsvp")),
                (Button(ctx.t("campaigns.flow.no_buttons" if not _has_buttons(campaign) else "campaigns.flow.done"),
                        "cp.btn", f"{cid}:done"),)]
        return Reply(ctx.t("campaigns.ask.buttons"), buttons=tuple(rows))
    if step == "link":
        return Reply(ctx.t("campaigns.ask.link"))
    if step == "poll":
        return Reply(ctx.t("campaigns.ask.poll", count=MAX_POLL))
    if step == "contact":
        return Reply(ctx.t("campaigns.ask.contact"),
                     buttons=((Button(ctx.t("campaigns.flow.contact_me"), "cp.me", cid),),))
    if step == "audience":
        everyone = Button(ctx.t("campaigns.flow.everyone"), "cp.all", cid)
        return Reply(ctx.t("campaigns.ask.audience"), buttons=((everyone,),))
    if step == "schedule":
        now = Button(ctx.t("campaigns.flow.now"), "cp.now", cid)
        return Reply(ctx.t("campaigns.ask.schedule"), buttons=((now,),))
    raise ValueError(step)


def _has_buttons(campaign: Campaign) -> bool:
    return bool(campaign.link_url or campaign.poll or campaign.interested or campaign.event_id)


async def next_step(ctx: Context, campaign: Campaign, after: str) -> Reply | list[Reply]:
    """Ask what follows `after`; an edit from the preview goes back to the preview."""
    order = {"fr": "en", "en": "buttons", "buttons": "audience", "audience": "schedule", "schedule": "preview"}
    following = order[after]
    if ctx.conversation.data.get("editing") and after != "fr":
        following = "preview"
    if following == "preview":
        await ctx.set_step("preview", editing=False)
        return await preview(ctx, campaign)
    await ctx.set_step(following)
    return ask(ctx, campaign, following)


async def typed(ctx: Context) -> Reply | list[Reply]:
    """Free text inside the conversation, read according to the step."""
    campaign = await flow_campaign(ctx)
    if campaign is None:
        await ctx.end_flow()
        return ctx.expired()
    step = ctx.conversation.step
    text = ctx.args.strip()
    if step in ("fr", "en"):
        if is_skip(text):
            return await _skip_language(ctx, campaign, step)
        if len(text) > MAX_TEXT:
            return Reply(ctx.t("campaigns.flow.too_long", max=MAX_TEXT, count=len(text)))
        setattr(campaign, f"text_{step}", text)
        return await next_step(ctx, campaign, step)
    if step == "link":
        if not URL_RE.match(text):
            return Reply(ctx.t("campaigns.flow.bad_link"))
        campaign.link_url = text
        await ctx.set_step("buttons")
        return ask(ctx, campaign, "buttons")
    if step == "poll":
        options = [o.strip() for o in re.split(r"\s*(?:\n|/|\|)\s*", text) if o.strip()]
        if not 2 <= len(options) <= MAX_POLL or any(len(o) > 40 for o in options):
            return Reply(ctx.t("campaigns.flow.bad_poll", count=MAX_POLL))
        campaign.poll = options
        await ctx.set_step("buttons")
        return ask(ctx, campaign, "buttons")
    if step == "contact":
        return await _contact_named(ctx, campaign, text)
    if step == "audience":
        try:
            audience = await parse_audience(ctx.session, text, ctx.locale, ctx.config.partners.kinds)
        except AudienceError as error:
            return Reply(ctx.t(error.key, **error.params) + "\n\n" + ctx.t("campaigns.ask.audience_examples"))
        campaign.audience = audience.dump()
        return await next_step(ctx, campaign, "audience")
    if step == "schedule":
        return await _schedule(ctx, campaign, text)
    return Reply(ctx.t("campaigns.flow.use_buttons"))


async def _skip_language(ctx: Context, campaign: Campaign, step: str) -> Reply | list[Reply]:
    if step == "en" and not campaign.text_fr:
        return Reply(ctx.t("campaigns.flow.need_one_language"))
    setattr(campaign, f"text_{step}", "")
    return await next_step(ctx, campaign, step)


async def _contact_named(ctx: Context, campaign: Campaign, text: str) -> Reply:
    """The host interested members meet, typed by name: someone who hosts a venue (or animates)."""
    wanted = text.strip().lstrip("@").casefold()
    rows = await ctx.session.execute(select(Member).join(Role, Role.member_id == Member.id)
                                     .where(Role.role.in_(("host", "animator"))).order_by(Member.id))
    found = {m.id: m for m in rows.scalars() if m.display_name.casefold() == wanted}
    if len(found) != 1:
        return Reply(ctx.t("campaigns.flow.unknown_host" if not found else "campaigns.flow.ambiguous_host", name=text),
                     buttons=((Button(ctx.t("campaigns.flow.contact_me"), "cp.me", str(campaign.id)),),))
    contact = next(iter(found.values()))
    campaign.interested, campaign.contact_id = True, contact.id
    await ctx.set_step("buttons")
    return ask(ctx, campaign, "buttons")


async def _schedule(ctx: Context, campaign: Campaign, text: str) -> Reply | list[Reply]:
    try:
        when = parse_schedule_text(text, now=ctx.now, timezone=ctx.config.network.timezone, locale=ctx.locale,
                                   max_spread=timedelta(hours=ctx.config.campaigns.max_spread_hours))
    except ScheduleError as error:
        return Reply(ctx.t(error.key, hours=ctx.config.campaigns.max_spread_hours))
    campaign.send_at = when.at
    campaign.spread_minutes = int(when.spread.total_seconds() // 60)
    campaign.recurring = when.recurring
    return await next_step(ctx, campaign, "schedule")


# -- buttons -----------------------------------------------------------------------------------

def _split(payload: str) -> tuple[str, str]:
    cid, _, rest = payload.partition(":")
    return cid, rest


async def skip_pressed(ctx: Context) -> Reply | list[Reply]:
    cid, step = _split(ctx.args)
    campaign = await flow_campaign(ctx, cid)
    if campaign is None or step not in ("fr", "en") or ctx.conversation.step != step:
        return ctx.expired()
    return await _skip_language(ctx, campaign, step)


async def button_pressed(ctx: Context) -> Reply | list[Reply]:
    cid, kind = _split(ctx.args)
    campaign = await flow_campaign(ctx, cid)
    if campaign is None or ctx.conversation.step not in ("buttons", "link", "poll", "contact"):
        return ctx.expired()
    if kind == "link":
        await ctx.set_step("link")
        return ask(ctx, campaign, "link")
    if kind == "poll":
        await ctx.set_step("poll")
        return ask(ctx, campaign, "poll")
    if kind == "int":
        await ctx.set_step("contact")
        return ask(ctx, campaign, "contact")
    if kind == "rsvp":
        events = await upcoming_events(ctx)
        if not events:
            return Reply(ctx.t("campaigns.flow.no_events"), buttons=ask(ctx, campaign, "buttons").buttons)
        zone = ctx.config.network.timezone
        rows = tuple((Button(f"{e.title[:30]} · {format_when(e.starts_at, zone, ctx.locale, ctx.now)}", "cp.ev",
                             f"{cid}:{e.id}"),) for e in events)
        return Reply(ctx.t("campaigns.ask.event"), buttons=rows)
    if kind == "done":
        return await next_step(ctx, campaign, "buttons")
    return ctx.expired()


async def event_pressed(ctx: Context) -> Reply:
    cid, event_text = _split(ctx.args)
    campaign = await flow_campaign(ctx, cid)
    event_id = parse_id(event_text)
    if campaign is None or event_id is None:
        return ctx.expired()
    if event_id not in {e.id for e in await upcoming_events(ctx, limit=50)}:
        return ctx.expired()
    campaign.event_id = event_id
    await ctx.set_step("buttons")
    return ask(ctx, campaign, "buttons")


async def me_pressed(ctx: Context) -> Reply:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None or ctx.conversation.step != "contact" or ctx.member is None:
        return ctx.expired()
    campaign.interested, campaign.contact_id = True, ctx.member.id
    await ctx.set_step("buttons")
    return ask(ctx, campaign, "buttons")


async def everyone_pressed(ctx: Context) -> Reply | list[Reply]:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None or ctx.conversation.step != "audience":
        return ctx.expired()
    campaign.audience = {}
    return await next_step(ctx, campaign, "audience")


async def now_pressed(ctx: Context) -> Reply | list[Reply]:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None or ctx.conversation.step != "schedule":
        return ctx.expired()
    campaign.send_at, campaign.spread_minutes, campaign.recurring = ctx.now, 0, None
    return await next_step(ctx, campaign, "schedule")


async def edit_pressed(ctx: Context) -> Reply:
    cid, part = _split(ctx.args)
    campaign = await flow_campaign(ctx, cid)
    steps = {"text": "fr", "buttons": "buttons", "audience": "audience", "schedule": "schedule"}
    if campaign is None or part not in steps:
        return ctx.expired()
    if part == "buttons":  # start the buttons again from nothing
        campaign.link_url, campaign.poll, campaign.interested, campaign.contact_id, campaign.event_id = \
            None, [], False, None, None
    await ctx.set_step(steps[part], editing=part != "text")
    return ask(ctx, campaign, steps[part])


async def test_pressed(ctx: Context) -> Reply:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None or ctx.conversation.step != "preview":
        return ctx.expired()
    count = int(ctx.conversation.data.get("tests", 0))
    if count >= TEST_SENDS_PER_DRAFT:
        return Reply(ctx.t("campaigns.test.enough"))
    await test_send(ctx.session, ctx.config, campaign, ctx.identity, ctx.member, ctx.now, count)
    await ctx.set_step("preview", tests=count + 1)
    at = max(campaign.send_at or ctx.now, ctx.now)
    confirm = "campaigns.preview.send_button" if at <= ctx.now and not campaign.recurring \
        else "campaigns.preview.schedule_button"
    cid = str(campaign.id)
    return Reply(ctx.t("campaigns.test.sent"), buttons=(
        (Button(ctx.t(confirm), "cp.go", cid), Button(ctx.t("campaigns.preview.draft_button"), "cp.keep", cid)),))


async def go_pressed(ctx: Context) -> Reply:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None or ctx.conversation.step != "preview":
        return ctx.expired()
    if campaign.send_at is None or campaign.send_at < ctx.now:
        campaign.send_at = ctx.now
    campaign.status = CampaignStatus.SCHEDULED
    await ctx.end_flow()
    if campaign.send_at <= ctx.now:
        return Reply(ctx.t("campaigns.flow.sending", id=campaign.id))
    when = format_when(campaign.send_at, ctx.config.network.timezone, ctx.locale, ctx.now)
    return Reply(ctx.t("campaigns.flow.scheduled", id=campaign.id, when=when))


async def keep_pressed(ctx: Context) -> Reply:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None:
        return ctx.expired()
    campaign.status = CampaignStatus.DRAFT
    await ctx.end_flow()
    return Reply(ctx.t("campaigns.flow.kept", id=campaign.id))


async def drop_pressed(ctx: Context) -> Reply:
    campaign = await flow_campaign(ctx, ctx.args)
    if campaign is None:
        return ctx.expired()
    if campaign.status == CampaignStatus.DRAFT:
        await ctx.session.delete(campaign)
    else:  # a scheduled campaign reopened from /campaign edit: dropping it cancels it
        campaign.status = CampaignStatus.CANCELLED
    await ctx.end_flow()
    return Reply(ctx.t("campaigns.flow.dropped"))
