"""The /event conversation: title, when, end or duration, venues, description, link, capacity,
audience, then a preview with Publish / Edit / Cancel. The same steps edit a published event.

Dates are read by `bot.timeparse.parser` in the main venue's time zone; every refusal names the reason and
gives examples. A date without a time ("jeudi soir", "demain") is a question back, not a silent
all-day event: all day is said explicitly ("jeudi toute la journée", "thursday all day"). Typing
during a step answered with buttons says so. Buttons only act inside this person's own /event
conversation: a stale or forged press gets "this button has expired". The date step says at once
what it understood (the next question's title), and /event typed during a draft asks before
starting again (`under_way`), so a title and date are never lost by accident.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot import conversation as conversations
from bot.events.render import AUDIENCE_TAGS, audience_label, event_card, format_day, format_when
from bot.events.chat.agenda_words import normalise, understand
from bot.events.chat.common import capitalised, default_venue
from bot.events.chat.draft import FLOW, Draft
from bot.payloads import parse_id, parse_int
from bot.timeparse.parser import WhenError, parse_end_or_duration, parse_when
from bot.types import MAX_CALLBACK_BYTES, Button, Reply
from bot.words import is_skip
from storage.models import Venue
from storage.models.events import Event
from storage.venues import all_venues

STEPS = ("title", "when", "end", "venues", "description", "link", "capacity", "audience", "preview")
SKIPPABLE = {"end", "description", "link", "capacity"}
EDITABLE = ("title", "when", "end", "venues", "description", "link", "capacity", "audience")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
NO_LIMIT = {"0", "non", "no", "none", "aucune", "aucun", "illimite", "illimité", "unlimited", "-"}
MAX_CAPACITY = 100_000
# "toute la journée", "journée entière", "all day", "the whole day": an all-day event on that date.
ALL_DAY_RE = re.compile(r"\b(?:toute?\s+la\s+journ[ée]e|(?:la\s+)?journ[ée]e\s+enti[èe]re|(?:the\s+)?(?:all|whole|entire)"
                        r"[\s-]+day)\b", re.IGNORECASE)
# Days gone by: the time parser refuses them as unknown words; they are a date in the past.
PAST_WORDS = {"hier", "yesterday", "avant hier", "day before yesterday"}
LONG_EVENT = timedelta(hours=8)


async def start(ctx: Context) -> Reply:
    venue = await default_venue(ctx)
    draft = Draft(zone=venue.timezone if venue else ctx.config.network.timezone,
                  venues=[venue.id] if venue else [])
    await ctx.start_flow(FLOW, "title", draft.dump())
    return await prompt(ctx, draft, "title")


async def prompt(ctx: Context, draft: Draft, step: str) -> Reply:
    """The question of `step`, with its buttons."""
    t = ctx.t
    rows: list[tuple[Button, ...]] = []
    if step == "preview":
        return await preview(ctx, draft)
    if step == "venues":
        chosen = set(draft.venues)
        for venue in (await all_venues(ctx.session))[:20]:
            mark = "✓ " if venue.id in chosen else ""
            rows.append((Button(mark + venue.name, "ev.venue", str(venue.id)),))
        rows.append((Button(t("events.flow.done_button"), "ev.vdone"),))
    elif step == "audience":
        chosen = set(draft.audience)
        buttons = [Button(("✓ " if tag in chosen else "") + capitalised(audience_label(tag, t)), "ev.tag", tag)
                   for tag in AUDIENCE_TAGS]
        rows += [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
        rows.append((Button(t("events.flow.done_button"), "ev.tdone"),))
    if step in SKIPPABLE:
        rows.append((Button(t(f"events.skip.{step}"), "ev.skip", step),))
    if draft.editing and step not in ("venues", "audience"):
        rows.append((Button(t("events.flow.keep_button"), "ev.back"),))
    if step == "end":
        return Reply(ask_end(ctx), buttons=tuple(rows))
    return Reply(t(f"events.ask.{step}"), buttons=tuple(rows))


def ask_end(ctx: Context) -> str:
    """"Until when? ... Default: 2 hours." with the configured default length."""
    minutes = ctx.config.events.default_duration_minutes
    if minutes % 60 == 0:
        return ctx.t("events.ask.end", count=minutes // 60)
    return ctx.t("events.ask.end_minutes", count=minutes)


async def preview(ctx: Context, draft: Draft) -> Reply:
    venues = await _venues(ctx, draft.venues)
    shown = draft.as_event()
    if draft.event_id:  # an edit: the seats already taken count, as in the notice that follows
        saved = await ctx.session.get(Event, draft.event_id)
        shown.going_count = saved.going_count if saved is not None else 0
    card = event_card(shown, venues, draft.zone, ctx.t, ctx.now)
    publish = "events.flow.save_button" if draft.event_id else "events.flow.publish_button"
    drop = "events.flow.discard_button" if draft.event_id else "events.flow.drop_button"
    buttons = ((Button(ctx.t(publish), "ev.pub"), Button(ctx.t("events.flow.edit_button"), "ev.edit"),
                Button(ctx.t(drop), "ev.drop")),)
    text = ctx.t("events.preview.edit_body" if draft.event_id else "events.preview.body", card=card)
    warning = length_warning(ctx, draft)
    if warning:
        text = f"{warning}\n\n{text}"
    return Reply(text, title=draft.title, buttons=buttons)


def length_warning(ctx: Context, draft: Draft) -> str | None:
    """A check when the event runs past midnight or longer than 8 hours: moving only the start of
    an evening event, or "2h" read as an end time, can make one without the host noticing."""
    start, end = draft.starts_at, draft.ends_at
    if draft.all_day or start is None or end is None:
        return None
    zone = ZoneInfo(draft.zone)
    last_moment = end - timedelta(microseconds=1)  # ending at midnight is not running overnight
    if end - start <= LONG_EVENT and last_moment.astimezone(zone).date() == start.astimezone(zone).date():
        return None
    hours = round((end - start).total_seconds() / 3600, 1)
    shown = f"{hours:g}" if ctx.locale.startswith("en") else f"{hours:g}".replace(".", ",")
    return ctx.t("events.preview.long", hours=shown, end=format_when(end, draft.zone, ctx.locale, ctx.now))


async def _venues(ctx: Context, ids: list[int]) -> list[Venue]:
    found = []
    for venue_id in ids:
        venue = await ctx.session.get(Venue, venue_id)
        if venue is not None:
            found.append(venue)
    return found


async def advance(ctx: Context, draft: Draft, step: str) -> Reply:
    """Save the draft and ask the step after `step` (the preview when a single field was edited)."""
    if draft.editing or step == "preview":
        following = "preview"
    else:
        following = STEPS[STEPS.index(step) + 1]
        if following == "end" and draft.all_day:
            following = "venues"
    if following == "preview":
        draft.editing = False
    await ctx.set_step(following, **draft.dump())
    return await prompt(ctx, draft, following)


# --- free text ----------------------------------------------------------------------------------

async def on_text(ctx: Context) -> Reply | None:
    assert ctx.conversation is not None
    if ctx.chat.chat_id != ctx.conversation.chat_id:
        return None  # chatter in a group while this person is writing an event in private
    draft = Draft.load(ctx.conversation.data)
    step = ctx.conversation.step
    text = ctx.args.strip()
    handler = TEXT_STEPS.get(step)
    if handler is None:  # a step answered with buttons
        return await use_buttons(ctx, draft, step)
    if step in SKIPPABLE and is_skip(text):
        return await _skip(ctx, draft, step)
    error = await handler(ctx, draft, text)
    if error is not None:
        return error
    asked = await advance(ctx, draft, step)
    if step == "when" and asked.title is None:  # the preview shows the date itself
        asked = Reply(asked.text, title=understood(ctx, draft), buttons=asked.buttons)
    return asked


def understood(ctx: Context, draft: Draft) -> str:
    """"C'est noté : ven. 11 déc. 19h30." — the date step's answer as read, to catch a misreading at once."""
    start = draft.starts_at
    assert start is not None
    if draft.all_day:
        day = format_day(start.astimezone(ZoneInfo(draft.zone)), ctx.locale, ctx.now.astimezone(ZoneInfo(draft.zone)))
        return ctx.t("events.flow.understood_all_day", day=day)
    return ctx.t("events.flow.understood", when=format_when(start, draft.zone, ctx.locale, ctx.now))


