"""/cancel (/annuler): leave whatever multi-step flow is under way."""

from __future__ import annotations

from bot.context import Context
from bot.registry import Registry
from bot.types import Reply


async def cancel(ctx: Context) -> Reply:
    left = await ctx.end_flow()
    return Reply(ctx.t("cancel.done" if left else "cancel.nothing"), edit=ctx.event.__class__.__name__ == "ButtonPressed")


def register(registry: Registry) -> None:
    registry.command("cancel", fr="annuler", summary="cancel.summary", order=91)(cancel)
    registry.action("cancel")(cancel)
