"""/notifications: what a member accepts unprompted. Per-kind mutes (campaigns, introductions, event
announcements by DM, digests), their own quiet hours ("/notifications calme 21:00-08:00"), quiet
weekends or not, a pause of two weeks, and how many nudges they accept per 30 days (up to the
network's budget). Also shows how much of that budget is used."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.context import Context
from bot.events.render import format_when
from bot.outbox.attention import budget_left
from bot.outbox.preferences import KINDS, prefs_for_update, prefs_of, quiet_rules
from bot.payloads import parse_id
from bot.types import Button, Reply
from bot.config.sections import CLOCK_RE

PAUSE = timedelta(days=14)
QUIET_WORDS = {"calme", "silence", "quiet", "nuit", "night"}
RANGE_RE = re.compile(r"^(\d{1,2})(?:[:h](\d{2})?)?\s*(?:-|à|a|to)\s*(\d{1,2})(?:[:h](\d{2})?)?$")


async def notifications_command(ctx: Context) -> Reply:
    if ctx.member is None:
        return Reply(ctx.t("core.join_first"))
    word, _, rest = ctx.args.strip().partition(" ")
    if word.lower() in QUIET_WORDS:
        return await _set_quiet(ctx, rest.strip())
    if word:
        return Reply(ctx.t("campaigns.notifications.usage"))
    return await settings_reply(ctx)


async def settings_reply(ctx: Context, *, edit: bool = False) -> Reply:
    prefs = await prefs_of(ctx.session, ctx.member.id)
    muted = set(prefs.muted or []) if prefs else set()
    attention = quiet_rules(prefs, ctx.config.attention)
    left = await budget_left(ctx.session, ctx.member.id, ctx.now, attention)
    lines = [ctx.t("campaigns.notifications.budget", count=attention.budget_per_30_days - left,
                   budget=attention.budget_per_30_days)]
    start = (prefs.quiet_start if prefs and prefs.quiet_start else attention.quiet_start)
    end = (prefs.quiet_end if prefs and prefs.quiet_end else attention.quiet_end)
    weekends = prefs.quiet_weekends if prefs and prefs.quiet_weekends is not None else attention.quiet_weekends
    if start == end:  # an empty window (the demo's 00:00-00:00): no quiet hours, not a day-long one
        lines.append(ctx.t("campaigns.notifications.quiet_none"))
    else:
        lines.append(ctx.t("campaigns.notifications.quiet", start=start, end=end))
    lines.append(ctx.t("campaigns.notifications.weekends_on" if weekends else "campaigns.notifications.weekends_off"))
    if prefs and prefs.paused_until and prefs.paused_until > ctx.now:
        lines.append(ctx.t("campaigns.notifications.paused_until",
                           when=format_when(prefs.paused_until, ctx.config.network.timezone, ctx.locale, ctx.now)))
    for kind in KINDS:
        state = "off" if kind in muted else "on"
        lines.append(ctx.t(f"campaigns.notifications.kind_{state}", kind=ctx.t(f"campaigns.kind.{kind}")))
    lines.append(ctx.t("campaigns.notifications.privacy"))
    rows = [(Button(ctx.t("campaigns.notifications.unmute" if k in muted else "campaigns.notifications.mute",
                          kind=ctx.t(f"campaigns.kind.{k}")), "nt.m", k),) for k in KINDS]
    paused = bool(prefs and prefs.paused_until and prefs.paused_until > ctx.now)
    network_budget = ctx.config.attention.budget_per_30_days
    choices = sorted({n for n in (1, 2, network_budget // 2, network_budget) if n >= 1})
    rows.append(tuple(Button(("✓ " if n == attention.budget_per_30_days else "") +
                             ctx.t("campaigns.notifications.budget_button", count=n), "nt.b", str(n)) for n in choices))
    rows.append((Button(ctx.t("campaigns.notifications.resume" if paused else "campaigns.notifications.pause"),
                        "nt.p", "off" if paused else "on"),
                 Button(ctx.t("campaigns.notifications.weekends_toggle"), "nt.w", "off" if weekends else "on")))
    return Reply("\n".join(lines), title=ctx.t("campaigns.notifications.title"), buttons=tuple(rows), edit=edit)


async def mute_pressed(ctx: Context) -> Reply:
    if ctx.member is None or ctx.args not in KINDS:
        return ctx.expired(private=True)
    prefs = await prefs_for_update(ctx.session, ctx.member.id, ctx.now)
    muted = list(prefs.muted or [])
    prefs.muted = [k for k in muted if k != ctx.args] if ctx.args in muted else [*muted, ctx.args]
    if ctx.args == "campaigns" and ctx.args in prefs.muted:
        from bot.campaigns.answers import stop_campaigns

        await stop_campaigns(ctx.session, ctx.member.id, ctx.now)
    return await settings_reply(ctx, edit=True)


async def budget_pressed(ctx: Context) -> Reply:
    """At most this many nudges per 30 days (up to the network's budget)."""
    count = parse_id(ctx.args)
    if ctx.member is None or count is None or not 1 <= count <= ctx.config.attention.budget_per_30_days:
        return ctx.expired(private=True)
    prefs = await prefs_for_update(ctx.session, ctx.member.id, ctx.now)
    prefs.budget = None if count == ctx.config.attention.budget_per_30_days else count
    return await settings_reply(ctx, edit=True)


async def pause_pressed(ctx: Context) -> Reply:
    if ctx.member is None or ctx.args not in ("on", "off"):
        return ctx.expired(private=True)
    prefs = await prefs_for_update(ctx.session, ctx.member.id, ctx.now)
    prefs.paused_until = ctx.now + PAUSE if ctx.args == "on" else None
    return await settings_reply(ctx, edit=True)


async def weekends_pressed(ctx: Context) -> Reply:
    if ctx.member is None or ctx.args not in ("on", "off"):
        return ctx.expired(private=True)
    prefs = await prefs_for_update(ctx.session, ctx.member.id, ctx.now)
    prefs.quiet_weekends = ctx.args == "on"
    return await settings_reply(ctx, edit=True)


async def _set_quiet(ctx: Context, text: str) -> Reply:
    match = RANGE_RE.match(text.replace(" ", "")) if text else None
    if match is None:
        return Reply(ctx.t("campaigns.notifications.bad_quiet"))
    start = f"{int(match.group(1)):02d}:{match.group(2) or '00'}"
    end = f"{int(match.group(3)):02d}:{match.group(4) or '00'}"
    if not (CLOCK_RE.match(start) and CLOCK_RE.match(end)):
        return Reply(ctx.t("campaigns.notifications.bad_quiet"))
    prefs = await prefs_for_update(ctx.session, ctx.member.id, ctx.now)
    prefs.quiet_start, prefs.quiet_end = start, end
    return await settings_reply(ctx)
