"""/profile (/profil): show the member's profile and edit every part of it.

Finite choices are buttons (venues, languages, visibility, introductions, removing a skill); text
(name, bio, skills to add) is typed in a short flow that /cancel leaves. The offers (needs,
interests) view takes typed skills too, as if "Add" had been pressed: a person types them there. Names and bios are stored
as typed (trimmed); adapters escape whatever is rendered. Every button re-reads and re-checks its
payload: it only ever changes the presser's own profile, and only to values a real button offers.
"""

from __future__ import annotations

from bot.context import Context
from bot.members.chat import accounts, onboarding
from bot.skills.chat.member_skills import KIND, add_from_text, kind_view
from bot.venues.chat.listing import venue_from_payload, venue_picker
from bot.wall.chat.consent_ui import profile_choice
from bot.members.languages import NAMES as LANGUAGES
from bot.payloads import parse_id
from bot.text import clean_name
from bot.registry import Access, Registry, Where
from bot.types import Button, Reply
from storage import member_skills as store
from storage.member_skills import label_of
from storage.models import Member, Venue
from storage.venues import all_venues

FLOW = "profile"
VISIBILITIES = ("private", "venue", "network")


def _member(ctx: Context) -> Member:
    assert ctx.member is not None  # Access.MEMBER: the core refused anyone without a profile
    return ctx.member


# -- showing ---------------------------------------------------------------------------------

async def render(ctx: Context, edit: bool = False) -> Reply:
    member = _member(ctx)
    t = ctx.t
    home = await ctx.session.get(Venue, member.home_venue_id) if member.home_venue_id else None
    others = [v.name for v in await _venues(ctx, await accounts.attended_venue_ids(ctx.session, member.id))]
    venue_line = t("profile.venue", venue=home.name if home else t("profile.none"))
    if others:
        venue_line += " " + t("profile.also", venues=", ".join(others))
    skills = await store.member_skills(ctx.session, member.id)
    lines = [venue_line, t("profile.bio", bio=member.bio or t("profile.none"))]
    for kind in store.KINDS:
        labels = [label_of(s, ctx.locale) for k, s in skills if k == kind]
        lines.append(t(f"profile.skills.{kind}", skills=", ".join(labels) or t("profile.none")))
    languages = ", ".join(LANGUAGES.get(code, code) for code in member.languages or [])
    lines += [t("profile.languages", languages=languages or t("profile.none")),
              t("profile.visibility", visibility=t(f"profile.visibility_is.{member.visibility}")),
              t("profile.intro", state=t("profile.intro_on" if member.intro_opt_in else "profile.intro_off"))]
    wall_line, wall_toggle = await profile_choice(ctx)
    lines.append(wall_line)
    b = Button
    buttons = (
        (b(t("profile.edit.name"), "prof", "name"), b(t("profile.edit.bio"), "prof", "bio"),
         b(t("profile.edit.venues"), "prof", "venues")),
        (b(t("profile.edit.offer"), "prof", "o"), b(t("profile.edit.need"), "prof", "n"),
         b(t("profile.edit.interest"), "prof", "i")),
        (b(t("profile.edit.languages"), "prof", "langs"), b(t("profile.edit.visibility"), "prof", "vis"),
         b(t("profile.edit.intro_off" if member.intro_opt_in else "profile.edit.intro_on"), "prof", "intro")),
        (wall_toggle,),
    )
    return Reply("\n".join(lines), title=member.display_name, buttons=buttons, private=True, edit=edit)


async def _venues(ctx: Context, ids: set[int]) -> list[Venue]:
    return sorted([v for v in await all_venues(ctx.session) if v.id in ids], key=lambda v: v.name)


async def profile_command(ctx: Context) -> Reply:
    return await render(ctx)


# -- the "prof" buttons ----------------------------------------------------------------------

