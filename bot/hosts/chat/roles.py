"""Hosts and the chats of the programme.

- `/host add|remove|list` (`/hote ajouter|retirer|liste`): an animator makes a member host of a venue;
- `/link_venue [slug]` (`/lier_lieu`), in a group: a host makes it the venue's announcement chat;
- `/link_network` (`/lier_reseau`), in a group: an animator makes it the network programme chat;
- `/unlink` (`/delier`), in a group: undo both.
A member made host is told by DM what hosts can do (and how to join the hosts' chat); when a name
matches no one or several, the closest names are offered as buttons.
Every command and button re-checks the role on the server: button payloads can be forged.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.context import Context
from bot.phrases import spoken_list
from bot.hosts import members_lookup
from bot.hosts.chat.network import unlink_hosts
from bot.hosts.welcome import tell_new_host
from bot.payloads import parse_id
from bot.registry import Access, Registry, Where
from bot.types import Button, Reply
from storage.models import Member, Role, Venue, VenueChat
from storage.venues import all_venues, venue_by_slug

ADD_WORDS = {"add", "ajouter", "ajoute"}
REMOVE_WORDS = {"remove", "retirer", "retire", "enlever"}
LIST_WORDS = {"list", "liste", "lister", ""}


async def find_members(ctx: Context, who: str) -> list[Member]:
    """Members matching "@handle", a platform user id, a display name, or a name's start."""
    return await members_lookup.find_members(ctx.session, who)


async def host(ctx: Context) -> Reply:
    words = ctx.args.split()
    verb = words[0].lower() if words else ""
    if verb in LIST_WORDS and len(words) <= 2:
        return await _list(ctx, words[1] if len(words) == 2 else None)
    if verb not in ADD_WORDS | REMOVE_WORDS or len(words) < 3:
        return Reply(ctx.t("hosts.usage"))
    venue = await venue_by_slug(ctx.session, words[-1].lower())
    if venue is None:
        return Reply(ctx.t("hosts.unknown_venue", slug=words[-1], slugs=await _slugs(ctx)))
    who = " ".join(words[1:-1])
    found = await find_members(ctx, who)
    if len(found) != 1:
        return await _suggest(ctx, verb in ADD_WORDS, who, venue, found)
    return await _apply(ctx, verb in ADD_WORDS, found[0], venue)


async def _suggest(ctx: Context, adding: bool, who: str, venue: Venue, found: list[Member]) -> Reply:
    """No single member: the closest names as buttons (console and Discord members have no @handle)."""
    if not found:
        found = await members_lookup.members_named(ctx.session, who.lstrip("@").split()[0] if who.split() else "")
    if not found:
        return Reply(ctx.t("hosts.unknown_member", who=who))
    verb = "a" if adding else "r"
    buttons = tuple((Button(m.display_name, "host.pick", f"{verb}:{m.id}:{venue.id}"),) for m in found)
    return Reply(ctx.t("hosts.pick_member", who=who, venue=venue.name), buttons=buttons)


async def pick_pressed(ctx: Context) -> Reply:
    """A suggested name pressed: re-read the member and the venue (the payload can be forged)."""
    verb, _, rest = ctx.args.partition(":")
    member_part, _, venue_part = rest.partition(":")
    member_id, venue_id = parse_id(member_part), parse_id(venue_part)
    if verb not in ("a", "r") or member_id is None or venue_id is None:
        return ctx.expired()
    member, venue = await ctx.session.get(Member, member_id), await ctx.session.get(Venue, venue_id)
    if member is None or venue is None or member.consent_at is None:
        return ctx.expired()
    return await _apply(ctx, verb == "a", member, venue, edit=True)


async def _apply(ctx: Context, adding: bool, member: Member, venue: Venue, *, edit: bool = False) -> Reply:
    existing = (await ctx.session.execute(select(Role).where(
        Role.member_id == member.id, Role.role == "host", Role.venue_id == venue.id))).scalar_one_or_none()
    if adding:
        if existing is not None:
            return Reply(ctx.t("hosts.already", name=member.display_name, venue=venue.name), edit=edit)
        role = Role(member_id=member.id, role="host", venue_id=venue.id, created_at=ctx.now)
        ctx.session.add(role)
        await ctx.session.flush()
        told = await tell_new_host(ctx.session, ctx.config, member, venue, role, ctx.now)
        key = "hosts.added" if told else "hosts.added_untold"
        return Reply(ctx.t(key, name=member.display_name, venue=venue.name), edit=edit)
    if existing is None:
        return Reply(ctx.t("hosts.not_host", name=member.display_name, venue=venue.name), edit=edit)
    await ctx.session.delete(existing)
    return Reply(ctx.t("hosts.removed", name=member.display_name, venue=venue.name), edit=edit)


async def complete_host(ctx: Context, text: str) -> list[tuple[str, str]]:
    """/host add|remove NAME...: members whose name starts with what is typed (animators only)."""
    words = text.split()
    if len(words) < 2 or words[0].lower() not in ADD_WORDS | REMOVE_WORDS or not await ctx.is_animator():
        return []
    typed = " ".join(words[1:])
    return [(f"{words[0]} {m.display_name} ", m.display_name)
            for m in await members_lookup.members_named(ctx.session, typed.lstrip("@"), limit=10)]


