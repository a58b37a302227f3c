"""The "wallc" button: switch "show me on the wall" on or off, then redraw the profile or the
onboarding step it was pressed on. Switching it on tells the hosts of the member's venue, with a
button to hide them from the wall (a nudge: their attention budget and quiet hours apply)."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Context
from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from bot.wall.chat.consent_ui import ONBOARDING_KEY
from bot.wall.consent import set_shown
from bot.wall.privacy import first_name
from storage.models import Member, Role, Venue


async def toggle_pressed(ctx: Context) -> Reply | list[Reply]:
    origin, _, value = ctx.args.partition(":")
    member = ctx.member
    if origin not in ("p", "o") or value not in ("on", "off") or member is None:
        return ctx.expired(private=True)
    shown = value == "on"
    changed = await set_shown(ctx.session, member.id, shown, ctx.now)
    if changed and shown:
        await _tell_hosts(ctx, member)
    conversation = ctx.conversation
    if origin == "o":
        from bot.members.chat import onboarding

        if conversation is not None and conversation.flow == onboarding.FLOW and conversation.step == "privacy":
            await ctx.set_step("privacy", **{ONBOARDING_KEY: shown})
            return onboarding._step_reply(ctx, "privacy", edit=True)
        return Reply(ctx.t("wall.consent.state_on" if shown else "wall.consent.state_off"), private=True)
    from bot.members.chat.profile import render

    return await render(ctx, edit=True)


async def _tell_hosts(ctx: Context, member: Member) -> None:
    if member.home_venue_id is None:
        return
    venue = await ctx.session.get(Venue, member.home_venue_id)
    hosts = (await ctx.session.execute(
        select(Member).join(Role, Role.member_id == Member.id)
        .where(Role.role == "host", Role.venue_id == member.home_venue_id, Member.id != member.id))).scalars()
    name = first_name(member.display_name)
    day = ctx.now.date().isoformat()
    for host in hosts:
        def render(t, host=host):
            button = Button(t("wall.chat.hide_button", label=name), "wall.h", f"m{member.id}")
            return Reply(t("wall.chat.appeared", name=name, venue=venue.name if venue else ""),
                         buttons=((button,),), silent=True)

        await notify_member(ctx.session, ctx.config, host, render, key=f"wall:shown:{member.id}:{host.id}:{day}",
                            purpose="wall_notice", now=ctx.now, nudge=True)
