"""/matchmaking (/appariement), for network animators: preview, run, stats with the heatmap, schedule.

- `preview`: the next round as it would be sent now (nothing is written);
- `run`: the round due now, exactly as the schedule would run it (once per period);
- `stats`: per round and over the last quarter, with the venue x venue heatmap as a PNG;
- `schedule`: show it; `schedule 0 10 * * mon 2` sets cron (network time zone) and every N weeks,
  overriding the configuration (the running scheduler picks it up within `tick_minutes`);
  `schedule reset` goes back to the configuration.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config.matchmaking import cron_problem
from bot.context import Context
from bot.matchmaking import heatmap, preview, stats
from bot.matchmaking.periods import effective_schedule, period_of, set_schedule
from bot.matchmaking.run import prepare, run_in
from bot.types import Attachment, Button, Reply

PREVIEW_LIMIT = 15
MAX_EVERY_WEEKS = 12


async def command(ctx: Context) -> Reply:
    words = ctx.args.split()
    sub = words[0].lower() if words else ""
    if sub in ("preview", "apercu", "aperçu"):
        return await show_preview(ctx)
    if sub in ("stats", "chiffres"):
        return await show_stats(ctx)
    if sub in ("schedule", "calendrier"):
        return await schedule(ctx, words[1:])
    if sub in ("run", "lancer"):
        return await run_now(ctx)
    buttons = ((Button(ctx.t("matchmaking.admin.preview"), "mm.adm", "preview"),
                Button(ctx.t("matchmaking.admin.stats"), "mm.adm", "stats")),
               (Button(ctx.t("matchmaking.admin.schedule"), "mm.adm", "schedule"),
                Button(ctx.t("matchmaking.admin.run"), "mm.adm", "run")))
    text = ctx.t("matchmaking.admin.menu") if not sub else ctx.t("matchmaking.admin.unknown", word=sub[:30])
    return Reply(text, buttons=buttons, private=True)


async def pressed(ctx: Context) -> Reply:
    """Menu buttons: the action is re-checked by the registry (animators only), the payload here."""
    handlers = {"preview": show_preview, "stats": show_stats, "run": run_now}
    if ctx.args == "schedule":
        return await schedule(ctx, [])
    handler = handlers.get(ctx.args)
    return await handler(ctx) if handler else Reply(ctx.t("core.button_expired"), private=True)


async def show_preview(ctx: Context) -> Reply:
    sched = await effective_schedule(ctx.session, ctx.config)
    at = ctx.now
    prepared = await prepare(ctx.session, ctx.config, at, plan_if_done=False)
    if prepared.period is None or prepared.already is not None:
        upcoming = sched.next_after(ctx.now)
        if not upcoming:
            return Reply(ctx.t("matchmaking.admin.never_fires", cron=sched.cron), private=True)
        at = upcoming[0]
        prepared = await prepare(ctx.session, ctx.config, at)
    document = await preview.document(ctx.session, prepared, ctx.t)
    return Reply(preview.as_text(document, ctx.t, limit=PREVIEW_LIMIT),
                 title=ctx.t("matchmaking.admin.preview_title", period=prepared.period or "-"), private=True)


async def run_now(ctx: Context) -> Reply:
    outcome = await run_in(ctx.session, ctx.config, ctx.now, "chat")
    period = outcome.prepared.period or "-"
    if outcome.status == "not_due":
        return Reply(ctx.t("matchmaking.admin.not_due"), private=True)
    if outcome.status == "already":
        return Reply(ctx.t("matchmaking.admin.already", period=period), private=True)
    return Reply(ctx.t("matchmaking.admin.ran", period=period, count=outcome.introductions,
                       candidates=outcome.prepared.pool.size), private=True)


async def show_stats(ctx: Context) -> Reply:
    per_round, total = await stats.quarter(ctx.session, ctx.now)
    figures = total.as_dict()
    lines = [ctx.t("matchmaking.admin.stats_quarter", rounds=total.rounds, introductions=total.introductions,
                   coverage=round(100 * figures["coverage"]), cross=round(100 * figures["cross_venue_share"]),
                   need=round(100 * figures["need_offer_share"]), repeats=total.repeats,
                   accepted=round(100 * figures["acceptance_rate"]), met=round(100 * figures["met_rate"]),
                   messages=figures["messages_per_member_month"])]
    for period, round_figures in per_round[:6]:
        f = round_figures.as_dict()
        lines.append(ctx.t("matchmaking.admin.stats_round", period=period, count=round_figures.introductions,
                           coverage=round(100 * f["coverage"]), cross=round(100 * f["cross_venue_share"]),
                           accepted=round(100 * f["acceptance_rate"])))
    if not per_round:
        lines.append(ctx.t("matchmaking.admin.no_rounds"))
    png = heatmap.heatmap_png(total.venue_pairs, await stats.venue_labels(ctx.session),
                              ctx.t("matchmaking.admin.heatmap_title"))
    return Reply("\n".join(lines), title=ctx.t("matchmaking.admin.stats_title"), private=True,
                 attachment=Attachment("matchmaking-heatmap.png", png, "image/png"))


async def schedule(ctx: Context, words: list[str]) -> Reply:
    zone = ctx.config.network.timezone
    if words and words[0].lower() in ("reset", "config", "defaut", "default"):
        await set_schedule(ctx.session, None, 1, None, ctx.now)
        await ctx.session.flush()
        return await _show_schedule(ctx, ctx.t("matchmaking.admin.schedule_reset"))
    if not words:
        return await _show_schedule(ctx)
    every = 1
    if len(words) == 6 and words[5].isdigit():
        every = int(words[5])
        words = words[:5]
    expression = " ".join(words)
    problem = cron_problem(expression, zone) if len(words) == 5 else "fields"
    if problem or not 1 <= every <= MAX_EVERY_WEEKS:
        return Reply(ctx.t("matchmaking.admin.schedule_bad", text=" ".join(words)[:60], max=MAX_EVERY_WEEKS),
                     private=True)
    await set_schedule(ctx.session, expression, every, ctx.member.id if ctx.member else None, ctx.now)
    await ctx.session.flush()
    return await _show_schedule(ctx, ctx.t("matchmaking.admin.schedule_saved"))


async def _show_schedule(ctx: Context, note: str | None = None) -> Reply:
    sched = await effective_schedule(ctx.session, ctx.config)
    zone = ZoneInfo(sched.timezone)
    upcoming = sched.next_after(ctx.now, 3)
    dates = ", ".join(f"{at.astimezone(zone).strftime('%d/%m %H:%M')} ({period_of(at, sched.timezone)})"
                      for at in upcoming) or "-"
    source = ctx.t("matchmaking.admin.schedule_source_chat" if sched.overridden else "matchmaking.admin.schedule_source_config")
    text = ctx.t("matchmaking.admin.schedule_show", cron=sched.cron, every=sched.every_weeks, source=source,
                 next=dates, zone=sched.timezone)
    return Reply(f"{note}\n{text}" if note else text, private=True)
