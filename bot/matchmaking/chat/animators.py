"""/matchmaking (/appariement), for network animators: preview, run, stats with the heatmap, schedule.

- `preview`: the next round as it would be sent now (nothing is written);
- `run`: the round due now, exactly as the schedule would run it (once per period), after a
  confirmation that says how many messages leave; the confirming press re-checks the animator's
  rights and runs that same period, or says it already ran or is no longer the one due;
- preview, headcount and run plan a whole round (seconds on a large network): each answers at once
  and sends its result when ready (see `chat.later`), so the chat never waits for a round;
- `stats`: per round and over the last quarter, with the venue x venue heatmap as a PNG;
- `schedule`: show it; `schedule tous les lundis 10h` / `every other monday 10am` or cron syntax
  `schedule 0 10 * * mon 2` sets it (network time zone, every N weeks), overriding the configuration
  (the running scheduler picks it up within `tick_minutes`); `schedule reset` goes back to it.
  A schedule firing twice in one week is refused: a round is named by its week.
- `exclude NAME[: reason]` / `exclure`, `include NAME` / `inclure`: leave a member out of rounds and
  one-offs after a complaint, or let them back in (stored, and an audit line: see `exclusions`);
  `excluded` / `exclus` lists who is left out, by whom, since when and why.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.config.matchmaking import cron_week_repeat
from bot.context import Context
from bot.hosts.members_lookup import find_exactly, find_members
from bot.matchmaking import exclusions, feedback, heatmap, preview, stats
from bot.matchmaking.chat import later
from bot.matchmaking.periods import catch_up_due, effective_schedule, period_of, set_schedule
from bot.payloads import parse_int
from bot.phrases import spoken_list
from bot.matchmaking.run import prepare, run_in
from bot.matchmaking.schedule_words import parse_schedule
from bot.matchmaking.wording import round_name
from bot.types import Attachment, Button, Reply
from storage.models.matchmaking import MatchRound, MatchScheduling

PREVIEW_LIMIT = 8  # introductions shown in chat; the rest are counted
MAX_EVERY_WEEKS = 12
CONFIRM = "go:"  # payload prefix of the confirming press, followed by the period it confirms


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
        return await confirm_run(ctx)
    if sub in ("exclude", "exclure", "include", "inclure"):
        return await exclusion(ctx, sub in ("exclude", "exclure"), ctx.args.split(maxsplit=1)[1:])
    if sub in ("excluded", "exclus", "exclues"):
        return await show_excluded(ctx)
    buttons = ((Button(ctx.t("matchmaking.admin.preview"), "mm.adm", "preview"),
                Button(ctx.t("matchmaking.admin.stats"), "mm.adm", "stats")),
               (Button(ctx.t("matchmaking.admin.schedule"), "mm.adm", "schedule"),
                Button(ctx.t("matchmaking.admin.run"), "mm.adm", "run")))
    text = ctx.t("matchmaking.admin.menu") if not sub else ctx.t("matchmaking.admin.unknown", word=sub[:30])
    return Reply(text, buttons=buttons, private=True)


async def pressed(ctx: Context) -> Reply:
    """Menu buttons: the action is re-checked by the registry (animators only), the payload here."""
    handlers = {"preview": show_preview, "stats": show_stats, "run": confirm_run}
    if ctx.args == "schedule":
        return await schedule(ctx, [])
    if ctx.args == "no":
        return Reply(ctx.t("matchmaking.admin.run_cancelled"), private=True, edit=True)
    if ctx.args.startswith(CONFIRM):
        return await run_confirmed(ctx, ctx.args[len(CONFIRM):])
    handler = handlers.get(ctx.args)
    return await handler(ctx) if handler else ctx.expired(private=True)


def _name(ctx: Context, period: str | None, fire_time: datetime | None = None) -> str:
    return round_name(period, ctx.t, fire_time, ctx.config.network.timezone)


async def show_preview(ctx: Context) -> Reply:
    sched = await effective_schedule(ctx.session, ctx.config)
    at = ctx.now
    # The round the schedule will actually run next: the due one while a catch-up would still run it,
    # else the next one (a first start mid-week previews the coming round, not last Monday's).
    fire = sched.due_at(at)
    since = (await ctx.session.execute(select(MatchScheduling.since).limit(1))).scalar_one_or_none()
    done = fire is not None and (await ctx.session.execute(select(MatchRound.id).where(
        MatchRound.period == period_of(fire, ctx.config.network.timezone)))).first() is not None
    skipped = None  # this period's round when the schedule will not run it (a first start mid-period)
    if done or catch_up_due(sched, at, since) is None:
        upcoming = sched.next_after(ctx.now)
        if not upcoming:
            return Reply(ctx.t("matchmaking.admin.never_fires", cron=sched.cron), private=True)
        if fire is not None and not done:
            skipped = _name(ctx, period_of(fire, ctx.config.network.timezone), fire)
        at = upcoming[0]
    # Planning takes seconds on a large network: answered now, the preview follows (bot.background).
    fire = sched.due_at(at)
    name = _name(ctx, period_of(fire, ctx.config.network.timezone) if fire else None, fire)
    # `/matchmaking run` runs this period's round: say so, or an animator approves the preview of one
    # round and sends another.
    note = "" if skipped is None else "\n\n" + ctx.t("matchmaking.admin.not_this_period", current=skipped, next=name)
    if ctx.background is not None:
        db, config, to, now = ctx.background.db, ctx.config, _animator(ctx), ctx.now
        ctx.background.start(f"mm.preview:{to.platform}:{to.user_id}",
                             lambda: later.send_preview(db, config, to, at, now, name, PREVIEW_LIMIT))
        return Reply(ctx.t("matchmaking.later.preview", round=name) + note, private=True)
    prepared = await prepare(ctx.session, ctx.config, at)
    document = await preview.document(ctx.session, prepared, ctx.t)
    venues = await preview.venue_names(ctx.session)
    return Reply(preview.as_text(document, ctx.t, limit=PREVIEW_LIMIT, name=name, venues=venues) + note,
                 title=ctx.t("matchmaking.admin.preview_title", round=name), private=True)


async def _not_scheduled(ctx: Context, fire: datetime) -> str:
    """The line a run confirmation adds when this period's round is one the schedule will not run
    (a first start mid-period: only rounds missed while scheduling are caught up); else ""."""
    sched = await effective_schedule(ctx.session, ctx.config)
    since = (await ctx.session.execute(select(MatchScheduling.since).limit(1))).scalar_one_or_none()
    if catch_up_due(sched, ctx.now, since) is not None:
        return ""
    upcoming = sched.next_after(ctx.now)
    if not upcoming:
        return ""
    coming = sched.due_at(upcoming[0]) or upcoming[0]
    next_name = _name(ctx, period_of(coming, ctx.config.network.timezone), coming)
    return "\n\n" + ctx.t("matchmaking.admin.run_this_period", current=_name(ctx, period_of(
        fire, ctx.config.network.timezone), fire), next=next_name)


def _animator(ctx: Context) -> later.Animator:
    return later.Animator(ctx.identity.platform, ctx.identity.platform_user_id, ctx.identity.member_id, ctx.locale)


async def _due(ctx: Context) -> tuple[str | None, datetime | None]:
    """The period due now and its fire time, without planning anything."""
    sched = await effective_schedule(ctx.session, ctx.config)
    fire = sched.due_at(ctx.now)
    if fire is None:
        return None, None
    return period_of(fire, ctx.config.network.timezone), fire


async def confirm_run(ctx: Context) -> Reply:
    """What a run would send now, and a yes/no: a round messages many people and cannot be undone.

    The headcount is a whole plan: answered now, the confirmation follows (bot.background)."""
    if ctx.background is None:
        return await _confirm_inline(ctx)
    due, fire = await _due(ctx)
    if due is None:
        return Reply(ctx.t("matchmaking.admin.not_due"), private=True)
    name = _name(ctx, due, fire)
    if (await ctx.session.execute(select(MatchRound.id).where(MatchRound.period == due))).first() is not None:
        return Reply(ctx.t("matchmaking.admin.already", round=name), private=True)
    db, config, to, now = ctx.background.db, ctx.config, _animator(ctx), ctx.now
    ctx.background.start(f"mm.count:{to.platform}:{to.user_id}",
                         lambda: later.send_confirmation(db, config, to, now, name, CONFIRM))
    return Reply(ctx.t("matchmaking.later.counting", round=name) + await _not_scheduled(ctx, fire), private=True)


async def _confirm_inline(ctx: Context) -> Reply:
    prepared = await prepare(ctx.session, ctx.config, ctx.now, plan_if_done=False)
    if prepared.period is None:
        return Reply(ctx.t("matchmaking.admin.not_due"), private=True)
    name = _name(ctx, prepared.period, prepared.fire_time)
    if prepared.already is not None or prepared.plan is None:
        return Reply(ctx.t("matchmaking.admin.already", round=name), private=True)
    count = len(prepared.plan.introductions)
    messages = sum(len(intro.members) for intro in prepared.plan.introductions)
    buttons = ((Button(ctx.t("matchmaking.admin.run_yes"), "mm.adm", CONFIRM + prepared.period),
                Button(ctx.t("matchmaking.admin.run_no"), "mm.adm", "no")),)
    return Reply(ctx.t("matchmaking.admin.run_confirm", round=name, count=count,
                       messages=ctx.t("matchmaking.admin.messages", count=messages)),
                 buttons=buttons, private=True)


async def run_confirmed(ctx: Context, period: str) -> Reply:
    """The confirming press: rights re-checked here (payloads can be forged), then that very period."""
    if not await ctx.is_animator():
        return Reply(ctx.t("core.animators_only"), private=True)
    due, fire = await _due(ctx)
    if due is None:
        return Reply(ctx.t("matchmaking.admin.not_due"), private=True)
    if due != period:
        done = (await ctx.session.execute(select(MatchRound.id).where(MatchRound.period == period))).first()
        key = "matchmaking.admin.already_meanwhile" if done else "matchmaking.admin.run_moved"
        return Reply(ctx.t(key, round=_name(ctx, period)), private=True, edit=True)
    name = _name(ctx, period, fire)
    if ctx.background is not None:
        # Planned in a snapshot and written in one short transaction, after this answer: the chat
        # (one event at a time on SQLite) never waits for the round. Once per period, as scheduled.
        db, config, to, now = ctx.background.db, ctx.config, _animator(ctx), ctx.now
        started = ctx.background.start(f"mm.run:{period}", lambda: later.send_run(db, config, to, now, name))
        key = "matchmaking.later.running" if started else "matchmaking.later.under_way"
        return Reply(ctx.t(key, round=name), private=True, edit=True)
    outcome = await run_in(ctx.session, ctx.config, ctx.now, "chat")
    if outcome.status == "already":
        return Reply(ctx.t("matchmaking.admin.already_meanwhile", round=name), private=True, edit=True)
    if outcome.status == "not_due":
        return Reply(ctx.t("matchmaking.admin.not_due"), private=True)
    return Reply(ctx.t("matchmaking.admin.ran", round=name, count=outcome.introductions,
                       candidates=outcome.prepared.pool.size), private=True, edit=True)


async def show_stats(ctx: Context) -> Reply:
    per_round, total = await stats.quarter(ctx.session, ctx.now)
    t = ctx.t
    said = await feedback.summary(ctx.session, ctx.now - stats.QUARTER, ctx.now)
    lines = stats.text_lines(per_round, total, t, lambda period: _name(ctx, period), feedback=said,
                             timezone=ctx.config.network.timezone)
    png = heatmap.heatmap_png(total.venue_pairs, await stats.venue_labels(ctx.session),
                              t("matchmaking.admin.heatmap_title"))
    return Reply("\n".join(lines), title=t("matchmaking.admin.stats_title"), private=True,
                 attachment=Attachment("matchmaking-heatmap.png", png, "image/png"))


CRON_FIELD = re.compile(r"^[0-9*,/-]+$")  # a minute or hour field: how cron syntax is told from a phrase


def _as_cron(words: list[str]) -> tuple[str, int] | None:
    """Cron syntax (5 fields, then optionally a number of weeks) or a phrase; None if neither."""
    if len(words) in (5, 6) and CRON_FIELD.match(words[0]) and CRON_FIELD.match(words[1]):
        weeks = parse_int(words[5], 0) if len(words) == 6 else 1
        if weeks is None:
            return None
        return " ".join(words[:5]), weeks
    return parse_schedule(" ".join(words))


async def schedule(ctx: Context, words: list[str]) -> Reply:
    zone = ctx.config.network.timezone
    if words and words[0].lower() in ("reset", "config", "defaut", "défaut", "default"):
        await set_schedule(ctx.session, None, 1, None, ctx.now)
        await ctx.session.flush()
        return await _show_schedule(ctx, ctx.t("matchmaking.admin.schedule_reset"))
    if not words:
        return await _show_schedule(ctx)
    parsed = _as_cron(words)
    text = " ".join(words)[:60]
    if parsed is None or not 1 <= parsed[1] <= MAX_EVERY_WEEKS:
        return Reply(ctx.t("matchmaking.admin.schedule_bad", text=text, max=MAX_EVERY_WEEKS), private=True)
    expression, every = parsed
    if _invalid_cron(expression, zone):
        return Reply(ctx.t("matchmaking.admin.schedule_bad", text=text, max=MAX_EVERY_WEEKS), private=True)
    repeat = cron_week_repeat(expression, zone, ctx.now)
    if repeat is not None:
        local = ZoneInfo(zone)
        first, second = (at.astimezone(local).strftime("%d/%m %H:%M") for at in repeat)
        return Reply(ctx.t("matchmaking.admin.schedule_twice", text=text, first=first, second=second), private=True)
    await set_schedule(ctx.session, expression, every, ctx.member.id if ctx.member else None, ctx.now)
    await ctx.session.flush()
    return await _show_schedule(ctx, ctx.t("matchmaking.admin.schedule_saved"))


def _invalid_cron(expression: str, zone: str) -> bool:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone=ZoneInfo(zone))
    except ValueError:
        return True
    return False


async def _show_schedule(ctx: Context, note: str | None = None) -> Reply:
    sched = await effective_schedule(ctx.session, ctx.config)
    zone = ZoneInfo(sched.timezone)
    upcoming = sched.next_after(ctx.now, 3)
    dates = ", ".join(at.astimezone(zone).strftime("%d/%m %H:%M") for at in upcoming) or "-"
    source = ctx.t("matchmaking.admin.schedule_source_chat" if sched.overridden else "matchmaking.admin.schedule_source_config")
    text = ctx.t("matchmaking.admin.schedule_show", cron=sched.cron,
                 every=ctx.t("matchmaking.admin.every_weeks", count=sched.every_weeks), source=source,
                 next=dates, zone=sched.timezone)
    return Reply(f"{note}\n{text}" if note else text, private=True)


async def exclusion(ctx: Context, excluding: bool, rest: list[str]) -> Reply:
    """`exclude NAME[: reason]` or `include NAME`: one member found exactly, else a precise question."""
    who, _, reason = (rest[0] if rest else "").partition(":")
    who = who.strip()
    if not who:
        return Reply(ctx.t("matchmaking.exclusion.usage"), private=True)
    found = await find_exactly(ctx.session, who)
    if len(found) != 1:
        close = found or await find_members(ctx.session, who)  # names to suggest, never to act on
        key = "several" if found else "close" if close else "nobody"
        names = [m.display_name for m in close]  # "Tu veux dire A ou B ?"; after a colon, a plain list
        listed = spoken_list(names, ctx.t, choice=True) if key == "close" else ", ".join(names)
        return Reply(ctx.t(f"matchmaking.exclusion.{key}", who=who[:40], names=listed),
                     private=True)
    member = found[0]
    actor = f"{ctx.identity.platform}:{ctx.identity.platform_user_id}"
    if excluding:
        done = await exclusions.exclude(ctx.session, ctx.config, member, ctx.member, reason, ctx.now, actor=actor)
        key = "matchmaking.exclusion.excluded" if done else "matchmaking.exclusion.already_excluded"
    else:
        done = await exclusions.include(ctx.session, member, ctx.member, actor=actor)
        key = "matchmaking.exclusion.included" if done else "matchmaking.exclusion.not_excluded"
    return Reply(ctx.t(key, name=member.display_name), private=True)


async def show_excluded(ctx: Context) -> Reply:
    listed = await exclusions.excluded(ctx.session)
    if not listed:
        return Reply(ctx.t("matchmaking.exclusion.none"), private=True)
    zone = ZoneInfo(ctx.config.network.timezone)
    lines = [ctx.t("matchmaking.exclusion.list", count=len(listed))]
    for row in listed:
        lines.append(ctx.t("matchmaking.exclusion.row", name=row.name,
                           date=row.at.astimezone(zone).strftime("%d/%m/%Y"),
                           by=row.by or ctx.t("matchmaking.exclusion.by_cli"),
                           reason=row.reason or ctx.t("matchmaking.exclusion.no_reason")))
    return Reply("\n".join(lines), private=True)
