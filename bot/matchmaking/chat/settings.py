"""/introductions (/rencontres): a member's introduction settings, by buttons or typed words.

On/off, cadence, a pause until a date (it ends by itself, with one notice), same-venue preference, in
person or by video, a private "never with" list (people the member can see in the directory) and
languages. Typed forms, in either language: `/rencontres off`, `/rencontres mensuel`,
`/rencontres pause 15/01`, `/rencontres jamais Ana`, `/rencontres retirer Ana`,
`/rencontres langues fr en`, `/rencontres visio`, `/introductions in person`, `/rencontres peu importe`.
A slightly misspelt word (`/rencontres mensul`, `/rencontres en persone`) is understood when one
known word is clearly closest, and the answer says what was understood. The panel keeps eight buttons:
cadence, venues and the way of meeting open a sub-menu; "introduce me now" (`/rencontres maintenant`)
asks for a one-off introduction.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import select

from bot.context import Context
from bot.directory.visibility import visible_members
from bot.events.chat.common import capitalised
from bot.members.chat.onboarding import introductions_answered
from bot.members.languages import ALIASES as LANGUAGES
from bot.matchmaking import exclusions
from bot.matchmaking.prefs import MAX_NEVER_WITH, MEET_MODES, VENUE_PREFERENCES, preferences
from bot.matchmaking.wording import language_names
from bot.outbox.notify import member_timezone
from bot.payloads import parse_id
from bot.shorten import shorten
from bot.timeparse.parser import WhenError, parse_when
from bot.types import Button, Reply
from storage.models import Member

MAX_PAUSE = timedelta(days=366)
NAME_CUTOFF = 80
WORD_CUTOFF = 80  # how close a misspelt word must be to a known one (rapidfuzz ratio, 0-100)
WORD_MIN_LENGTH = 4  # shorter words ("on", "non", "oui") are too close to each other to guess
WORD_MARGIN = 5  # a runner-up meaning something else this close makes the guess ambiguous
CADENCE_CHOICES = ("weekly", "biweekly", "monthly")
SPELLED = {"desactiver": "désactiver", "meme": "même", "defaut": "défaut", "presentiel": "présentiel",
           "indifferent": "indifférent", "video": "vidéo", "visioconference": "visioconférence"}  # known words, as people write them

CADENCES = {"weekly": "weekly", "hebdo": "weekly", "hebdomadaire": "weekly", "semaine": "weekly",
            "biweekly": "biweekly", "fortnightly": "biweekly", "quinzaine": "biweekly", "2semaines": "biweekly",
            "bimensuel": "biweekly", "monthly": "monthly", "mensuel": "monthly", "mois": "monthly"}
WORDS = {"on": "on", "oui": "on", "activer": "on", "yes": "on", "off": "off", "non": "off", "desactiver": "off",
         "stop": "off", "pause": "pause", "resume": "resume", "reprendre": "resume", "never": "never",
         "jamais": "never", "allow": "allow", "retirer": "allow", "languages": "languages", "langues": "languages",
         "cadence": "cadence", "rythme": "cadence", "same": "same_venue_ok", "meme": "same_venue_ok",
         "others": "other_venues_only", "autres": "other_venues_only", "prefer": "other_venues_preferred",
         "defaut": "other_venues_preferred", "default": "other_venues_preferred",
         # in person or by video (the values are MEET_MODES)
         "visio": "video", "video": "video", "distanciel": "video", "visioconference": "video", "online": "video",
         "remote": "video", "presentiel": "in_person",
         "personne": "in_person", "either": "either", "both": "either", "indifferent": "either",
         "now": "now", "maintenant": "now"}  # a one-off introduction (chat/answers.introduce_now)
# Ways of meeting said in two words (`/rencontres en personne`), matched on the whole text.
MEET_PHRASES = {"en personne": "in_person", "in person": "in_person", "en vrai": "in_person", "sur place": "in_person",
                "en presentiel": "in_person", "face to face": "in_person", "face a face": "in_person",
                "peu importe": "either", "les deux": "either", "either way": "either",
                "a distance": "video", "by video": "video", "en visio": "video", "en video": "video",
                "par visio": "video", "par video": "video", "en visioconference": "video",
                "par visioconference": "video", "en ligne": "video", "video call": "video"}


def _error(ctx: Context, key: str, **params) -> Reply:
    ctx.extra["mm_error"] = True
    return Reply(ctx.t(key, **params), private=True)


def plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


async def _panel(ctx: Context, note: str | None = None, edit: bool = False) -> Reply:
    member = ctx.member
    assert member is not None
    prefs = await preferences(ctx.session, member.id, ctx.now)
    t = ctx.t
    zone = ZoneInfo(await member_timezone(ctx.session, member, ctx.config.network.timezone))
    paused = member.paused_until is not None and member.paused_until > ctx.now
    languages = prefs.languages or member.languages or [member.locale]
    lines = [
        t("matchmaking.settings.state_on" if member.intro_opt_in else "matchmaking.settings.state_off"),
        t("matchmaking.settings.cadence", cadence=t(f"matchmaking.cadence.{member.cadence}")
          if member.cadence in CADENCE_CHOICES else member.cadence),
        t("matchmaking.settings.paused", date=member.paused_until.astimezone(zone).strftime("%d/%m/%Y"))
        if paused else t("matchmaking.settings.not_paused"),
        t("matchmaking.settings.venues", choice=t(f"matchmaking.venue_pref.{prefs.venue_preference}")),
        t("matchmaking.meet.setting", choice=t(f"matchmaking.meet.mode.{_mode(prefs)}")),
        t("matchmaking.settings.languages", languages=language_names(languages)),
        t("matchmaking.settings.never", count=len(prefs.never_with or [])),
    ]
    excluded = await exclusions.is_excluded(ctx.session, member.id)
    if excluded:  # said where they look, not only when they ask for an introduction
        lines.insert(1, t("matchmaking.one_off.excluded"))
    b = Button
    buttons = (
        (b(t("matchmaking.settings.turn_off" if member.intro_opt_in else "matchmaking.settings.turn_on"), "mm.set",
           "off" if member.intro_opt_in else "on"),
         b(t("matchmaking.settings.resume" if paused else "matchmaking.settings.pause"), "mm.set",
           "resume" if paused else "pause")),
        (b(t("matchmaking.settings.cadence_button"), "mm.set", "menu:cadence"),
         b(t("matchmaking.settings.venues_button"), "mm.set", "menu:venues"),
         b(t("matchmaking.meet.button"), "mm.set", "menu:meet")),
        (b(t("matchmaking.settings.never_button"), "mm.set", "never"),
         b(t("matchmaking.settings.languages_button"), "mm.set", "lang")),
        (b(t("matchmaking.one_off.button"), "mm.set", "now"),),
    )[:3 if excluded else 4]  # an excluded member is offered no one-off
    if note:  # what just happened comes first, then the settings it changed
        text = "\n".join([note, "", t("matchmaking.settings.title"), *lines])
        return Reply(text, buttons=buttons, private=True, edit=edit)
    return Reply("\n".join(lines), title=t("matchmaking.settings.title"), buttons=buttons, private=True, edit=edit)


async def _submenu(ctx: Context, which: str) -> Reply:
    """Cadence, venue preference or way of meeting: three choices and a way back, in place of the panel."""
    member = ctx.member
    assert member is not None
    t = ctx.t
    if which == "cadence":
        current = t(f"matchmaking.cadence.{member.cadence}") if member.cadence in CADENCE_CHOICES else member.cadence
        choices = tuple((Button(t(f"matchmaking.cadence.{c}"), "mm.set", f"c:{c}"),) for c in CADENCE_CHOICES)
        text = t("matchmaking.settings.choose_cadence", current=current)
    elif which == "meet":
        prefs = await preferences(ctx.session, member.id, ctx.now)
        choices = tuple((Button(capitalised(t(f"matchmaking.meet.mode.{m}")), "mm.set", f"m:{m}"),) for m in MEET_MODES)
        text = t("matchmaking.meet.choose", current=t(f"matchmaking.meet.mode.{_mode(prefs)}"))
    else:
        prefs = await preferences(ctx.session, member.id, ctx.now)
        choices = tuple((Button(t(f"matchmaking.venue_pref.{v}"), "mm.set", f"v:{v}"),) for v in VENUE_PREFERENCES)
        text = t("matchmaking.settings.choose_venues", current=t(f"matchmaking.venue_pref.{prefs.venue_preference}"))
    back = (Button(t("matchmaking.settings.back"), "mm.set", "panel"),)
    return Reply(text, buttons=(*choices, back), private=True, edit=True)


def resolve_word(word: str) -> tuple[str | None, bool]:
    """The known word `word` stands for, and whether it was a guess (a typo forgiven), or (None, False)."""
    if word in CADENCES or word in WORDS:
        return word, False
    if len(word) < WORD_MIN_LENGTH:
        return None, False
    known = list(CADENCES) + list(WORDS)
    found = process.extract(word, known, scorer=fuzz.ratio, limit=5, score_cutoff=WORD_CUTOFF)
    if not found:
        return None, False
    best, score, _ = found[0]
    meaning = CADENCES.get(best) or WORDS[best]
    for other, other_score, _ in found[1:]:
        if (CADENCES.get(other) or WORDS[other]) != meaning and score - other_score < WORD_MARGIN:
            return None, False
    return best, True


def _mode(prefs) -> str:
    return prefs.meet_mode if prefs.meet_mode in MEET_MODES else MEET_MODES[0]


def resolve_phrase(text: str) -> tuple[str | None, bool]:
    """The two-word way of meeting `text` stands for (a typo forgiven, as for words), or (None, False)."""
    if text in MEET_PHRASES:
        return text, False
    if len(text.split()) not in (2, 3):
        return None, False
    found = process.extract(text, list(MEET_PHRASES), scorer=fuzz.ratio, limit=2, score_cutoff=WORD_CUTOFF)
    if not found or (len(found) > 1 and MEET_PHRASES[found[1][0]] != MEET_PHRASES[found[0][0]]
                     and found[0][1] - found[1][1] < WORD_MARGIN):
        return None, False
    return found[0][0], True


async def command(ctx: Context) -> Reply:
    words = ctx.args.split(maxsplit=1)
    if not words:
        return await _panel(ctx)
    phrase, guessed = resolve_phrase(plain(" ".join(ctx.args.split()).replace("-", " ")))
    if phrase is not None:
        reply = await _set_meet(ctx, MEET_PHRASES[phrase])
        if guessed:
            understood = ctx.t("matchmaking.settings.understood", word=phrase)
            reply = dataclasses.replace(reply, text=f"{understood}\n{reply.text}")
        return reply
    head, guessed = resolve_word(plain(words[0]))
    if head is None:
        # The whole text, not its first word: "/rencontres en vrai" is answered about « en vrai ».
        return Reply(ctx.t("matchmaking.settings.unknown", word=shorten(" ".join(ctx.args.split()), 40)), private=True)
    reply = await _run_word(ctx, head, (words[1] if len(words) > 1 else "").strip())
    if guessed:  # say what was understood, so a wrong guess is seen at once
        understood = ctx.t("matchmaking.settings.understood", word=SPELLED.get(head, head))
        reply = dataclasses.replace(reply, text=f"{understood}\n{reply.text}")
    return reply


async def _run_word(ctx: Context, head: str, rest: str) -> Reply:
    if head in CADENCES:
        return await _set_cadence(ctx, CADENCES[head])
    action = WORDS[head]
    if action == "cadence":
        cadence = CADENCES.get(plain(rest).replace(" ", ""))
        if cadence is None:
            return Reply(ctx.t("matchmaking.settings.bad_cadence", word=rest[:40]), private=True)
        return await _set_cadence(ctx, cadence)
    if action == "pause":
        return await pause_until(ctx, rest) if rest else await _ask(ctx, "pause")
    if action == "never":
        return await never_with(ctx, rest) if rest else await _ask(ctx, "never")
    if action == "allow":
        return await allow(ctx, rest)
    if action == "languages":
        return await set_languages(ctx, rest) if rest else await _ask(ctx, "lang")
    if action in MEET_MODES:
        return await _set_meet(ctx, action)
    if action == "now":
        from bot.matchmaking.chat.answers import introduce_now

        return await introduce_now(ctx)
    return await _apply(ctx, action)


async def _set_meet(ctx: Context, mode: str, edit: bool = False) -> Reply:
    assert ctx.member is not None
    (await preferences(ctx.session, ctx.member.id, ctx.now)).meet_mode = mode
    return await _panel(ctx, ctx.t("matchmaking.settings.saved"), edit=edit)


async def _set_cadence(ctx: Context, cadence: str) -> Reply:
    assert ctx.member is not None
    ctx.member.cadence = cadence
    return await _panel(ctx, ctx.t("matchmaking.settings.saved"))


async def _apply(ctx: Context, action: str, edit: bool = False) -> Reply:
    member = ctx.member
    assert member is not None
    if action in ("on", "off"):
        member.intro_opt_in = action == "on"
        await introductions_answered(ctx)  # an onboarding waiting for this answer is over
    elif action == "resume":
        member.paused_until = None
    elif action in VENUE_PREFERENCES:
        (await preferences(ctx.session, member.id, ctx.now)).venue_preference = action
    return await _panel(ctx, ctx.t("matchmaking.settings.saved"), edit=edit)


async def _ask(ctx: Context, what: str) -> Reply:
    await ctx.start_flow("mm_settings", what)
    return Reply(ctx.t(f"matchmaking.settings.ask_{what}"), private=True)


async def pressed(ctx: Context) -> Reply:
    """The panel's buttons (payload re-checked: only known values do anything)."""
    payload = ctx.args
    if payload.startswith("c:") and payload[2:] in CADENCE_CHOICES:
        ctx.member.cadence = payload[2:]  # type: ignore[union-attr]
        return await _panel(ctx, ctx.t("matchmaking.settings.saved"), edit=True)
    if payload.startswith("v:") and payload[2:] in VENUE_PREFERENCES:
        return await _apply(ctx, payload[2:], edit=True)
    if payload.startswith("m:") and payload[2:] in MEET_MODES:
        return await _set_meet(ctx, payload[2:], edit=True)
    if payload in ("on", "off", "resume"):
        return await _apply(ctx, payload, edit=True)
    if payload in ("menu:cadence", "menu:venues", "menu:meet"):
        return await _submenu(ctx, payload[5:])
    if payload == "panel":
        return await _panel(ctx, edit=True)
    if payload in ("pause", "lang"):
        return await _ask(ctx, payload)
    if payload == "never":
        return await _never_list(ctx)
    if payload == "now":
        from bot.matchmaking.chat.answers import introduce_now

        return await introduce_now(ctx)
    if payload[:1] in "+-" and (member_id := parse_id(payload[1:])) is not None:
        return await _never_toggle(ctx, member_id, add=payload[0] == "+")
    return ctx.expired(private=True)


