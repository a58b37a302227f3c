"""/help (/aide): the commands this person can use, in their language; `/help NAME` for one."""

from __future__ import annotations

from bot.context import Context
from bot.registry import Access, Command, Registry
from bot.types import Reply

SECTIONS = ("general", "profile", "network", "events", "introductions", "hosts", "animators")


async def _allowed(ctx: Context, command: Command, cache: dict[Access, bool]) -> bool:
    if command.access not in cache:
        if command.access is Access.ANYONE:
            cache[command.access] = True
        elif command.access is Access.MEMBER:
            cache[command.access] = ctx.member is not None
        elif command.access is Access.HOST:
            cache[command.access] = await ctx.can_host()
        else:
            cache[command.access] = await ctx.is_animator()
    return cache[command.access]


def _line(ctx: Context, command: Command) -> str:
    name = "/" + command.name_for(ctx.locale)
    if command.args_key:
        name += " " + ctx.t(command.args_key)
    return f"{name} — {ctx.t(command.summary_key)}"


async def show_help(ctx: Context) -> Reply:
    registry = ctx.registry
    if ctx.args:
        command = registry.resolve(ctx.args.split()[0].lstrip("/"))
        if command is None:
            return Reply(ctx.t("help.no_such_command", command=ctx.args.split()[0][:40]))
        other = command.name if ctx.locale == "fr" else command.alias
        return Reply(_line(ctx, command) + "\n" + ctx.t("help.also_known_as", name="/" + other),
                     title="/" + command.name_for(ctx.locale))
    cache: dict[Access, bool] = {}
    blocks = []
    commands = [c for c in registry.sorted_commands() if c.in_help and await _allowed(ctx, c, cache)]
    for section in SECTIONS + tuple(sorted({c.section for c in commands} - set(SECTIONS))):
        lines = [_line(ctx, c) for c in commands if c.section == section]
        if lines:
            blocks.append(ctx.t(f"help.section.{section}") + "\n" + "\n".join(lines))
    text = "\n\n".join(blocks) + "\n\n" + ctx.t("help.footer")
    return Reply(text, title=ctx.t("help.title", network=ctx.config.network.name))


def register(registry: Registry) -> None:
    registry.command("help", fr="aide", summary="help.summary", args="help.args", order=1)(show_help)

