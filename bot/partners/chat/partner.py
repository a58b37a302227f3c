"""/partner (/partenaire): the territory's partner organisations and who speaks for them.

- `/partner list` (`liste`): the partners, their kind and contacts (any member);
- `/partner new KIND NAME` (`nouveau`): an animator declares a partner organisation;
- `/partner add WHO SLUG` / `remove` (`ajouter` / `retirer`): an animator makes a member a contact
  of a partner (they are told by DM what a contact can do) or withdraws it.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Context
from bot.hosts.members_lookup import find_members
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.partners.contacts import (
    PARTNER_ROLE, contact_role, contacts_of, declare_partner, partner_venues,
)
from bot.partners.kinds import kind_label
from bot.registry import Access, Registry
from bot.types import Reply
from storage.models import Role
from storage.venues import venue_by_slug

NEW_WORDS = {"new", "nouveau", "nouvelle", "declare", "declarer"}
ADD_WORDS = {"add", "ajouter", "ajoute"}
REMOVE_WORDS = {"remove", "retirer", "retire", "enlever"}
LIST_WORDS = {"list", "liste", ""}


async def partner(ctx: Context) -> Reply:
    words = ctx.args.split()
    verb = words[0].lower() if words else ""
    if verb in LIST_WORDS:
        if ctx.member is None and not await ctx.is_animator():
            return Reply(ctx.t("core.join_first"))
        return await _list(ctx)
    if verb not in NEW_WORDS | ADD_WORDS | REMOVE_WORDS:
        return Reply(ctx.t("partners.usage"))
    if not await ctx.is_animator():
        return Reply(ctx.t("partners.animators_only"))
    if verb in NEW_WORDS:
        return await _new(ctx, words[1:])
    if len(words) < 3:
        return Reply(ctx.t("partners.usage"))
    return await _contact(ctx, verb in ADD_WORDS, " ".join(words[1:-1]), words[-1].lower())


def _kind_of(ctx: Context, word: str) -> str | None:
    wanted = word.lower().replace("_", " ")
    for kind in ctx.config.partners.kinds:
        if wanted in (kind, kind_label(kind, ctx.t).lower()):
            return kind
    return None


async def _new(ctx: Context, words: list[str]) -> Reply:
    kinds = ", ".join(k.replace(" ", "_") for k in ctx.config.partners.kinds)
    kind = _kind_of(ctx, words[0]) if words else None
    name = " ".join(words[1:]).strip()
    if kind is None or len(name) < 2:
        return Reply(ctx.t("partners.new_usage", kinds=kinds))
    venue = await declare_partner(ctx.session, name, kind, ctx.config.network.timezone, ctx.now)
    if venue is None:
        return Reply(ctx.t("partners.new_taken", name=name))
    return Reply(ctx.t("partners.new_done", name=venue.name, kind=kind_label(kind, ctx.t), slug=venue.slug))


def _told(partner_name: str) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        return Reply(t("partners.contact_told", partner=partner_name))

    return render


async def _contact(ctx: Context, adding: bool, who: str, slug: str) -> Reply:
    venue = await venue_by_slug(ctx.session, slug)
    if venue is None or venue.kind != "partner":
        slugs = ", ".join(v.slug for v in await partner_venues(ctx.session)) or "—"
        return Reply(ctx.t("partners.unknown_partner", slug=slug, slugs=slugs))
    found = await find_members(ctx.session, who)
    if not found:
        return Reply(ctx.t("partners.unknown_member", who=who))
    if len(found) > 1:
        return Reply(ctx.t("partners.ambiguous_member", who=who, names=", ".join(m.display_name for m in found)))
    member = found[0]
    role = await contact_role(ctx.session, member.id, venue.id)
    if adding:
        if role is not None:
            return Reply(ctx.t("partners.already", name=member.display_name, partner=venue.name))
        ctx.session.add(Role(member_id=member.id, role=PARTNER_ROLE, venue_id=venue.id, created_at=ctx.now))
        await notify_member(ctx.session, ctx.config, member, _told(venue.name),
                            key=f"partner:{venue.id}:{member.id}:told:{ctx.now:%Y%m%d%H%M%S}",
                            purpose="partner_contact", now=ctx.now)
        return Reply(ctx.t("partners.added", name=member.display_name, partner=venue.name))
    if role is None:
        return Reply(ctx.t("partners.not_contact", name=member.display_name, partner=venue.name))
    await ctx.session.delete(role)
    return Reply(ctx.t("partners.removed", name=member.display_name, partner=venue.name))


async def _list(ctx: Context) -> Reply:
    venues = await partner_venues(ctx.session)
    if not venues:
        return Reply(ctx.t("partners.none"))
    lines = []
    for venue in venues:
        contacts = ", ".join(m.display_name for m in await contacts_of(ctx.session, venue.id)) or "—"
        lines.append(ctx.t("partners.list_line", name=venue.name, kind=kind_label(venue.partner_kind, ctx.t),
                           slug=venue.slug, contacts=contacts))
    return Reply("\n".join(lines), title=ctx.t("partners.list_title"))


def register(registry: Registry) -> None:
    registry.command("partner", fr="partenaire", summary="partners.summary", args="partners.args",
                     access=Access.ANYONE, section="network", order=40)(partner)