async def flow(ctx: Context) -> Reply:
    step = ctx.conversation.step if ctx.conversation else ""
    text = ctx.args
    if step == "pause":
        reply = await pause_until(ctx, text)
    elif step == "never":
        reply = await never_with(ctx, text)
    else:
        reply = await set_languages(ctx, text)
    if not ctx.extra.get("mm_error"):  # a bad answer keeps the question open for another try
        await ctx.end_flow()
    return reply


# -- pause ----------------------------------------------------------------------------------------

async def pause_until(ctx: Context, text: str) -> Reply:
    member = ctx.member
    assert member is not None
    zone = ZoneInfo(await member_timezone(ctx.session, member, ctx.config.network.timezone))
    try:
        when = parse_when(text, now=ctx.now, tz=zone, locale=ctx.locale)
    except WhenError as error:
        key = "matchmaking.settings.pause_past" if error.reason == "past" else "matchmaking.settings.bad_date"
        return _error(ctx, key, text=text[:40])
    start = datetime.combine(when.at.date(), datetime.min.time(), tzinfo=zone).astimezone(ctx.now.tzinfo)
    if start <= ctx.now:
        return _error(ctx, "matchmaking.settings.pause_past", text=text[:40])
    if start - ctx.now > MAX_PAUSE:
        return _error(ctx, "matchmaking.settings.pause_too_far")
    member.paused_until = start
    date = when.at.strftime("%d/%m/%Y")
    # Promising that introductions "resume by themselves" would be false while they are switched off.
    key = "matchmaking.settings.paused_ok" if member.intro_opt_in else "matchmaking.settings.paused_off"
    return Reply(ctx.t(key, date=date), private=True)