async def _list(ctx: Context, slug: str | None) -> Reply:
    statement = (select(Venue.name, Member.display_name).join(Role, Role.venue_id == Venue.id)
                 .join(Member, Member.id == Role.member_id).where(Role.role == "host")
                 .order_by(Venue.name, Member.display_name))
    if slug:
        venue = await venue_by_slug(ctx.session, slug.lower())
        if venue is None:
            return Reply(ctx.t("hosts.unknown_venue", slug=slug, slugs=await _slugs(ctx)))
        statement = statement.where(Venue.id == venue.id)
    rows = list(await ctx.session.execute(statement))
    if not rows:
        return Reply(ctx.t("hosts.none"))
    return Reply("\n".join(f"{venue} — {name}" for venue, name in rows), title=ctx.t("hosts.list_title"))


async def _slugs(ctx: Context) -> str:
    return ", ".join(v.slug for v in await all_venues(ctx.session))


async def link_venue(ctx: Context) -> Reply:
    venues = await ctx.hostable_venues()
    if ctx.args:
        venue = await venue_by_slug(ctx.session, ctx.args.strip().lower())
        if venue is None or venue not in venues:
            return Reply(ctx.t("hosts.link_which", venues=", ".join(v.slug for v in venues)))
        return await _bind(ctx, venue)
    if len(venues) == 1:
        return await _bind(ctx, venues[0])
    buttons = tuple((Button(v.name, "link.venue", str(v.id)),) for v in venues[:20])
    return Reply(ctx.t("hosts.link_choose"), buttons=buttons)


async def link_venue_pressed(ctx: Context) -> Reply:
    if ctx.chat.is_private:
        return Reply(ctx.t("core.group_only"))
    venue_id = parse_id(ctx.args)
    venue = await ctx.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or not await ctx.can_host(venue.id):
        return Reply(ctx.t("hosts.not_yours"), private=True)
    return await _bind(ctx, venue)


async def _bind(ctx: Context, venue: Venue) -> Reply:
    chat = await _binding(ctx, "announcements")
    if chat is not None and chat.venue_id == venue.id:
        return Reply(ctx.t("hosts.linked_already", venue=venue.name))
    if chat is None:
        chat = VenueChat(platform=ctx.chat.platform, chat_id=ctx.chat.chat_id, purpose="announcements",
                         created_at=ctx.now)
        ctx.session.add(chat)
    elif not await ctx.can_host(chat.venue_id):
        return Reply(ctx.t("hosts.linked_to_other"), private=True)
    chat.venue_id = venue.id
    chat.title = ctx.chat.title
    return Reply(ctx.t("hosts.linked", venue=venue.name))


async def _binding(ctx: Context, purpose: str) -> VenueChat | None:
    return (await ctx.session.execute(select(VenueChat).options(selectinload(VenueChat.venue)).where(
        VenueChat.platform == ctx.chat.platform, VenueChat.chat_id == ctx.chat.chat_id,
        VenueChat.purpose == purpose))).scalar_one_or_none()


async def link_network(ctx: Context) -> Reply:
    if await _binding(ctx, "programme") is not None:
        return Reply(ctx.t("hosts.network_linked_already"))
    ctx.session.add(VenueChat(venue_id=None, platform=ctx.chat.platform, chat_id=ctx.chat.chat_id,
                              purpose="programme", title=ctx.chat.title, created_at=ctx.now))
    return Reply(ctx.t("hosts.network_linked", network=ctx.config.network.name))


async def unlink(ctx: Context) -> Reply:
    removed = []
    venue_chat = await _binding(ctx, "announcements")
    if venue_chat is not None and await ctx.can_host(venue_chat.venue_id):
        removed.append(venue_chat.venue.name if venue_chat.venue else "?")
        await ctx.session.delete(venue_chat)
    programme = await _binding(ctx, "programme")
    if programme is not None and await ctx.is_animator():
        removed.append(ctx.config.network.name)
        await ctx.session.delete(programme)
    if await unlink_hosts(ctx):
        removed.append(ctx.t("hosts.hosts_chat"))
    if not removed:
        return Reply(ctx.t("hosts.unlink_nothing"))
    return Reply(ctx.t("hosts.unlinked", what=spoken_list(removed, ctx.t)))


def register(registry: Registry) -> None:
    registry.command("host", fr="hote", summary="hosts.summary", args="hosts.args", access=Access.ANIMATOR,
                     complete="host_members", section="animators", order=10)(host)
    registry.command("link_venue", fr="lier_lieu", summary="hosts.link_summary", args="hosts.link_args",
                     access=Access.HOST, where=Where.GROUP, section="hosts", order=10)(link_venue)
    registry.command("link_network", fr="lier_reseau", summary="hosts.network_summary", access=Access.ANIMATOR,
                     where=Where.GROUP, section="animators", order=11)(link_network)
    registry.command("unlink", fr="delier", summary="hosts.unlink_summary", access=Access.HOST, where=Where.GROUP,
                     section="hosts", order=11)(unlink)
    registry.action("link.venue", access=Access.HOST)(link_venue_pressed)
    registry.action("host.pick", access=Access.ANIMATOR)(pick_pressed)
    registry.completer("host_members")(complete_host)
