"""/language (/langue): choose French or English; by default the platform's language is used."""

from __future__ import annotations

from bot.context import Context
from bot.i18n import LOCALES, Translator
from bot.registry import Registry
from bot.types import Button, Reply

NAMES = {"fr": "Français", "en": "English"}
WORDS = {"fr": "fr", "francais": "fr", "français": "fr", "french": "fr",
         "en": "en", "english": "en", "anglais": "en"}


async def choose_language(ctx: Context) -> Reply:
    wanted = WORDS.get(ctx.args.strip().lower()) if ctx.args else None
    if wanted:
        return await _set(ctx, wanted)
    buttons = (tuple(Button(NAMES[code], "lang", code) for code in LOCALES),)
    return Reply(ctx.t("language.choose", current=ctx.t(f"language.names.{ctx.locale}")), buttons=buttons)


async def _set(ctx: Context, locale: str) -> Reply:
    ctx.identity.locale = locale
    if ctx.member is not None:
        ctx.member.locale = locale
    ctx.t = Translator(locale)
    return Reply(ctx.t("language.done"), edit=True)


async def pressed(ctx: Context) -> Reply:
    if ctx.args not in LOCALES:
        return ctx.expired()
    return await _set(ctx, ctx.args)


def register(registry: Registry) -> None:
    registry.command("language", fr="langue", summary="language.summary", args="language.args", order=90)(
        choose_language)
    registry.action("lang")(pressed)
