"""/cancel (/annuler): leave whatever multi-step flow is under way, and say truly what was kept.

Most flows keep nothing until their last step (an event draft, a message being written). Onboarding
is different: the member exists from the first step, and the skills typed so far are saved as they
come; leaving it says so, with what was kept and how to erase it.
"""

from __future__ import annotations

from bot.context import Context
from bot.members.chat.onboarding import FLOW as ONBOARDING
from bot.registry import Registry
from bot.types import ButtonPressed, Reply
from storage.member_skills import member_skills
from storage.models import Venue


async def cancel(ctx: Context) -> Reply:
    flow = ctx.conversation.flow if ctx.conversation is not None else None
    left = await ctx.end_flow()
    edit = isinstance(ctx.event, ButtonPressed)
    if not left:
        return Reply(ctx.t("cancel.nothing"), edit=edit)
    if flow == ONBOARDING and ctx.member is not None:
        return Reply(await _onboarding_kept(ctx), edit=edit)
    return Reply(ctx.t("cancel.done"), edit=edit)


async def _onboarding_kept(ctx: Context) -> str:
    member = ctx.member
    assert member is not None
    venue = await ctx.session.get(Venue, member.home_venue_id) if member.home_venue_id else None
    label = "label_en" if ctx.locale == "en" else "label_fr"
    skills = [getattr(skill, label) for _kind, skill in await member_skills(ctx.session, member.id)]
    lines = [ctx.t("cancel.onboarding", venue=venue.name if venue else ctx.config.network.name)]
    if skills:
        lines.append(ctx.t("cancel.onboarding_skills", skills=", ".join(skills)))
    lines.append(ctx.t("cancel.onboarding_next"))
    return "\n".join(lines)


def register(registry: Registry) -> None:
    registry.command("cancel", fr="annuler", summary="cancel.summary", order=91)(cancel)
    registry.action("cancel")(cancel)
