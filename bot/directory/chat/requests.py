"""Introductions on request: the buttons under /find results and under the request message.

1. "Ask for an introduction" (`ireq:<member>:<skill>`) re-checks everything against the database
   (visible to the requester, introductions on, limits) and asks for one line of context, in a
   flow so it survives a restart; `/cancel` leaves it.
2. The line sent, the request is recorded and the addressee gets one message with Accept / Decline
   (`iacc:<id>`, `idec:<id>`); presses are refused unless the presser is the addressee and the
   request is still open. The rules themselves live in bot/directory/requests.py.
"""

from __future__ import annotations

from bot.members.contacts import contact_card, contact_lines
from bot.context import Context
from bot.directory import requests as intros
from bot.payloads import parse_id, parse_ids
from bot.registry import Access, Registry
from bot.types import Reply
from storage.models import Member
from storage.models.intro_requests import PENDING, IntroRequest

FLOW = "intro_request"


def _ids(payload: str, count: int) -> list[int] | None:
    """`count` ids separated by ':' (0 for "no skill"); a forged payload gives None."""
    return parse_ids(payload, count, zero=True)


def _refused(ctx: Context, reason: intros.Refusal, addressee: Member | None) -> Reply:
    name = addressee.display_name if addressee is not None and reason is not intros.Refusal.UNAVAILABLE else ""
    return Reply(ctx.t(f"intro_requests.refused.{reason.value}", name=name, limit=intros.MAX_PENDING,
                       days=intros.REQUEST_TTL.days), private=True)


async def ask_pressed(ctx: Context) -> Reply:
    ids = _ids(ctx.args, 2)
    if ids is None or ctx.member is None:
        return ctx.expired()
    addressee = await ctx.session.get(Member, ids[0])
    reason = await intros.refusal(ctx.session, ctx.member, addressee, ctx.now)
    if reason is not None:
        return _refused(ctx, reason, addressee)
    assert addressee is not None
    await ctx.start_flow(FLOW, "context", {"to": addressee.id, "skill": ids[1] or None})
    return Reply(ctx.t("intro_requests.context_prompt", name=addressee.display_name, limit=intros.MAX_CONTEXT),
                 private=True)


async def context_received(ctx: Context) -> Reply:
    assert ctx.conversation is not None
    data = ctx.conversation.data
    if ctx.member is None:
        await ctx.end_flow()
        return Reply(ctx.t("core.join_first"))
    context = intros.clean_context(ctx.args)
    if context is None:
        length = len(" ".join(ctx.args.split()))
        if length > intros.MAX_CONTEXT:  # too long and too short need different advice
            return Reply(ctx.t("intro_requests.context_too_long", length=length, limit=intros.MAX_CONTEXT))
        return Reply(ctx.t("intro_requests.context_invalid", limit=intros.MAX_CONTEXT))
    addressee = await ctx.session.get(Member, parse_id(str(data.get("to") or 0)) or 0)
    await ctx.end_flow()
    reason = await intros.refusal(ctx.session, ctx.member, addressee, ctx.now)  # things may have changed
    if reason is not None:
        return _refused(ctx, reason, addressee)
    assert addressee is not None
    skill_id = data.get("skill")
    request = await intros.create_request(ctx.session, ctx.config, ctx.member, addressee,
                                          parse_id(str(skill_id)) if skill_id else None, context, ctx.now)
    if request is None:
        return _refused(ctx, intros.Refusal.UNAVAILABLE, addressee)
    return Reply(ctx.t("intro_requests.sent", name=addressee.display_name, days=intros.REQUEST_TTL.days))


async def _open_request(ctx: Context) -> tuple[IntroRequest | None, Reply | None]:
    """The request a button names, if the presser may answer it now; else the answer to give."""
    ids = _ids(ctx.args, 1)
    if ids is None or ctx.member is None:
        return None, ctx.expired()
    request = await ctx.session.get(IntroRequest, ids[0])
    if request is None or request.addressee_id != ctx.member.id:
        return None, Reply(ctx.t("intro_requests.not_for_you"))
    if request.status == PENDING and request.expires_at <= ctx.now:  # the expiry job has not run yet
        await intros.expire(ctx.session, ctx.config, request, ctx.now)
    if request.status != PENDING or request.requester_id is None:
        return None, Reply(ctx.t("intro_requests.closed"), edit=True)
    return request, None


async def accept_pressed(ctx: Context) -> Reply:
    request, answer = await _open_request(ctx)
    if request is None:
        return answer  # type: ignore[return-value]
    requester = await ctx.session.get(Member, request.requester_id)
    if requester is None:
        return Reply(ctx.t("intro_requests.closed"), edit=True)
    assert ctx.member is not None
    await intros.accept(ctx.session, ctx.config, request, requester, ctx.member, ctx.now)
    card = await contact_card(ctx.session, requester, ctx.identity.platform)
    return Reply(ctx.t("intro_requests.accepted_addressee", name=requester.display_name,
                       contact=contact_lines(card, ctx.t)), edit=True, private=True)


async def decline_pressed(ctx: Context) -> Reply:
    request, answer = await _open_request(ctx)
    if request is None:
        return answer  # type: ignore[return-value]
    assert ctx.member is not None
    requester = await ctx.session.get(Member, request.requester_id)
    await intros.decline(ctx.session, ctx.config, request, ctx.member, ctx.now)
    return Reply(ctx.t("intro_requests.declined", name=requester.display_name if requester else ""),
                 edit=True, private=True)


def register(registry: Registry) -> None:
    registry.action("ireq", access=Access.MEMBER)(ask_pressed)
    registry.action("iacc", access=Access.MEMBER)(accept_pressed)
    registry.action("idec", access=Access.MEMBER)(decline_pressed)
    registry.flow(FLOW)(context_received)
    registry.holds_personal_data("intro_requests", export=intros.export_requests, erase=intros.erase_requests)