# --- /event again during a draft ----------------------------------------------------------------

def draft_under_way(ctx: Context) -> Draft | None:
    """The draft this person would lose by starting again: one with a title or a date."""
    draft = in_flow(ctx)
    if draft is None or not (draft.title or draft.start):
        return None
    return draft


def ask_restart(ctx: Context, draft: Draft, args: str) -> Reply:
    """Continue the draft, or start again (with what was typed after /event, when it fits a button)."""
    when = f" ({format_when(draft.starts_at, draft.zone, ctx.locale, ctx.now)})" if draft.starts_at else ""
    key = "events.flow.under_way_edit" if draft.event_id else "events.flow.under_way"
    text = ctx.t(key if draft.title else "events.flow.under_way_untitled", title=draft.title, when=when)
    fits = len(f"ev.new:{args}".encode()) <= MAX_CALLBACK_BYTES
    restart = Button(ctx.t("events.flow.restart_button"), "ev.new", args if fits else "")
    return Reply(text, buttons=((Button(ctx.t("events.flow.continue_button"), "ev.cont"), restart),))


async def continue_pressed(ctx: Context) -> Reply:
    """Back to the draft's step, as it was last asked (with its buttons)."""
    draft = in_flow(ctx)
    if draft is None:
        return expired(ctx)
    assert ctx.conversation is not None
    asked = conversations.prompt_reply(ctx.conversation)
    return asked if asked is not None else await prompt(ctx, draft, ctx.conversation.step)


