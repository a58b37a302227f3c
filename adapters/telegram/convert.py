"""Pure translation between python-telegram-bot objects and Maillage's neutral types.

In: `update_to_events(update, bot_id, bot_username)` turns one Telegram update into the neutral
events it stands for (usually one; `Anonymous` when a group admin writes as the group). Out: `render(reply)` turns a
neutral `Reply` into HTML message chunks (everything the user typed is escaped) and an inline
keyboard. No I/O here: the adapter does the talking, these functions are tested offline.
"""

from __future__ import annotations

import html
import logging
import dataclasses
from dataclasses import dataclass

from telegram import (
    ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User,
)
from telegram.constants import ChatMemberStatus, ChatType, MessageEntityType, MessageLimit

from bot.types import (
    Button, ButtonPressed, ChatKind, ChatMigrated, ChatRef, CommandInvoked, DmStatusChanged, Event, LocationShared,
    MemberJoined,
    Reply, TextReceived, UserRef,
)

log = logging.getLogger(__name__)

PLATFORM = "telegram"
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted after HTML parsing (what the reader sees)
MAX_CAPTION = MessageLimit.CAPTION_LENGTH  # 1024
# The user Telegram shows as the sender when a group admin posts anonymously ("GroupAnonymousBot"),
# and the one that forwards channel posts into a linked discussion group.
ANONYMOUS_ADMIN_ID = 1087968824
CHANNEL_BOT_ID = 136817688
_KINDS = {ChatType.PRIVATE: ChatKind.PRIVATE, ChatType.SENDER: ChatKind.PRIVATE, ChatType.GROUP: ChatKind.GROUP,
          ChatType.SUPERGROUP: ChatKind.GROUP, ChatType.CHANNEL: ChatKind.CHANNEL}


@dataclass(frozen=True)
class Anonymous:
    """A command from someone writing as the group or a channel: we cannot know who they are."""

    chat: ChatRef
    language: str | None = None


# -- in ----------------------------------------------------------------------------------------
def user_ref(user: User) -> UserRef:
    return UserRef(PLATFORM, str(user.id), user.full_name, user.username, user.language_code)


def chat_ref(chat) -> ChatRef:
    kind = _KINDS.get(chat.type, ChatKind.GROUP)
    return ChatRef(PLATFORM, str(chat.id), kind, chat.title if kind is not ChatKind.PRIVATE else None)


def update_to_events(update: Update, bot_id: int, bot_username: str | None) -> list[Event | Anonymous]:
    """The neutral events an update stands for; empty when it is not for the core."""
    event = _single(update, bot_id, bot_username)
    if isinstance(event, (CommandInvoked, ButtonPressed, TextReceived, LocationShared)):
        # Telegram may deliver an update again (a webhook retry, polling after a crash): the core
        # applies it once by this id.
        return [dataclasses.replace(event, delivery_id=str(update.update_id))]
    if event is not None:
        return [event]
    message = update.message
    if message is not None and message.new_chat_members:  # one service message may list several people
        return [MemberJoined(user_ref(u), chat_ref(message.chat)) for u in message.new_chat_members if not u.is_bot]
    return []


def _single(update: Update, bot_id: int, bot_username: str | None) -> Event | Anonymous | None:
    if update.callback_query is not None:
        return _button(update)
    if update.my_chat_member is not None:
        return _membership(update.my_chat_member)
    message = update.message  # edited messages and channel posts are deliberately not handled
    if message is None:
        return None
    if message.migrate_to_chat_id is not None:
        return ChatMigrated(PLATFORM, str(message.chat.id), str(message.migrate_to_chat_id))
    if message.migrate_from_chat_id is not None:  # the same migration, seen from the new supergroup
        return ChatMigrated(PLATFORM, str(message.migrate_from_chat_id), str(message.chat.id))
    if message.location is not None and message.from_user is not None and not message.from_user.is_bot \
            and message.chat.type == ChatType.PRIVATE:  # "near me" when choosing a venue
        return LocationShared(user_ref(message.from_user), chat_ref(message.chat), message.location.latitude,
                              message.location.longitude, message_id=str(message.message_id))
    if message.text is None or message.from_user is None:
        return None
    return _message(message, bot_id, bot_username)


