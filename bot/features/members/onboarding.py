"""Joining the network: /start CODE (the venue's link or QR code), /join CODE (/rejoindre) for
Discord, /start alone (venues as buttons), claiming an imported profile, and the three short,
skippable onboarding steps: offers, needs, then visibility + introductions with the privacy consent.

A code is either a venue's join code or an imported member's claim code; any code that does not
work (unknown, spent, malformed, already a member) gets the same answer, so codes cannot be
probed. A second /start never creates a second member: with another venue's code it offers to
make that venue home or add it to the venues attended.
"""

from __future__ import annotations

from bot.context import Context
from bot.features.members import accounts
from bot.features.members.skills import add_from_text
from bot.features.members.venues import venue_from_payload, venue_picker
from bot.features.privacy import NOTICE_VERSION
from bot.registry import Access, Registry, Where
from bot.types import Button, ButtonPressed, Reply
from bot.words import is_skip
from storage.models import Member, Venue
from storage.venues import all_venues, venue_by_code

FLOW = "onboarding"
VISIBILITIES = ("private", "venue", "network")
# Typed instead of pressing "Skip": never a skill ("rien" would otherwise become a custom skill).


# -- entry points ----------------------------------------------------------------------------

async def start(ctx: Context) -> Reply | list[Reply]:
    code = ctx.args.split()[0] if ctx.args else ""
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
    venue = await venue_by_code(ctx.session, code)
    if venue is not None:
        return await join_venue(ctx, venue)
    if ctx.member is None:
        imported = await accounts.member_by_claim_code(ctx.session, code)
        if imported is not None:
            return await _claim(ctx, imported)
    return Reply(ctx.t("onboarding.bad_code"))


async def _choose_venue(ctx: Context, page: int = 0, edit: bool = False) -> Reply:
    venues = await all_venues(ctx.session)
    if not venues:
        return Reply(ctx.t("onboarding.no_venues"))
    return Reply(ctx.t("onboarding.choose_venue", network=ctx.config.network.name),
                 buttons=venue_picker(ctx, venues, "join", "joinpg", page), edit=edit)


async def join_pressed(ctx: Context) -> Reply | list[Reply]:
    venue = await venue_from_payload(ctx)
    if venue is None:
        return Reply(ctx.t("core.button_expired"))
    return await join_venue(ctx, venue)


async def join_page(ctx: Context) -> Reply:
    page = accounts.parse_id(ctx.args)
    if page is None:
        return Reply(ctx.t("core.button_expired"))
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
    await ctx.start_flow(FLOW, "privacy")
    return [Reply(welcome, title=ctx.t("onboarding.welcome_title", network=ctx.config.network.name)),
            _step_reply(ctx, "privacy")]


def _member_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("onboarding.open_profile"), "prof", "show"),),)


# -- the three steps -------------------------------------------------------------------------

def _step_reply(ctx: Context, step: str, edit: bool = False) -> Reply:
    skip = Button(ctx.t("onboarding.skip"), "onb", "skip")
    if step in ("offers", "needs"):
        return Reply(ctx.t(f"onboarding.step_{step}"), buttons=((skip,),), edit=edit)
    member = ctx.member
    assert member is not None
    intro = member.intro_opt_in
    visibility = [Button(ctx.t(f"onboarding.visibility.{v}"), "onb", f"v:{v}") for v in VISIBILITIES]
    toggle = Button(ctx.t("onboarding.intro_turn_off" if intro else "onboarding.intro_turn_on"),
                    "onb", "i:off" if intro else "i:on")
    text = ctx.t("onboarding.step_privacy", network=ctx.config.network.name, version=NOTICE_VERSION,
                 intro=ctx.t("onboarding.intro_state_on" if intro else "onboarding.intro_state_off"))
    return Reply(text, buttons=(tuple(visibility), (toggle,)), edit=edit)


async def step_text(ctx: Context) -> list[Reply] | Reply:
    """Free text during onboarding: the offers or needs typed at that step."""
    conversation = ctx.conversation
    assert conversation is not None
    if ctx.member is None:  # the member was erased meanwhile (/forget on another platform)
        await ctx.end_flow()
        return Reply(ctx.t("core.join_first"))
    skipped = is_skip(ctx.args)
    if conversation.step == "offers":
        replies = [] if skipped else await add_from_text(ctx, "offer", ctx.args)
        await ctx.set_step("needs")
        return replies + [_step_reply(ctx, "needs")]
    if conversation.step == "needs":
        replies = [] if skipped else await add_from_text(ctx, "need", ctx.args)
        await ctx.set_step("privacy")
        return replies + [_step_reply(ctx, "privacy")]
    return _step_reply(ctx, "privacy")  # typing at the last step: show the choices again


async def step_pressed(ctx: Context) -> Reply | list[Reply]:
    """Skip, the introductions toggle, or the visibility choice that ends onboarding."""
    member = ctx.member
    assert member is not None  # accounts.members_only
    choice, _, value = ctx.args.partition(":")
    if choice == "v" and value in VISIBILITIES:
        return await _finish(ctx, member, value)
    if choice == "i" and value in ("on", "off"):
        member.intro_opt_in = value == "on"
        member.updated_at = ctx.now
        return _step_reply(ctx, "privacy", edit=True)
    if ctx.args == "skip" and ctx.conversation is not None and ctx.conversation.flow == FLOW:
        following = {"offers": "needs", "needs": "privacy"}.get(ctx.conversation.step)
        if following is not None:
            await ctx.set_step(following)
            return _step_reply(ctx, following)
    return Reply(ctx.t("core.button_expired"))


async def _finish(ctx: Context, member: Member, visibility: str) -> Reply:
    member.visibility = visibility
    member.consent_at = ctx.now
    member.consent_version = NOTICE_VERSION
    member.updated_at = ctx.now
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
    registry.action("joinpg")(join_page)
    registry.action("onb", access=Access.MEMBER)(accounts.members_only(step_pressed))
    registry.flow(FLOW)(step_text)
