"""/wall (/mur): what is on the walls a host or animator moderates, with a button to hide each item
(or put it back); `/wall hide e12` and `/wall show m5` do the same by typing. Every press re-checks
that the presser may still moderate that item: buttons can be forged and roles change."""

from __future__ import annotations

from bot.context import Context
from bot.feeds.calendar_tokens import base_url
from bot.types import Button, Reply
from bot.wall import moderation
from bot.wall.moderation import Item, parse_item

HIDE_WORDS = {"hide", "masquer", "cacher"}
SHOW_WORDS = {"show", "remettre", "afficher", "montrer"}


async def _scope(ctx: Context) -> set[int] | None:
    """None: every venue (an animator); else the venues this host hosts."""
    return None if await ctx.is_animator() else await ctx.hosted_venue_ids()


async def _may(ctx: Context, item: Item) -> tuple[str, bool] | None:
    """The item's label and whether this person may moderate it; None when it does not exist."""
    found = await moderation.describe(ctx.session, item)
    if found is None:
        return None
    label, venues = found
    scope = await _scope(ctx)
    return label, scope is None or bool(venues & scope)


async def wall_command(ctx: Context) -> Reply:
    words = ctx.args.split(maxsplit=1)
    if not words:
        return await listing(ctx)
    verb = words[0].lower()
    item = parse_item(words[1]) if len(words) > 1 else None
    if verb not in HIDE_WORDS | SHOW_WORDS or item is None:
        return Reply(ctx.t("wall.chat.usage"))
    return await _act(ctx, item, hide=verb in HIDE_WORDS)


async def _act(ctx: Context, item: Item, hide: bool, edit: bool = False) -> Reply:
    allowed = await _may(ctx, item)
    if allowed is None:
        return Reply(ctx.t("wall.chat.unknown", item=item.short), edit=edit)
    label, may = allowed
    if not may:
        return Reply(ctx.t("wall.chat.not_yours", label=label), edit=edit)
    who = f"{ctx.identity.platform}:{ctx.identity.platform_user_id}"
    if hide:
        done = await moderation.hide(ctx.session, item, who, ctx.now)
        key = "wall.chat.hidden" if done else "wall.chat.already_hidden"
        undo = Button(ctx.t("wall.chat.show_button", label=label), "wall.s", item.short)
    else:
        done = await moderation.show(ctx.session, item, ctx.now)
        key = "wall.chat.shown" if done else "wall.chat.not_hidden"
        undo = Button(ctx.t("wall.chat.hide_button", label=label), "wall.h", item.short)
    return Reply(ctx.t(key, label=label), buttons=((undo,),), edit=edit)


async def listing(ctx: Context) -> Reply:
    scope = await _scope(ctx)
    items = await moderation.moderatable(ctx.session, ctx.now, scope)
    lines = [ctx.t("wall.chat.title")]
    if ctx.config.web is None:
        lines.append(ctx.t("wall.chat.no_web"))
    else:
        lines.append(ctx.t("wall.chat.link", url=base_url(ctx.config) + "/wall"))
    if not items:
        lines.append(ctx.t("wall.chat.nothing"))
    rows = []
    for shown in items:
        if shown.hidden:
            rows.append((Button(ctx.t("wall.chat.show_button", label=shown.label), "wall.s", shown.item.short),))
        else:
            rows.append((Button(ctx.t("wall.chat.hide_button", label=shown.label), "wall.h", shown.item.short),))
    lines.append(ctx.t("wall.chat.how"))
    return Reply("\n".join(lines), buttons=tuple(rows), private=True)


async def hide_pressed(ctx: Context) -> Reply:
    item = parse_item(ctx.args)
    if item is None:
        return ctx.expired(private=True)
    return await _act(ctx, item, hide=True, edit=True)


async def show_pressed(ctx: Context) -> Reply:
    item = parse_item(ctx.args)
    if item is None:
        return ctx.expired(private=True)
    return await _act(ctx, item, hide=False, edit=True)