def _message(message: Message, bot_id: int, bot_username: str | None) -> Event | Anonymous | None:
    chat = chat_ref(message.chat)
    sender = message.from_user
    assert sender is not None
    anonymous = message.sender_chat is not None or sender.id in (ANONYMOUS_ADMIN_ID, CHANNEL_BOT_ID)
    command = _command(message, bot_username)
    if anonymous:
        # An admin posting as the group, or a channel: never mistake them for a person.
        return Anonymous(chat, sender.language_code) if command is not None else None
    if sender.is_bot:
        return None
    user = user_ref(sender)
    message_id = str(message.message_id)
    if command is not None:
        name, args = command
        return CommandInvoked(user, chat, name, args, message_id=message_id)
    if chat.is_private:
        return TextReceived(user, chat, message.text or "", message_id=message_id)
    # In groups only answers to the bot's own messages reach the core (with privacy mode on, they are
    # all Telegram sends anyway); other chatter never touches the database.
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return TextReceived(user, chat, message.text or "", message_id=message_id)
    return None


def _command(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    """`(name, args)` when the message starts with a command meant for this bot."""
    text = message.text or ""
    entity = next((e for e in message.entities if e.offset == 0), None)
    if entity is None or entity.type != MessageEntityType.BOT_COMMAND:
        return None
    word = message.parse_entity(entity)[1:]
    name, _, target = word.partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None  # /help@another_bot in a group
    args = text[len(message.parse_entity(entity)):]
    return name.lower(), args.strip()


def _button(update: Update) -> ButtonPressed | None:
    query = update.callback_query
    assert query is not None
    if not query.data or query.message is None:  # inline-mode messages carry no chat: not ours
        return None
    action, payload = Button.parse(query.data)
    return ButtonPressed(user_ref(query.from_user), chat_ref(query.message.chat), action, payload,
                         message_id=str(query.message.message_id))


def _membership(change: ChatMemberUpdated) -> DmStatusChanged | None:
    """A person blocked or unblocked the bot in their private chat."""
    if change.chat.type != ChatType.PRIVATE:
        return None
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        return DmStatusChanged(user_ref(change.from_user), reachable=False)
    if status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return DmStatusChanged(user_ref(change.from_user), reachable=True)
    return None


# -- out ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rendered:
    """A reply ready for the Bot API: HTML chunks in order; the keyboard goes with the last one."""

    chunks: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | None
    silent: bool
    caption: str | None = None  # for a reply with a document: a short HTML caption


def visible_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units of the text after parsing)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cuts plain text into pieces of at most `limit` (UTF-16 units), on line boundaries.

    A single line longer than the limit is cut at the last space before it, or hard when there is
    none. Pieces never start or end with the newline they were cut at.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while visible_length(line) > limit:
            head = _cut(line, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            line = line[len(head):].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if current and visible_length(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut(line: str, limit: int) -> str:
    """The longest head of `line` within `limit`, ending at a space when there is one."""
    size, end = 0, 0
    for i, char in enumerate(line):
        size += visible_length(char)
        if size > limit:
            break
        end = i + 1
    head = line[:end]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


def render(reply: Reply) -> Rendered:
    """HTML chunks (title in bold, all text escaped) and the inline keyboard of a reply."""
    keyboard = keyboard_for(reply.buttons)
    title = reply.title
    if reply.attachment is not None:
        caption_text = f"{title}\n{reply.text}" if title else reply.text
        if visible_length(caption_text) <= MAX_CAPTION:
            caption = (f"<b>{html.escape(title)}</b>\n" if title else "") + html.escape(reply.text)
            return Rendered((), keyboard, reply.silent, caption=caption)
    plain = f"{title}\n{reply.text}" if title else reply.text
    pieces = split_text(plain or " ")
    chunks = [html.escape(piece) for piece in pieces]
    if title and visible_length(title) <= MAX_TEXT and pieces[0].startswith(title):
        chunks[0] = f"<b>{html.escape(title)}</b>" + html.escape(pieces[0][len(title):])
    return Rendered(tuple(chunks), keyboard, reply.silent)


def keyboard_for(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Neutral buttons as an inline keyboard; a button whose data is over 64 bytes is left out, loudly."""
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows:
        line = []
        for button in row:
            if button.url:
                line.append(InlineKeyboardButton(button.label, url=button.url))
                continue
            try:
                line.append(InlineKeyboardButton(button.label, callback_data=button.data))
            except ValueError:
                log.error("button %r left out: its data is over 64 bytes (keep state server-side)", button.label)
        if line:
            keyboard.append(line)
    return InlineKeyboardMarkup(keyboard) if keyboard else None
