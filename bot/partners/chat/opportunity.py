"""/opportunity (/opportunite): post an offer or a call in a few steps; /opportunities
(/opportunites): the open ones, with "I'm interested".

Steps: kind (buttons) -> title -> description (skippable) -> skills wanted (typed, resolved with
the skills resolver; skippable) -> audience (buttons; skippable) -> place (skippable) -> closing
date -> preview with Publish. Only a partner's contact (posting in the partner's name) or a host
may post; the right is re-checked at Publish, since buttons can be forged and roles change.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.context import Context
from bot.events.render import AUDIENCE_TAGS, audience_label
from bot.partners.contacts import partners_of
from bot.partners.kinds import OPPORTUNITY_KINDS, opportunity_kind_label
from bot.partners.opportunities import MAX_PLACE, MAX_TITLE, OpportunityView, open_opportunities, view_of
from bot.partners.targeting import propose
from bot.registry import Access, Registry, Where
from bot.timeparse.parser import WhenError, parse_when
from bot.types import Button, Reply
from bot.words import is_skip
from storage.member_skills import resolver, split_skills
from storage.models import Activity, Skill
from storage.models.hosts_partners import Opportunity

FLOW = "opportunity"
SKIPPABLE = ("description", "skills", "audience", "place")
MAX_SKILLS = 5
MAX_DESCRIPTION = 1000
ORDER = ("kind", "title", "description", "skills", "audience", "place", "closes", "confirm")


async def may_post(ctx: Context) -> tuple[bool, int | None]:
    """(allowed, partner venue id): a partner's contact posts for its first partner; a host for the network."""
    if ctx.member is None:
        return False, None
    partners = await partners_of(ctx.session, ctx.member.id)
    if partners:
        return True, partners[0].id
    return await ctx.can_host(), None


async def opportunity(ctx: Context) -> Reply:
    allowed, _ = await may_post(ctx)
    if not allowed:
        return Reply(ctx.t("partners.not_allowed"))
    await ctx.start_flow(FLOW, "kind", {})
    return _kind_prompt(ctx)


def _kind_prompt(ctx: Context) -> Reply:
    buttons = tuple((Button(opportunity_kind_label(k, ctx.t), "opp.kind", k),) for k in OPPORTUNITY_KINDS)
    return Reply(ctx.t("partners.flow.kind"), buttons=buttons)


def _skip(ctx: Context, step: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("partners.flow.skip"), "opp.skip", step),),)


def _prompt(ctx: Context, step: str) -> Reply:
    if step == "kind":
        return _kind_prompt(ctx)
    if step == "audience":
        buttons = tuple((Button(audience_label(tag, ctx.t), "opp.aud", tag),) for tag in AUDIENCE_TAGS)
        return Reply(ctx.t("partners.flow.audience"), buttons=buttons + _skip(ctx, step))
    return Reply(ctx.t(f"partners.flow.{step}"), buttons=_skip(ctx, step) if step in SKIPPABLE else ())


async def _next(ctx: Context, step: str, **data: Any) -> Reply:
    following = ORDER[ORDER.index(step) + 1]
    await ctx.set_step(following, **data)
    if following == "confirm":
        return await _preview(ctx)
    return _prompt(ctx, following)


def _in_flow(ctx: Context) -> dict[str, Any] | None:
    if ctx.conversation is None or ctx.conversation.flow != FLOW:
        return None
    return ctx.conversation.data


async def text_step(ctx: Context) -> Reply:
    assert ctx.conversation is not None
    step, text = ctx.conversation.step, " ".join(ctx.args.split())
    if step in SKIPPABLE and is_skip(text):  # "passer", "rien", "skip" typed instead of pressed
        return await _next(ctx, step)
    if step == "kind":
        kind = next((k for k in OPPORTUNITY_KINDS if text.lower() in (k, opportunity_kind_label(k, ctx.t).lower())), None)
        return await _next(ctx, step, kind=kind) if kind else _kind_prompt(ctx)
    if step == "title":
        if not 3 <= len(text) <= MAX_TITLE:
            return Reply(ctx.t("partners.flow.title_length", max=MAX_TITLE))
        return await _next(ctx, step, title=text)
    if step == "description":
        return await _next(ctx, step, description=ctx.args.strip()[:MAX_DESCRIPTION])
    if step == "skills":
        return await _skills(ctx, text)
    if step == "audience":
        tag = next((a for a in AUDIENCE_TAGS if text.lower() in (a, audience_label(a, ctx.t).lower())), None)
        return await _next(ctx, step, audience=[tag]) if tag else _prompt(ctx, step)
    if step == "place":
        return await _next(ctx, step, place=text[:MAX_PLACE])
    if step == "closes":
        return await _closes(ctx, text)
    return await _preview(ctx)  # at "confirm": show the buttons again


async def _skills(ctx: Context, text: str) -> Reply:
    found: list[int] = []
    unknown: list[str] = []
    skills = await resolver(ctx.session)
    for part in split_skills(text)[:MAX_SKILLS]:
        slug = skills.resolve(part, ctx.locale).skill_id
        row = (await ctx.session.execute(select(Skill).where(Skill.slug == slug))).scalar_one_or_none() if slug else None
        if row is None:
            unknown.append(part)
        elif row.id not in found:
            found.append(row.merged_into_id or row.id)
    if unknown or not found:
        return Reply(ctx.t("partners.flow.skills_unknown", skills=", ".join(unknown) or text),
                     buttons=_skip(ctx, "skills"))
    return await _next(ctx, "skills", skill_ids=found)


