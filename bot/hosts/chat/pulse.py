"""The pulse's buttons: a host says what they need from the network this week (or nothing), or stops
the pulse; `/pulse on|off` (`/point`) turns it back on or off.

The press is re-checked: the pulse must be this host's, and not summarised yet (an answer can be
changed until then)."""

from __future__ import annotations

from bot.context import Context
from bot.payloads import parse_id
from bot.registry import Access, Registry, Where
from bot.types import Reply
from bot.words import is_skip
from storage.models.hosts_partners import PULSE_ANSWERS, HostPulse, HostPulseOptOut

FLOW = "pulse"
MAX_DETAIL = 200
ON_WORDS, OFF_WORDS = {"on", "oui", "activer"}, {"off", "non", "stop", "couper", "arreter", "arrêter"}


async def pulse_pressed(ctx: Context) -> Reply:
    pulse_part, _, answer = ctx.args.partition(":")
    pulse_id = parse_id(pulse_part)
    pulse = await ctx.session.get(HostPulse, pulse_id) if pulse_id is not None else None
    if pulse is None or answer not in (*PULSE_ANSWERS, "stop") or ctx.member is None \
            or pulse.member_id != ctx.member.id:
        return ctx.expired(private=True)
    if answer == "stop":
        await _set(ctx, on=False)
        return Reply(ctx.t("hosts.pulse.off"), edit=True, private=True)
    if pulse.summarised_at is not None:
        return Reply(ctx.t("hosts.pulse.too_late"), private=True)
    pulse.answer, pulse.answered_at = answer, ctx.now
    if answer == "nothing":
        pulse.detail = ""
        return Reply(ctx.t("hosts.pulse.thanks_nothing"), edit=True, private=True)
    # One optional line saying which skill, what hand, what room: the summary is more useful with it.
    await ctx.start_flow(FLOW, "detail", {"pulse": pulse.id})
    return Reply(ctx.t("hosts.pulse.ask_detail", need=ctx.t(f"hosts.pulse.need.{answer}")), edit=True, private=True)


async def detail_typed(ctx: Context) -> Reply:
    pulse_id = (ctx.conversation.data if ctx.conversation else {}).get("pulse")
    pulse = await ctx.session.get(HostPulse, pulse_id) if isinstance(pulse_id, int) else None
    await ctx.end_flow()
    if pulse is None or ctx.member is None or pulse.member_id != ctx.member.id or pulse.summarised_at is not None:
        return ctx.expired(private=True)
    text = " ".join(ctx.args.split())
    pulse.detail = "" if is_skip(text) else text[:MAX_DETAIL]
    return Reply(ctx.t("hosts.pulse.thanks", need=ctx.t(f"hosts.pulse.need.{pulse.answer}")), private=True)


async def _set(ctx: Context, *, on: bool) -> None:
    assert ctx.member is not None
    row = await ctx.session.get(HostPulseOptOut, ctx.member.id)
    if on and row is not None:
        await ctx.session.delete(row)
    elif not on and row is None:
        ctx.session.add(HostPulseOptOut(member_id=ctx.member.id, created_at=ctx.now))


async def pulse_command(ctx: Context) -> Reply:
    """/pulse on|off (/point): a host turns their weekly pulse back on, or off."""
    word = ctx.args.strip().lower()
    if word not in ON_WORDS | OFF_WORDS:
        off = ctx.member is not None and await ctx.session.get(HostPulseOptOut, ctx.member.id) is not None
        return Reply(ctx.t("hosts.pulse.state_off" if off else "hosts.pulse.state_on"))
    await _set(ctx, on=word in ON_WORDS)
    return Reply(ctx.t("hosts.pulse.on" if word in ON_WORDS else "hosts.pulse.off"))


def register(registry: Registry) -> None:
    registry.command("pulse", fr="point", summary="hosts.pulse.summary", args="hosts.pulse.args", access=Access.HOST,
                     where=Where.PRIVATE, section="hosts", order=22)(pulse_command)
    registry.action("pulse", access=Access.MEMBER)(pulse_pressed)
    registry.flow(FLOW)(detail_typed)
