"""Pure translation between Discord objects and Maillage's neutral types, both ways; no I/O.

In: an interaction or a DM message becomes a `CommandInvoked`, `ButtonPressed` or `TextReceived`.
A private exchange on Discord is a DM *or* an ephemeral answer in a server (only the person sees
it), so both are given to the core as a private chat whose id is the person's user id (the same
convention as Telegram, where a private chat's id is the user's id).

Out: a `Reply` becomes one or more `Outgoing` messages: markdown escaped, mentions neutralised,
cut to Discord's 2000 characters, buttons packed into at most 5 rows of 5. `message_kwargs` turns
one `Outgoing` into the keyword arguments of discord.py's send calls, always with
`AllowedMentions.none()` so no text the core renders can ping anyone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.views import build_view
from bot.types import (
    Attachment, Button, ButtonPressed, ChatKind, ChatRef, CommandInvoked, Reply, TextReceived, UserRef,
)

PLATFORM = "discord"
MAX_CONTENT = 2000
MAX_ROWS = 5
MAX_PER_ROW = 5


@dataclass(frozen=True)
class Outgoing:
    """One Discord message to post: text already escaped and short enough, buttons already packed."""

    content: str
    rows: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    silent: bool = False


# -- in ----------------------------------------------------------------------------------------
def locale_code(locale: Any) -> str | None:
    """Discord's locale ("fr", "en-US", a `discord.Locale`) as a plain language code."""
    if locale is None:
        return None
    return str(getattr(locale, "value", locale)) or None


def user_ref(user: discord.abc.User, locale: Any = None) -> UserRef:
    return UserRef(PLATFORM, str(user.id), (user.display_name or user.name)[:100], user.name, locale_code(locale))


def private_chat(user_id: int | str) -> ChatRef:
    return ChatRef(PLATFORM, str(user_id), ChatKind.PRIVATE)


def interaction_chat(interaction: discord.Interaction, *, personal: bool = False) -> ChatRef:
    """Where the core should think the interaction happened.

    `personal`: the answer will be ephemeral (a personal command, or a button under an ephemeral
    message), so the exchange is private even inside a server.
    """
    if interaction.guild_id is None or personal:
        return private_chat(interaction.user.id)
    channel = interaction.channel
    title = getattr(channel, "name", None)
    return ChatRef(PLATFORM, str(interaction.channel_id), ChatKind.GROUP, title)


def is_ephemeral_message(message: discord.Message | None) -> bool:
    return message is not None and message.flags.ephemeral


def command_event(interaction: discord.Interaction, command: str, args: str, *, personal: bool) -> CommandInvoked:
    return CommandInvoked(user_ref(interaction.user, interaction.locale),
                          interaction_chat(interaction, personal=personal), command, (args or "").strip(),
                          str(interaction.id))


def button_event(interaction: discord.Interaction, action: str, payload: str, *, personal: bool) -> ButtonPressed:
    message_id = str(interaction.message.id) if interaction.message is not None else None
    return ButtonPressed(user_ref(interaction.user, interaction.locale),
                         interaction_chat(interaction, personal=personal), action, payload, message_id)


def answer_event(interaction: discord.Interaction, text: str, *, personal: bool) -> TextReceived:
    """The text typed in the answer form (a modal) of a conversation."""
    return TextReceived(user_ref(interaction.user, interaction.locale),
                        interaction_chat(interaction, personal=personal), text, str(interaction.id))


def dm_event(message: discord.Message, locale: str | None = None) -> CommandInvoked | TextReceived | None:
    """A message written to the bot in DM: free text, or `/name args` typed out by hand.

    Discord gives no locale on messages: `locale` is the last one seen on the person's interactions.
    """
    text = (message.content or "").strip()
    if not text:
        return None  # a sticker or a file alone: nothing for the core to read
    user = user_ref(message.author, locale)
    chat = private_chat(message.author.id)
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        word, _, args = text[1:].partition(" ")
        return CommandInvoked(user, chat, word.lower(), args.strip(), str(message.id))
    return TextReceived(user, chat, text, str(message.id))


# -- out ---------------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Plain text made inert: markdown shown as typed, @everyone and <@id> not mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def format_reply(reply: Reply) -> str:
    body = escape(reply.text)
    if reply.title:
        return f"**{escape(reply.title)}**\n{body}" if body else f"**{escape(reply.title)}**"
    return body


def split_content(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Cut at line breaks, else at spaces, else anywhere, each piece at most `limit` characters.

    A cut never leaves a piece ending in an odd run of backslashes: that backslash escapes a
    character of the next piece, and the markdown would show up raw.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        while cut > 1 and _odd_backslashes(rest[:cut]):
            cut -= 1
        piece, rest = rest[:cut], rest[cut:].lstrip("\n")  # the line break that was cut at is not kept
        pieces.append(piece)
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _odd_backslashes(text: str) -> bool:
    run = len(text) - len(text.rstrip("\\"))
    return run % 2 == 1


def pack_rows(rows: tuple[tuple[Button, ...], ...]) -> list[tuple[tuple[Button, ...], ...]]:
    """Buttons in rows of at most 5, then groups of at most 5 rows (one group per message)."""
    packed: list[tuple[Button, ...]] = []
    for row in rows:
        for start in range(0, len(row), MAX_PER_ROW):
            if row[start:start + MAX_PER_ROW]:
                packed.append(tuple(row[start:start + MAX_PER_ROW]))
    return [tuple(packed[i:i + MAX_ROWS]) for i in range(0, len(packed), MAX_ROWS)]


def render(reply: Reply) -> list[Outgoing]:
    """The Discord messages for one reply: text chunks, then buttons and file on the last one."""
    chunks = split_content(format_reply(reply))
    groups = pack_rows(reply.buttons)
    messages = [Outgoing(chunk, silent=reply.silent) for chunk in chunks]
    last = messages[-1]
    messages[-1] = Outgoing(last.content, groups[0] if groups else (), reply.attachment, reply.silent)
    # More than 25 buttons: the rest follow in messages of their own (buttons alone are allowed).
    messages += [Outgoing("", group, None, reply.silent) for group in groups[1:]]
    return messages


def message_kwargs(out: Outgoing, *, for_edit: bool = False) -> dict[str, Any]:
    """Keyword arguments for `send`, `send_message`, `followup.send` (or `edit_message`)."""
    view = build_view(out.rows)
    kwargs: dict[str, Any] = {"content": out.content or None, "allowed_mentions": discord.AllowedMentions.none()}
    if for_edit:
        kwargs["view"] = view  # None removes the old buttons
        kwargs["content"] = out.content
        if out.attachment is not None:
            kwargs["attachments"] = [_file(out.attachment)]
        return kwargs
    if view is not None:
        kwargs["view"] = view
    if out.attachment is not None:
        kwargs["file"] = _file(out.attachment)
    if out.silent:
        kwargs["silent"] = True
    return kwargs


def _file(attachment: Attachment) -> discord.File:
    return discord.File(io.BytesIO(attachment.content), filename=attachment.filename)