async def _closes(ctx: Context, text: str) -> Reply:
    zone = ZoneInfo(ctx.config.network.timezone)
    try:
        parsed = parse_when(text, now=ctx.now, tz=zone, locale=ctx.locale)
    except WhenError as error:
        return Reply(ctx.t("partners.flow.closes_error" if error.reason != "past" else "partners.flow.closes_past"))
    at = parsed.at if parsed.has_time else datetime.combine(parsed.at.date(), time(23, 59), zone)
    at = at.astimezone(ZoneInfo("UTC"))
    if at - ctx.now > timedelta(days=ctx.config.partners.max_open_days):
        return Reply(ctx.t("partners.flow.closes_far", days=ctx.config.partners.max_open_days))
    return await _next(ctx, "closes", closes_at=at.isoformat())


def _draft(data: dict[str, Any], partner_id: int | None) -> Opportunity:
    return Opportunity(kind=data["kind"], title=data["title"], description=data.get("description", ""),
                       partner_venue_id=partner_id, skill_ids=list(data.get("skill_ids", [])),
                       audience=list(data.get("audience", [])), place=data.get("place", ""),
                       closes_at=datetime.fromisoformat(data["closes_at"]), status="open", proposed_count=0)


async def _preview(ctx: Context) -> Reply:
    data = _in_flow(ctx)
    assert data is not None
    _, partner_id = await may_post(ctx)
    view = await view_of(ctx.session, _draft(data, partner_id), ctx.config.network.timezone)
    buttons = ((Button(ctx.t("partners.flow.publish"), "opp.pub", "yes"),
                Button(ctx.t("partners.flow.cancel"), "opp.pub", "no")),)
    return Reply(ctx.t("partners.flow.preview", card=view.card(ctx.t)), buttons=buttons)


async def kind_pressed(ctx: Context) -> Reply:
    if _in_flow(ctx) is None or ctx.conversation.step != "kind" or ctx.args not in OPPORTUNITY_KINDS:
        return ctx.expired()
    return await _next(ctx, "kind", kind=ctx.args)


async def skip_pressed(ctx: Context) -> Reply:
    if _in_flow(ctx) is None or ctx.conversation.step != ctx.args or ctx.args not in SKIPPABLE:
        return ctx.expired()
    return await _next(ctx, ctx.args)


async def audience_pressed(ctx: Context) -> Reply:
    if _in_flow(ctx) is None or ctx.conversation.step != "audience" or ctx.args not in AUDIENCE_TAGS:
        return ctx.expired()
    return await _next(ctx, "audience", audience=[ctx.args])


async def publish_pressed(ctx: Context) -> Reply:
    data = _in_flow(ctx)
    if data is None or ctx.conversation.step != "confirm" or ctx.args not in ("yes", "no"):
        return ctx.expired()
    if ctx.args == "no":
        await ctx.end_flow()
        return Reply(ctx.t("partners.flow.cancelled"), edit=True)
    allowed, partner_id = await may_post(ctx)
    if not allowed:
        await ctx.end_flow()
        return Reply(ctx.t("partners.not_allowed"), edit=True)
    row = _draft(data, partner_id)
    if row.closes_at <= ctx.now:
        await ctx.set_step("closes")
        return Reply(ctx.t("partners.flow.closes_past"))
    row.posted_by_id, row.created_at = ctx.member.id, ctx.now
    ctx.session.add(row)
    await ctx.session.flush()
    # For the live wall: what was posted and by which organisation, never by whom.
    ctx.session.add(Activity(kind="opportunity_posted", public=True, venue_id=partner_id, created_at=ctx.now,
                             data={"opportunity": row.id, "kind": row.kind, "title": row.title}))
    view = await view_of(ctx.session, row, ctx.config.network.timezone)
    proposed = await propose(ctx.session, ctx.config, row, view, ctx.now)
    await ctx.end_flow()
    return Reply(ctx.t("partners.flow.published", count=proposed), edit=True)


async def opportunities(ctx: Context) -> list[Reply]:
    rows = await open_opportunities(ctx.session, ctx.now)
    if not rows:
        return [Reply(ctx.t("partners.list_none"))]
    replies = [Reply(ctx.t("partners.list_head", count=len(rows)))]
    for row in rows:
        view: OpportunityView = await view_of(ctx.session, row, ctx.config.network.timezone)
        mine = ctx.member is not None and row.posted_by_id == ctx.member.id
        buttons = () if mine else ((Button(ctx.t("partners.interested"), "opp.int", str(row.id)),),)
        replies.append(Reply(view.card(ctx.t), buttons=buttons))
    return replies


def register(registry: Registry) -> None:
    registry.command("opportunity", fr="opportunite", summary="partners.opportunity_summary", access=Access.MEMBER,
                     where=Where.PRIVATE, section="network", order=41)(opportunity)
    registry.command("opportunities", fr="opportunites", summary="partners.opportunities_summary",
                     access=Access.MEMBER, section="network", order=42)(opportunities)
    registry.flow(FLOW)(text_step)
    registry.action("opp.kind", access=Access.MEMBER)(kind_pressed)
    registry.action("opp.skip", access=Access.MEMBER)(skip_pressed)
    registry.action("opp.aud", access=Access.MEMBER)(audience_pressed)
    registry.action("opp.pub", access=Access.MEMBER)(publish_pressed)
