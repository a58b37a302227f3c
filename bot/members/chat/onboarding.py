"""Joining the network: /start CODE (the venue's link or QR code), /join CODE (/rejoindre) for
Discord, /start alone (venues as buttons), claiming an imported profile, and the four short
onboarding questions, numbered as the member meets them: offers and needs (skippable), the
visibility with the privacy consent (and the wall), then introductions (step "intro"), answered by
a button or by typing "oui" / "non". A claimed profile starts at the visibility (two questions).
Introductions answered elsewhere (/profile, /matchmaking settings) end an onboarding that only
waited for them, so its question is not shown again in the next session.

An ambiguous skill ("financement") holds its step: its candidates come as buttons, and the next
step comes only once it is settled (a candidate, "keep my words", a typed answer, or "Skip"), so
the answer is never lost under the next question. Several ambiguous skills are asked one by one;
the texts still to settle wait in the conversation's data under "ask".

A code is either a venue's join code or an imported member's claim code; any code that does not
work (unknown, spent, malformed, already a member) gets the same answer, so codes cannot be
probed. A second /start never creates a second member: with another venue's code it offers to
make that venue home or add it to the venues attended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import Context
from bot.members.chat import accounts
from bot.skills.chat.member_skills import add_items, ask_choice, keep_choice, pick_choice
from bot.venues.chat.listing import venue_from_payload, venue_picker
from bot.venues.search import find_venues, nearest_venues
from bot.wall.chat.consent_ui import onboarding_choice
from bot.wall.chat.deeplink import is_event_payload, open_event
from bot.features.privacy import NOTICE_VERSION
from bot.payloads import parse_id
from bot.throttle import code_attempt
from bot.registry import Access, Handler, Registry, Where
from bot.types import Button, ButtonPressed, Reply
from bot.words import is_skip, is_yes
from storage.models import Member, Venue
from storage.venues import all_venues, venue_by_code

FLOW = "onboarding"
VISIBILITIES = ("private", "venue", "network")
STEP_KIND = {"offers": "offer", "needs": "need"}  # the steps that take skills, and their kind
NEXT_STEP = {"offers": "needs", "needs": "privacy"}
STEPS = ("offers", "needs", "privacy", "intro")  # in order, for the "2/4" a member reads
SEARCH_HINT_FROM = 16  # venues: beyond two pages of buttons, suggest typing a name or a town


# -- entry points ----------------------------------------------------------------------------

async def start(ctx: Context) -> Reply | list[Reply]:
    code = ctx.args.split()[0] if ctx.args else ""
    if is_event_payload(code):  # an event's QR code on the live wall
        shown = await open_event(ctx, code)
        return shown if ctx.member is not None else [shown, await _choose_venue(ctx)]
    if code:
        return await _with_code(ctx, code)
    if ctx.member is not None:
        return Reply(ctx.t("onboarding.welcome_back", name=ctx.member.display_name), buttons=_member_buttons(ctx))
    return await _choose_venue(ctx)


async def join(ctx: Context) -> Reply | list[Reply]:
    if not ctx.args:
        return Reply(ctx.t("onboarding.join_needs_code", command="/rejoindre" if ctx.locale == "fr" else "/join"))
    return await _with_code(ctx, ctx.args.split()[0])


async def _with_code(ctx: Context, code: str) -> Reply | list[Reply]:
    if (refused := await code_attempt(ctx, "join")) is not None:  # guessing is throttled
        return refused
    venue = await venue_by_code(ctx.session, code)
    if venue is not None:
        return await join_venue(ctx, venue)
    if ctx.member is None:
        imported = await accounts.member_by_claim_code(ctx.session, code)
        if imported is not None:
            return await _claim(ctx, imported)
        # Not a code: maybe the venue's name or town (`/start hangar`, `/start nantes`).
        found = find_venues(await all_venues(ctx.session), ctx.args)
        if found:
            return Reply(ctx.t("venues.search.found", text=ctx.args[:60]),
                         buttons=venue_picker(ctx, found, "join", "joinpg"))
    return Reply(ctx.t("onboarding.bad_code"))


async def _choose_venue(ctx: Context, page: int = 0, edit: bool = False) -> Reply:
    venues = await all_venues(ctx.session)
    if not venues:
        return Reply(ctx.t("onboarding.no_venues"))
    text = ctx.t("onboarding.choose_venue", network=ctx.config.network.name)
    if len(venues) > SEARCH_HINT_FROM:  # paging through hundreds of venues is no way in
        text += "\n\n" + ctx.t("venues.search.hint", command="/start")
    return Reply(text, buttons=venue_picker(ctx, venues, "join", "joinpg", page), edit=edit)


async def location_shared(ctx: Context) -> Reply | None:
    """A place shared in a private chat: the nearest venues to join (the place itself is not kept)."""
    if not ctx.chat.is_private:
        return None
    event = ctx.event
    near = nearest_venues(await all_venues(ctx.session), event.latitude, event.longitude)
    if not near:
        return Reply(ctx.t("venues.search.near_none", command="/start"))
    lines = "\n".join(ctx.t("venues.search.near_line", km=_km(ctx.locale, km),
                             venue=f"{venue.name}, {venue.city}" if venue.city else venue.name)
                       for venue, km in near)
    return Reply(ctx.t("venues.search.near", venues=lines),
                 buttons=venue_picker(ctx, [venue for venue, _ in near], "join", "joinpg"))


def _km(locale: str, km: float) -> str:
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    return text.replace(".", ",") if locale == "fr" else text


async def join_pressed(ctx: Context) -> Reply | list[Reply]:
    venue = await venue_from_payload(ctx)
    if venue is None:
        return ctx.expired()
    return await join_venue(ctx, venue)


async def join_page(ctx: Context) -> Reply:
    page = parse_id(ctx.args)
    if page is None:
        return ctx.expired()
    return await _choose_venue(ctx, page, edit=True)


# -- joining ---------------------------------------------------------------------------------

async def join_venue(ctx: Context, venue: Venue) -> Reply | list[Reply]:
    member = ctx.member
    if member is not None:
        return await _already_member(ctx, member, venue)
    await accounts.create_member(ctx, venue)
    members, venues = await accounts.network_size(ctx.session)
    welcome = ctx.t("onboarding.welcome", network=ctx.config.network.name, venue=venue.name, count=members,
                    venues=venues)
    await ctx.start_flow(FLOW, "offers")
    return [Reply(welcome, title=ctx.t("onboarding.welcome_title", network=ctx.config.network.name)),
            _step_reply(ctx, "offers")]


async def _already_member(ctx: Context, member: Member, venue: Venue) -> Reply:
    if venue.id == member.home_venue_id:
        return Reply(ctx.t("onboarding.already_home", venue=venue.name), buttons=_member_buttons(ctx))
    attended = venue.id in await accounts.attended_venue_ids(ctx.session, member.id)
    buttons = [Button(ctx.t("onboarding.make_home"), "pv", f"h:{venue.id}")]
    if not attended:
        buttons.append(Button(ctx.t("onboarding.also_attend"), "pv", f"a:{venue.id}"))
    key = "onboarding.already_member_attending" if attended else "onboarding.already_member"
    return Reply(ctx.t(key, venue=venue.name), buttons=(tuple(buttons),))


async def _claim(ctx: Context, member: Member) -> list[Reply]:
    await accounts.claim(ctx, member)
    members, venues = await accounts.network_size(ctx.session)
    welcome = ctx.t("onboarding.welcome_claimed", network=ctx.config.network.name, name=member.display_name,
                    count=members, venues=venues)
    await ctx.start_flow(FLOW, "privacy", {"first": "privacy"})
    return [Reply(welcome, title=ctx.t("onboarding.welcome_title", network=ctx.config.network.name)),
            _step_reply(ctx, "privacy")]


def _member_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("onboarding.open_profile"), "prof", "show"),),)


# -- the four steps --------------------------------------------------------------------------

def _numbered(ctx: Context, step: str, text: str) -> str:
    """ "3/4 — " before a step's question, counted from where this member's onboarding began."""
    data = ctx.conversation.data if ctx.conversation is not None and ctx.conversation.flow == FLOW else {}
    first = data.get("first") if data.get("first") in STEPS else STEPS[0]
    steps = STEPS[STEPS.index(first):]
    return f"{steps.index(step) + 1}/{len(steps)} — {text}" if step in steps else text


def _step_reply(ctx: Context, step: str, edit: bool = False) -> Reply:
    skip = Button(ctx.t("onboarding.skip"), "onb", "skip")
    if step in ("offers", "needs"):
        return Reply(_numbered(ctx, step, ctx.t(f"onboarding.step_{step}")), buttons=((skip,),), edit=edit)
    visibility = [Button(ctx.t(f"onboarding.visibility.{v}"), "onb", f"v:{v}") for v in VISIBILITIES]
    text = ctx.t("onboarding.step_privacy", network=ctx.config.network.name, version=NOTICE_VERSION)
    wall_line, wall_toggle = onboarding_choice(ctx)
    text, _, last = text.rpartition("\n")  # the wall's choice goes just above the closing instruction
    return Reply(_numbered(ctx, "privacy", f"{text}\n{wall_line}\n{last}"),
                 buttons=(tuple(visibility), (wall_toggle,)), edit=edit)


async def step_text(ctx: Context) -> list[Reply] | Reply:
    """Free text during onboarding: the offers or needs typed at that step, or the answer to the
    open question about an ambiguous one (it replaces the question's text)."""
    conversation = ctx.conversation
    assert conversation is not None
    if ctx.member is None:  # the member was erased meanwhile (/forget on another platform)
        await ctx.end_flow()
        return Reply(ctx.t("core.join_first"))
    step = conversation.step
    kind = STEP_KIND.get(step)
    if step == "intro":  # "oui" / "non" typed instead of pressed
        if is_yes(ctx.args) or is_skip(ctx.args):
            ctx.member.intro_opt_in = is_yes(ctx.args)
            ctx.member.updated_at = ctx.now
            return await _finish(ctx, ctx.member, ctx.member.visibility)
        return _intro_question(ctx)
    if kind is None:
        return _step_reply(ctx, "privacy")  # typing at the last step: show the choices again
    pending = _pending(ctx)[1:]  # typed while a question was open: the typed text answers it
    # Typed instead of pressing "Skip": never a skill ("rien" would otherwise become a custom skill).
    lines, ambiguous = ([], []) if is_skip(ctx.args) else await add_items(ctx, kind, ctx.args)
    return await _carry_on(ctx, step, lines, ambiguous + pending)


def _pending(ctx: Context) -> list[str]:
    conversation = ctx.conversation
    if conversation is None or conversation.flow != FLOW:
        return []
    return [text for text in conversation.data.get("ask") or [] if isinstance(text, str)]


async def _carry_on(ctx: Context, step: str, lines: list[str], pending: list[str], edit: bool = False) -> list[Reply]:
    """After an answer at a skills step: the summary, then the next open question, else the next step."""
    replies = [Reply("\n".join(lines), edit=edit)] if lines else []
    kind = STEP_KIND[step]
    while pending:
        question = await ask_choice(ctx, kind, pending[0], pick="onbpick", keep="onbkeep")
        if question is not None:
            await ctx.set_step(step, ask=pending)
            skip = Button(ctx.t("onboarding.skip"), "onb", "skip")
            return replies + [Reply(question.text, buttons=question.buttons + ((skip,),))]
        pending = pending[1:]  # no candidates any more (skills merged meanwhile): nothing to ask
    following = NEXT_STEP[step]
    await ctx.set_step(following, ask=[])
    return replies + [_step_reply(ctx, following)]


async def step_pressed(ctx: Context) -> Reply | list[Reply]:
    """Skip, the visibility, or the introductions answer that ends onboarding (an "i" pressed at the
    visibility step is a button of an older version, which offered the toggle there: still honoured)."""
    member = ctx.member
    assert member is not None  # Access.MEMBER: the core refused anyone without a profile
    choice, _, value = ctx.args.partition(":")
    conversation = ctx.conversation if ctx.conversation is not None and ctx.conversation.flow == FLOW else None
    if choice == "v" and value in VISIBILITIES:
        if conversation is not None and not conversation.data.get("intro_chosen"):
            _set_visibility(ctx, member, value)  # the consent is given; introductions are asked next
            await ctx.set_step("intro")
            return _intro_question(ctx, edit=True)
        return await _finish(ctx, member, value)
    if choice == "i" and value in ("on", "off"):
        member.intro_opt_in = value == "on"
        member.updated_at = ctx.now
        if conversation is not None and conversation.step == "intro":
            return await _finish(ctx, member, member.visibility)
        if conversation is not None:
            await ctx.set_step(conversation.step, intro_chosen=True)
        return _step_reply(ctx, "privacy", edit=True)
    if ctx.args == "skip" and ctx.conversation is not None and ctx.conversation.flow == FLOW:
        step = ctx.conversation.step
        if step in STEP_KIND:  # skips the open question if there is one, else the step
            return await _carry_on(ctx, step, [], _pending(ctx)[1:])
    return ctx.expired()


def _choice_pressed(choose: Callable[[Context, str], Awaitable[tuple[str, list[str]] | None]]) -> Handler:
    """A candidate (or "keep my words") under an onboarding question: add it like /offer's buttons
    do, then move on if the question is the one onboarding is waiting for."""
    async def handle(ctx: Context) -> Reply | list[Reply]:
        result = await choose(ctx, ctx.args)
        if result is None:
            return ctx.expired()
        kind, lines = result
        conversation = ctx.conversation
        waiting = (conversation is not None and conversation.flow == FLOW
                   and STEP_KIND.get(conversation.step) == kind and bool(_pending(ctx)))
        if not waiting:  # an older question: the skill is added, onboarding is elsewhere
            return Reply("\n".join(lines), edit=True)
        assert conversation is not None
        return await _carry_on(ctx, conversation.step, lines, _pending(ctx)[1:], edit=True)

    return handle


def _intro_question(ctx: Context, edit: bool = False) -> Reply:
    """The introductions question, once the visibility is chosen: yes or no ends onboarding."""
    assert ctx.member is not None
    visibility = ctx.t(f"onboarding.visibility_done.{ctx.member.visibility}")
    buttons = ((Button(ctx.t("onboarding.intro_turn_on"), "onb", "i:on"),
                Button(ctx.t("onboarding.intro_turn_off"), "onb", "i:off")),)
    text = ctx.t("onboarding.visibility_noted", visibility=visibility)
    return Reply(f"{text}\n{_numbered(ctx, 'intro', ctx.t('onboarding.step_intro'))}", buttons=buttons, edit=edit)


async def introductions_answered(ctx: Context) -> None:
    """Introductions were just set elsewhere (/profile, /matchmaking): an onboarding that waited
    only for that answer is over, so its question does not come back in the next session."""
    conversation = ctx.conversation
    if conversation is not None and conversation.flow == FLOW and conversation.step == "intro":
        await ctx.end_flow()


def _set_visibility(ctx: Context, member: Member, visibility: str) -> None:
    """Choosing who sees the profile is accepting the privacy notice."""
    member.visibility = visibility
    member.consent_at = ctx.now
    member.consent_version = NOTICE_VERSION
    member.updated_at = ctx.now


async def _finish(ctx: Context, member: Member, visibility: str) -> Reply:
    _set_visibility(ctx, member, visibility)
    if ctx.conversation is not None and ctx.conversation.flow == FLOW:
        await ctx.end_flow()
    intro = ctx.t("onboarding.intro_state_on" if member.intro_opt_in else "onboarding.intro_state_off")
    return Reply(ctx.t("onboarding.done", visibility=ctx.t(f"onboarding.visibility_done.{visibility}"), intro=intro),
                 buttons=_member_buttons(ctx), edit=isinstance(ctx.event, ButtonPressed))


def register(registry: Registry) -> None:
    registry.command("start", fr="start", summary="onboarding.summary", args="onboarding.args",
                     where=Where.PRIVATE, order=2)(start)
    registry.command("join", fr="rejoindre", summary="onboarding.join_summary", args="onboarding.args",
                     where=Where.PRIVATE, order=3)(join)
    registry.action("join")(join_pressed)
    registry.listen("location_shared")(location_shared)
    registry.action("joinpg")(join_page)
    registry.action("onb", access=Access.MEMBER)(step_pressed)
    registry.action("onbpick", access=Access.MEMBER)(_choice_pressed(pick_choice))
    registry.action("onbkeep", access=Access.MEMBER)(_choice_pressed(keep_choice))
    registry.flow(FLOW)(step_text)