async def read_title(ctx: Context, draft: Draft, text: str) -> Reply | None:
    if not 3 <= len(text) <= 200:
        return Reply(ctx.t("events.error.title"))
    draft.title = " ".join(text.split())
    return None


async def use_buttons(ctx: Context, draft: Draft, step: str) -> Reply:
    """Text typed at a step answered with buttons: say so, with the buttons at hand."""
    if step == "audience":
        return Reply(ctx.t("events.flow.use_buttons_audience"), buttons=(await prompt(ctx, draft, step)).buttons)
    if step == "preview":
        return Reply(ctx.t("events.flow.use_buttons_other"), buttons=(await preview(ctx, draft)).buttons)
    return await prompt(ctx, draft, step)


async def _when(ctx: Context, draft: Draft, text: str) -> Reply | None:
    tz = ZoneInfo(draft.zone)
    all_day = ALL_DAY_RE.search(text) is not None
    if all_day:  # the parser knows dates, not this phrase: read the date around it
        text = " ".join(ALL_DAY_RE.sub(" ", text).replace(",", " ").split())
    try:
        parsed = parse_when(text, now=ctx.now, tz=tz, locale=ctx.locale)
    except WhenError as error:
        if error.reason == "unparsable" and _mentions_the_past(text):
            return Reply(ctx.t("events.when_error.past"))
        return when_error(ctx, error, "when")
    start = parsed.at.astimezone(ZoneInfo("UTC"))
    old_start, old_end = draft.starts_at, draft.ends_at
    if all_day:  # an all-day event at the venue, on that date
        day = parsed.at.date()
        first = datetime.combine(day, datetime.min.time(), tz).astimezone(ZoneInfo("UTC"))
        next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
        draft.set_times(first if parsed.has_time else start, next_day, all_day=True)
    elif not parsed.has_time:  # "jeudi soir", "demain": which time? (all day must be said)
        return Reply(ctx.t("events.when_error.no_time"))
    elif old_start is not None and old_end is not None and draft.editing and not draft.all_day:
        draft.set_times(start, start + (old_end - old_start))  # moving an event keeps its length
    else:
        end = start + timedelta(minutes=ctx.config.events.default_duration_minutes)
        draft.set_times(start, end)
    return None


def _mentions_the_past(text: str) -> bool:
    plain = f" {normalise(text)} "
    return any(f" {word} " in plain for word in PAST_WORDS)


async def _end(ctx: Context, draft: Draft, text: str) -> Reply | None:
    start = draft.starts_at
    if start is None:
        return await prompt(ctx, draft, "when")
    try:
        end = parse_end_or_duration(text, start, ZoneInfo(draft.zone), locale=ctx.locale)
    except WhenError as error:
        return when_error(ctx, error, "end")
    draft.set_times(start, end)
    return None


async def _venues_text(ctx: Context, draft: Draft, text: str) -> Reply | None:
    """A venue's name typed instead of ticked is ticked; anything else: "tap a button"."""
    venues = (await all_venues(ctx.session))[:20]  # the ones the buttons offer
    found = understand(text, venues)
    if found.venue is None or found.unknown:
        return Reply(ctx.t("events.flow.use_buttons"), buttons=(await prompt(ctx, draft, "venues")).buttons)
    if found.venue not in draft.venues:
        draft.venues.append(found.venue)
    await ctx.set_step("venues", **draft.dump())
    return await prompt(ctx, draft, "venues")


async def _description(ctx: Context, draft: Draft, text: str) -> Reply | None:
    if len(text) > 2000:
        return Reply(ctx.t("events.error.description", limit=2000))
    draft.description = text
    return None


async def _link(ctx: Context, draft: Draft, text: str) -> Reply | None:
    if not URL_RE.match(text) or len(text) > 500:
        return Reply(ctx.t("events.error.link"))
    draft.url = text
    return None


async def _capacity(ctx: Context, draft: Draft, text: str) -> Reply | None:
    word = text.lower().strip(" .")
    if word in NO_LIMIT:
        draft.capacity = None
        return None
    digits = word.split()[0] if word else ""
    capacity = parse_int(digits, 1, MAX_CAPACITY)
    if capacity is None:
        return Reply(ctx.t("events.error.capacity"))
    draft.capacity = capacity
    return None