async def profile_pressed(ctx: Context) -> Reply | list[Reply]:
    member = _member(ctx)
    choice = ctx.args
    if choice == "show":
        await _leave_flow(ctx)
        return await render(ctx, edit=True)
    if choice == "name":
        await ctx.start_flow(FLOW, "name")
        return Reply(ctx.t("profile.ask_name", limit=accounts.MAX_NAME), buttons=_cancel(ctx))
    if choice == "bio":
        await ctx.start_flow(FLOW, "bio")
        clear = (Button(ctx.t("profile.clear_bio"), "prof", "bioclear"),)
        return Reply(ctx.t("profile.ask_bio", limit=accounts.MAX_BIO), buttons=(clear,) + _cancel(ctx))
    if choice == "bioclear":
        member.bio = ""
        member.updated_at = ctx.now
        await _leave_flow(ctx)
        return await render(ctx, edit=True)
    if choice in KIND:  # what is typed next is added, as after "Add"
        await ctx.start_flow(FLOW, f"add.{choice}")
        return await kind_view(ctx, KIND[choice], edit=True)
    if choice.startswith("add.") and choice[4:] in KIND:
        await ctx.start_flow(FLOW, choice)
        kind = KIND[choice[4:]]
        return Reply(ctx.t(f"profile.ask_skills.{kind}"), buttons=_cancel(ctx))
    if choice == "venues":
        return await _venues_view(ctx, edit=True)
    if choice == "langs":
        return _languages_view(ctx)
    if choice == "vis":
        return _visibility_view(ctx)
    if choice == "intro":
        member.intro_opt_in = not member.intro_opt_in
        member.updated_at = ctx.now
        await onboarding.introductions_answered(ctx)
        return await render(ctx, edit=True)
    return ctx.expired()


def _cancel(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("profile.cancel"), "cancel", ""),),)


async def _leave_flow(ctx: Context) -> None:
    if ctx.conversation is not None and ctx.conversation.flow == FLOW:
        await ctx.end_flow()


# -- typed answers ---------------------------------------------------------------------------

async def flow_text(ctx: Context) -> Reply | list[Reply]:
    assert ctx.conversation is not None
    member = ctx.member
    if member is None:  # erased meanwhile
        await ctx.end_flow()
        return Reply(ctx.t("core.join_first"))
    step = ctx.conversation.step
    text = ctx.args.strip()
    if step == "name":
        name = clean_name(text)  # one line, and something that shows: a name is shown in lists
        if not name:
            return Reply(ctx.t("profile.name_empty", limit=accounts.MAX_NAME), buttons=_cancel(ctx))
        if len(name) > accounts.MAX_NAME:
            return Reply(ctx.t("profile.name_too_long", limit=accounts.MAX_NAME, length=len(name)),
                         buttons=_cancel(ctx))
        member.display_name = name
    elif step == "bio":
        if len(text) > accounts.MAX_BIO:
            return Reply(ctx.t("profile.bio_too_long", limit=accounts.MAX_BIO, length=len(text)), buttons=_cancel(ctx))
        member.bio = text
    elif step.startswith("add.") and step[4:] in KIND:
        kind = KIND[step[4:]]  # the flow stays: the view shown again takes more typed skills
        await ctx.set_step(step)
        return await add_from_text(ctx, kind, text) + [await kind_view(ctx, kind)]
    member.updated_at = ctx.now
    await ctx.end_flow()
    return [Reply(ctx.t("profile.saved")), await render(ctx)]


# -- venues ----------------------------------------------------------------------------------

async def _venues_view(ctx: Context, page: int = 0, edit: bool = False) -> Reply:
    member = _member(ctx)
    home = await ctx.session.get(Venue, member.home_venue_id) if member.home_venue_id else None
    others = [v.name for v in await _venues(ctx, await accounts.attended_venue_ids(ctx.session, member.id))]
    text = ctx.t("profile.venues_intro", venue=home.name if home else ctx.t("profile.none"),
                 others=", ".join(others) or ctx.t("profile.none"))
    buttons = venue_picker(ctx, await all_venues(ctx.session), "pvv", "pvpg", page)
    return Reply(text, buttons=buttons + ((Button(ctx.t("skills.back_button"), "prof", "show"),),), edit=edit)


async def venues_page(ctx: Context) -> Reply:
    page = parse_id(ctx.args)
    if page is None:
        return ctx.expired()
    return await _venues_view(ctx, page, edit=True)