# -- never with -----------------------------------------------------------------------------------

async def _visible_by_name(ctx: Context, text: str) -> list[Member]:
    member = ctx.member
    assert member is not None
    rows = dict((await ctx.session.execute(select(Member.id, Member.display_name).where(Member.id != member.id))).all())
    found = process.extract(text, rows, scorer=fuzz.WRatio, limit=8, score_cutoff=NAME_CUTOFF,
                            processor=default_process)
    visible = await visible_members(ctx.session, member, [member_id for _name, _score, member_id in found])
    return [visible[member_id] for _name, _score, member_id in found if member_id in visible][:5]


async def never_with(ctx: Context, text: str) -> Reply:
    matches = await _visible_by_name(ctx, text.strip()[:100])
    if not matches:
        return _error(ctx, "matchmaking.settings.never_not_found", name=text.strip()[:40])
    if len(matches) > 1 and plain(matches[0].display_name) != plain(text):
        buttons = tuple((Button(m.display_name, "mm.set", f"+{m.id}"),) for m in matches)
        return Reply(ctx.t("matchmaking.settings.never_which"), buttons=buttons, private=True)
    return await _never_toggle(ctx, matches[0].id, add=True)


async def allow(ctx: Context, text: str) -> Reply:
    if not text:
        return await _never_list(ctx)
    assert ctx.member is not None
    prefs = await preferences(ctx.session, ctx.member.id, ctx.now)
    listed = dict((await ctx.session.execute(select(Member.id, Member.display_name)
                                             .where(Member.id.in_(prefs.never_with or [])))).all())
    found = process.extractOne(text, listed, scorer=fuzz.WRatio, score_cutoff=NAME_CUTOFF, processor=default_process)
    if found is None:
        return Reply(ctx.t("matchmaking.settings.never_not_listed", name=text[:40]), private=True)
    return await _never_toggle(ctx, found[2], add=False)


