"""The buttons under an introduction ("introduce us" / "not this time"), under the reveal ("I can't
make it"), under the follow-up ("did you meet?", "skip next round"), the feedback after "we met",
and the one-off "introduce me this time" (`/introductions now` and the panel's button).

The payload is only an introduction id: who may answer is decided here, from the database (the
presser must be one of the introduction's members), never from the button.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.context import Context
from bot.matchmaking import feedback, one_off, respond, skip
from bot.matchmaking.cant_make_it import cant_make_it
from bot.outbox.notify import member_timezone
from bot.types import Button, Reply
from storage.models.matchmaking import ACCEPTED, IntroPreferences


async def _answer(ctx: Context, accept: bool) -> Reply:
    intro_id = respond.parse_id(ctx.args)
    intro = await respond.load(ctx.session, intro_id) if intro_id is not None else None
    if intro is None or ctx.member is None:
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    result = await respond.answer(ctx.session, ctx.config, intro, ctx.member, accept, ctx.now,
                                  ctx.identity.platform, ctx.t)
    if result.reply is not None:
        return Reply(result.reply.text, title=result.reply.title, buttons=result.reply.buttons, private=True,
                     edit=True)
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
    thanks = ctx.t(f"matchmaking.met.thanks_{respond.MET[code]}")
    # The answer edits the follow-up: its "skip next round" row stays until it was pressed.
    prefs = await ctx.session.get(IntroPreferences, ctx.member.id)
    keep = () if prefs is not None and prefs.skip_next else (respond.skip_row(intro.id, ctx.t),)
    if respond.MET[code] != "yes":
        return Reply(thanks, buttons=keep, private=True, edit=True)
    # The one optional feedback, on this very answer: no extra message.
    t = ctx.t
    met_with = sum(1 for s in intro.members if s.response == ACCEPTED and s.member_id not in (None, ctx.member.id))
    buttons = ((Button(t("matchmaking.feedback.again_yes", count=met_with), "mm.fb", f"{intro.id}:y"),
                Button(t("matchmaking.feedback.again_no", count=met_with), "mm.fb", f"{intro.id}:n")),
               (Button(t("matchmaking.feedback.note_button"), "mm.fb", f"{intro.id}:note"),)) + keep
    return Reply(thanks + "\n\n" + t("matchmaking.feedback.ask", count=met_with), buttons=buttons, private=True,
                 edit=True)


async def _intro(ctx: Context):
    intro_id = respond.parse_id(ctx.args)
    intro = await respond.load(ctx.session, intro_id) if intro_id is not None else None
    return intro if ctx.member is not None else None


async def cant(ctx: Context) -> Reply:
    """ "I can't make it" under the contacts: the partners are told once, kindly (`cant_make_it`)."""
    intro = await _intro(ctx)
    if intro is None:
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    outcome = await cant_make_it(ctx.session, ctx.config, intro, ctx.member, ctx.now)
    key = "matchmaking.answer.not_member" if outcome == "not_member" else f"matchmaking.cant.{outcome}"
    return Reply(ctx.t(key), private=True)


async def skip_next(ctx: Context) -> Reply:
    intro = await _intro(ctx)
    if intro is None:
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    outcome = await skip.skip_next(ctx.session, intro, ctx.member, ctx.now)
    key = "matchmaking.answer.not_member" if outcome == "not_member" else f"matchmaking.skip.{outcome}"
    return Reply(ctx.t(key), private=True)


async def feedback_pressed(ctx: Context) -> Reply:
    """Would meet again yes/no, or "add a note" (which asks for one line of text)."""
    intro = await _intro(ctx)
    code = ctx.args.partition(":")[2]
    if intro is None or code not in ("y", "n", "note"):
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    if code == "note":
        if not feedback.may_note(intro, ctx.member):
            return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
        await ctx.start_flow("mm_note", "note", {"intro": intro.id})
        return Reply(ctx.t("matchmaking.feedback.ask_note", max=feedback.MAX_NOTE), private=True)
    if await feedback.record_again(intro, ctx.member, code == "y", ctx.now) != "recorded":
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    return Reply(ctx.t("matchmaking.feedback.again_thanks"), private=True)


async def note_flow(ctx: Context) -> Reply:
    """The note typed after "add a note": cleaned, one line, at most MAX_NOTE characters."""
    data = ctx.conversation.data if ctx.conversation else {}
    intro = await respond.load(ctx.session, int(data.get("intro", 0))) if ctx.member is not None else None
    if intro is None:
        await ctx.end_flow()
        return Reply(ctx.t("matchmaking.answer.not_member"), private=True)
    outcome = await feedback.record_note(intro, ctx.member, ctx.args, ctx.now)
    if outcome == "bad":  # the question stays open for another try
        return Reply(ctx.t("matchmaking.feedback.bad_note", max=feedback.MAX_NOTE), private=True)
    await ctx.end_flow()
    key = "matchmaking.feedback.note_thanks" if outcome == "recorded" else "matchmaking.answer.not_member"
    return Reply(ctx.t(key), private=True)


async def introduce_now(ctx: Context, edit: bool = False) -> Reply:
    """The one-off "introduce me this time": the best fresh partner now, or a kind word why not."""
    assert ctx.member is not None
    outcome = await one_off.introduce_now(ctx.session, ctx.config, ctx.member, ctx.now)
    params: dict = {"name": outcome.partner, "days": one_off.LIMIT.days}
    if outcome.next_at is not None:
        zone = ZoneInfo(await member_timezone(ctx.session, ctx.member, ctx.config.network.timezone))
        params["date"] = outcome.next_at.astimezone(zone).strftime("%d/%m %H:%M")
    return Reply(ctx.t(f"matchmaking.one_off.{outcome.kind}", **params), private=True, edit=edit)
