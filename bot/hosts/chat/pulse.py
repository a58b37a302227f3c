"""The pulse's buttons: a host says what they need from the network this week (or nothing).

The press is re-checked: the pulse must be this host's, and not summarised yet (an answer can be
changed until then)."""

from __future__ import annotations

from bot.context import Context
from bot.payloads import parse_id
from bot.registry import Access, Registry
from bot.types import Reply
from storage.models.hosts_partners import PULSE_ANSWERS, HostPulse


async def pulse_pressed(ctx: Context) -> Reply:
    pulse_part, _, answer = ctx.args.partition(":")
    pulse_id = parse_id(pulse_part)
    pulse = await ctx.session.get(HostPulse, pulse_id) if pulse_id is not None else None
    if pulse is None or answer not in PULSE_ANSWERS or ctx.member is None or pulse.member_id != ctx.member.id:
        return ctx.expired(private=True)
    if pulse.summarised_at is not None:
        return Reply(ctx.t("hosts.pulse.too_late"), private=True)
    pulse.answer, pulse.answered_at = answer, ctx.now
    key = "hosts.pulse.thanks_nothing" if answer == "nothing" else "hosts.pulse.thanks"
    return Reply(ctx.t(key, need=ctx.t(f"hosts.pulse.need.{answer}")), edit=True, private=True)


def register(registry: Registry) -> None:
    registry.action("pulse", access=Access.MEMBER)(pulse_pressed)
