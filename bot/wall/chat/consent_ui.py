"""The "show me on the wall" line and button, as /profile and onboarding's privacy step show them.

The button's action is "wallc" (`bot.wall.chat.toggle`), payload "p:on" from the profile or "o:on"
from onboarding, so each screen is redrawn where it was pressed.
"""

from __future__ import annotations

from bot.context import Context
from bot.types import Button
from bot.wall.consent import is_shown

ONBOARDING_KEY = "wall"  # onboarding's conversation data: the choice made at its privacy step


def choice(ctx: Context, shown: bool, origin: str) -> tuple[str, Button]:
    line = ctx.t("wall.consent.state_on" if shown else "wall.consent.state_off")
    button = Button(ctx.t("wall.consent.turn_off" if shown else "wall.consent.turn_on"), "wallc",
                    f"{origin}:{'off' if shown else 'on'}")
    return line, button


async def profile_choice(ctx: Context) -> tuple[str, Button]:
    assert ctx.member is not None
    return choice(ctx, await is_shown(ctx.session, ctx.member.id), "p")


def onboarding_choice(ctx: Context) -> tuple[str, Button]:
    """During onboarding the choice is in the conversation (a new member starts with it off)."""
    data = ctx.conversation.data if ctx.conversation is not None else {}
    return choice(ctx, bool(data.get(ONBOARDING_KEY)), "o")