async def _never_toggle(ctx: Context, member_id: int, add: bool) -> Reply:
    assert ctx.member is not None
    prefs = await preferences(ctx.session, ctx.member.id, ctx.now)
    current = list(prefs.never_with or [])
    other = await ctx.session.get(Member, member_id)
    if add:
        # Re-checked on the server: only someone this member may see can be listed (payloads can be forged).
        if other is None or member_id not in await visible_members(ctx.session, ctx.member, [member_id]):
            return Reply(ctx.t("matchmaking.settings.never_not_found", name="?"), private=True)
        if len(current) >= MAX_NEVER_WITH:
            return Reply(ctx.t("matchmaking.settings.never_full", count=MAX_NEVER_WITH), private=True)
        if member_id not in current:
            current.append(member_id)
        prefs.never_with = current
        return Reply(ctx.t("matchmaking.settings.never_added", name=other.display_name), private=True)
    if member_id not in current:  # a forged id must not reveal anyone's name
        return Reply(ctx.t("matchmaking.settings.never_not_listed", name="?"), private=True)
    prefs.never_with = [i for i in current if i != member_id]
    name = other.display_name if other else "?"
    return Reply(ctx.t("matchmaking.settings.never_removed", name=name), private=True)


async def _never_list(ctx: Context) -> Reply:
    assert ctx.member is not None
    prefs = await preferences(ctx.session, ctx.member.id, ctx.now)
    listed = list((await ctx.session.execute(select(Member.id, Member.display_name)
                                             .where(Member.id.in_(prefs.never_with or []))
                                             .order_by(Member.display_name))).all())
    buttons = tuple((Button(ctx.t("matchmaking.settings.never_remove", name=name), "mm.set", f"-{member_id}"),)
                    for member_id, name in listed[:20])
    return Reply(ctx.t("matchmaking.settings.never_list", count=len(listed)), buttons=buttons, private=True)


# -- languages ------------------------------------------------------------------------------------

async def set_languages(ctx: Context, text: str) -> Reply:
    assert ctx.member is not None
    words = [plain(w) for w in text.replace(",", " ").split()]
    if not words:
        return _error(ctx, "matchmaking.settings.bad_languages", text="")
    if words[0] in ("reset", "defaut", "default"):
        (await preferences(ctx.session, ctx.member.id, ctx.now)).languages = None
        return await _panel(ctx, ctx.t("matchmaking.settings.saved"))
    unknown = [w for w in words if w not in LANGUAGES]
    if unknown:
        return _error(ctx, "matchmaking.settings.bad_languages", text=", ".join(unknown)[:60])
    codes = list(dict.fromkeys(LANGUAGES[w] for w in words))
    (await preferences(ctx.session, ctx.member.id, ctx.now)).languages = codes
    return await _panel(ctx, ctx.t("matchmaking.settings.saved"))