async def venue_chosen(ctx: Context) -> Reply:
    """One venue of the picker: what the member may do with it."""
    member = _member(ctx)
    venue = await venue_from_payload(ctx)
    if venue is None:
        return ctx.expired()
    back = Button(ctx.t("skills.back_button"), "prof", "venues")
    if venue.id == member.home_venue_id:
        return Reply(ctx.t("profile.venue_is_home", venue=venue.name), buttons=((back,),), edit=True)
    attended = venue.id in await accounts.attended_venue_ids(ctx.session, member.id)
    second = (Button(ctx.t("profile.stop_attending"), "pv", f"r:{venue.id}") if attended
              else Button(ctx.t("onboarding.also_attend"), "pv", f"a:{venue.id}"))
    return Reply(ctx.t("profile.venue_choice", venue=venue.name),
                 buttons=((Button(ctx.t("onboarding.make_home"), "pv", f"h:{venue.id}"), second), (back,)), edit=True)


async def venue_change(ctx: Context) -> Reply:
    """h:<id> make home, a:<id> attend too, r:<id> stop attending (also offered by a second /start)."""
    member = _member(ctx)
    what, _, raw = ctx.args.partition(":")
    venue_id = parse_id(raw)
    venue = await ctx.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or what not in ("h", "a", "r"):
        return ctx.expired()
    if what == "h":
        await accounts.make_home(ctx.session, member, venue.id, ctx.now)
        text = ctx.t("profile.home_changed", venue=venue.name)
    elif what == "a":
        await accounts.attend(ctx.session, member, venue.id)
        text = ctx.t("profile.attending", venue=venue.name)
    else:
        await accounts.stop_attending(ctx.session, member, venue.id)
        text = ctx.t("profile.not_attending", venue=venue.name)
    member.updated_at = ctx.now
    return Reply(text, buttons=((Button(ctx.t("onboarding.open_profile"), "prof", "show"),),), edit=True)


# -- languages, visibility -------------------------------------------------------------------

def _languages_view(ctx: Context, edit: bool = True) -> Reply:
    spoken = set(_member(ctx).languages or [])
    buttons = [Button(("✓ " if code in spoken else "") + name, "plang", code) for code, name in LANGUAGES.items()]
    rows = tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))
    return Reply(ctx.t("profile.languages_intro"),
                 buttons=rows + ((Button(ctx.t("skills.back_button"), "prof", "show"),),), edit=edit)


async def language_toggled(ctx: Context) -> Reply:
    member = _member(ctx)
    code = ctx.args
    if code not in LANGUAGES:
        return ctx.expired()
    spoken = list(member.languages or [])
    if code in spoken:
        if len(spoken) == 1:
            return Reply(ctx.t("profile.last_language"))
        spoken.remove(code)
    else:
        spoken.append(code)
    member.languages = spoken  # a new list, so the JSON column is seen as changed
    member.updated_at = ctx.now
    return _languages_view(ctx)


def _visibility_view(ctx: Context) -> Reply:
    current = _member(ctx).visibility
    buttons = tuple((Button(("✓ " if v == current else "") + ctx.t(f"onboarding.visibility.{v}"), "pvis", v),)
                    for v in VISIBILITIES)
    return Reply(ctx.t("profile.visibility_intro"), buttons=buttons, edit=True)


async def visibility_chosen(ctx: Context) -> Reply:
    from bot.features.privacy import NOTICE_VERSION

    member = _member(ctx)
    if ctx.args not in VISIBILITIES:
        return ctx.expired()
    member.visibility = ctx.args
    if member.consent_at is None:  # choosing who sees the profile is agreeing to the notice
        member.consent_at, member.consent_version = ctx.now, NOTICE_VERSION
    member.updated_at = ctx.now
    return await render(ctx, edit=True)


def register(registry: Registry) -> None:
    registry.command("profile", fr="profil", summary="profile.summary", access=Access.MEMBER, where=Where.PRIVATE,
                     section="profile", order=10)(profile_command)
    for action, handler in (("prof", profile_pressed), ("pvv", venue_chosen), ("pvpg", venues_page),
                            ("pv", venue_change), ("plang", language_toggled), ("pvis", visibility_chosen)):
        registry.action(action, access=Access.MEMBER)(handler)
    registry.flow(FLOW)(flow_text)
