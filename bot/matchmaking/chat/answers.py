"""The buttons under an introduction ("introduce us" / "not this time") and under the follow-up.

The payload is only an introduction id: who may answer is decided here, from the database (the
presser must be one of the introduction's members), never from the button.
"""

from __future__ import annotations

from bot.context import Context
from bot.matchmaking import respond
from bot.types import Reply


async def _answer(ctx: Context, accept: bool) -> Reply:
    intro_id = respond.parse_id(ctx.args)
    intro = await respond.load(ctx.session, intro_id) if intro_id is not None else None
    if intro is None or ctx.member is None:
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    result = await respond.answer(ctx.session, ctx.config, intro, ctx.member, accept, ctx.now,
                                  ctx.identity.platform, ctx.t)
    if result.reply is not None:
        return Reply(result.reply.text, title=result.reply.title, private=True, edit=True)
    return Reply(ctx.t(f"matchmaking.answer.{result.kind}", name=result.partner_names), private=True,
                 edit=result.kind in ("waiting", "declined"))


async def accept(ctx: Context) -> Reply:
    return await _answer(ctx, True)


async def decline(ctx: Context) -> Reply:
    return await _answer(ctx, False)


async def met(ctx: Context) -> Reply:
    intro_id = respond.parse_id(ctx.args)
    code = ctx.args.partition(":")[2]
    intro = await respond.load(ctx.session, intro_id) if intro_id is not None else None
    if intro is None or ctx.member is None:
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    outcome = await respond.record_met(ctx.session, intro, ctx.member, code, ctx.now)
    if outcome != "recorded":
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    return Reply(ctx.t(f"matchmaking.met.thanks_{respond.MET[code]}"), private=True, edit=True)