TEXT_STEPS = {"title": read_title, "when": _when, "end": _end, "venues": _venues_text, "description": _description,
              "link": _link, "capacity": _capacity}


def when_error(ctx: Context, error: WhenError, step: str) -> Reply:
    """A localised refusal for each reason, always with examples."""
    detail = error.detail or ""
    if detail in ("dst_gap", "am_pm", "end_before_start"):
        return Reply(ctx.t(f"events.when_error.{detail}"))
    prefix = "events.when_error." if step == "when" else "events.end_error."
    return Reply(ctx.t(prefix + error.reason))


# --- buttons ------------------------------------------------------------------------------------

def in_flow(ctx: Context) -> Draft | None:
    if ctx.conversation is None or ctx.conversation.flow != FLOW:
        return None
    return Draft.load(ctx.conversation.data)


def expired(ctx: Context) -> Reply:
    return ctx.expired()


async def skip_pressed(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    step = ctx.conversation.step if ctx.conversation else None
    if draft is None or step != ctx.args or step not in SKIPPABLE:
        return expired(ctx)
    return await _skip(ctx, draft, step)


async def _skip(ctx: Context, draft: Draft, step: str) -> Reply:
    if step == "end" and draft.starts_at is not None:
        draft.set_times(draft.starts_at,
                        draft.starts_at + timedelta(minutes=ctx.config.events.default_duration_minutes))
    elif step == "description":
        draft.description = ""
    elif step == "link":
        draft.url = None
    elif step == "capacity":
        draft.capacity = None
    return await advance(ctx, draft, step)


async def _tick(ctx: Context, draft: Draft, step: str, chosen: list, item) -> Reply:
    """A tick box: pressing an option adds it, pressing it again removes it; the step is shown again."""
    if item in chosen:
        chosen.remove(item)
    else:
        chosen.append(item)
    await ctx.set_step(step, **draft.dump())
    return await prompt(ctx, draft, step)


async def venue_pressed(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    venue_id = parse_id(ctx.args)
    if draft is None or ctx.conversation.step != "venues" or venue_id is None:
        return expired(ctx)
    if await ctx.session.get(Venue, venue_id) is None:
        return expired(ctx)
    return await _tick(ctx, draft, "venues", draft.venues, venue_id)


async def venues_done(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None or ctx.conversation.step != "venues":
        return expired(ctx)
    mine = {v.id for v in await ctx.hostable_venues()}
    main = next((venue_id for venue_id in draft.venues if venue_id in mine), None)
    if main is None:
        return Reply(ctx.t("events.error.venues"))
    # The main venue (first one this host runs) decides the time zone and is listed first.
    draft.venues = [main] + [v for v in draft.venues if v != main]
    venue = await ctx.session.get(Venue, main)
    draft.relocate(venue.timezone if venue else draft.zone)
    return await advance(ctx, draft, "venues")


async def tag_pressed(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None or ctx.conversation.step != "audience" or ctx.args not in AUDIENCE_TAGS:
        return expired(ctx)
    return await _tick(ctx, draft, "audience", draft.audience, ctx.args)


async def tags_done(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None or ctx.conversation.step != "audience":
        return expired(ctx)
    return await advance(ctx, draft, "audience")


async def edit_menu(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None or ctx.conversation.step != "preview":
        return expired(ctx)
    buttons = [Button(ctx.t(f"events.field.{name}"), "ev.field", name) for name in EDITABLE]
    rows = tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))
    keep = (Button(ctx.t("events.flow.keep_button"), "ev.back"),)
    return Reply(ctx.t("events.flow.which_field"), buttons=rows + (keep,))


async def field_pressed(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None or ctx.args not in EDITABLE:
        return expired(ctx)
    return await field_pressed_for(ctx, draft, ctx.args)


async def field_pressed_for(ctx: Context, draft: Draft, field: str) -> Reply:
    """Ask again for one field, then come back to the preview."""
    # An all-day event gets an end by getting a start time first.
    step = "when" if field == "end" and draft.all_day else field
    draft.editing = True
    await ctx.set_step(step, **draft.dump())
    return await prompt(ctx, draft, step)


async def back_pressed(ctx: Context) -> Reply:
    draft = in_flow(ctx)
    if draft is None:
        return expired(ctx)
    draft.editing = False
    await ctx.set_step("preview", **draft.dump())
    return await preview(ctx, draft)


async def drop_pressed(ctx: Context) -> Reply:
    if in_flow(ctx) is None:
        return expired(ctx)
    await ctx.end_flow()
    return Reply(ctx.t("events.flow.dropped"))
