"""Neutral value types that cross the seam between the core and the chat platforms.

Adapters turn platform updates into the events below, hand them to `BotCore.handle`, and render
the `Reply`s it returns. Nothing here knows about Telegram or Discord: ids are strings (lossless
for Telegram's 52-bit ids, Discord's 64-bit snowflakes and the console's names alike). Every value
is frozen: an event or a reply can be logged, queued or compared safely.

What an adapter must supply in the events it makes: the `UserRef` and `ChatRef` of where it
happened, with the platform's own ids as strings; `language` when the platform tells it (it picks
the language of someone who has not chosen one); `message_id` when a reply may edit that message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

MAX_CALLBACK_BYTES = 64  # Telegram's callback_data limit; Discord's custom_id (100) is looser.


class ChatKind(str, Enum):
    """Where a message was written: a one-to-one chat with the bot, or a shared room."""

    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True)
class UserRef:
    """A person as one platform knows them.

    Attributes:
        platform: the adapter's `platform` name.
        user_id: the platform's id of the person, as a string.
        display_name: the name to show (first and last name, or the nickname); may be empty.
        handle: @username on Telegram, the user name on Discord; None when they have none.
        language: the platform's language code for the person, e.g. "fr", "en-GB"; None if unknown.
    """

    platform: str
    user_id: str
    display_name: str = ""
    handle: str | None = None  # @username on Telegram, user name on Discord
    language: str | None = None  # the platform's language code, e.g. "fr", "en-GB"


@dataclass(frozen=True)
class ChatRef:
    """A chat on one platform: a DM, a group, a channel.

    Attributes:
        platform: the adapter's `platform` name.
        chat_id: the platform's id of the chat, as a string (on Discord a DM's is the person's id).
        kind: private (one-to-one with the bot), group or channel.
        title: the chat's name, when it has one (for operators' messages and logs).
    """

    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str | None = None

    @property
    def is_private(self) -> bool:
        return self.kind is ChatKind.PRIVATE


@dataclass(frozen=True)
class Button:
    """A choice under a message. Pressing it sends back `action` and `payload` as a `ButtonPressed`.

    The wire form `action:payload` must fit in 64 bytes (Telegram's limit), checked by `data`.
    A payload comes back from the person's device, so it can be forged: handlers parse it strictly
    (`bot.payloads.parse_id`) and re-check rights on every press.

    Attributes:
        label: the text on the button, already translated.
        action: a registered action's name (`Registry.action`), or "run" to run the command named
            in `payload`.
        payload: what the action needs, e.g. an id.
        url: a link to open instead; a link button carries no action.
    """

    label: str
    action: str
    payload: str = ""
    url: str | None = None  # a link button carries no action

    @property
    def data(self) -> str:
        """The wire form `action:payload`, checked against the 64-byte limit."""
        data = f"{self.action}:{self.payload}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @staticmethod
    def parse(data: str) -> tuple[str, str]:
        action, _, payload = data.partition(":")
        return action, payload


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a JSON export, a PNG heatmap, a QR code); never through the outbox.

    Attributes:
        filename: the name offered to the person.
        content: the file's bytes.
        mime_type: its media type.
    """

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message the bot says, in the words of the person's language.

    Attributes:
        text: plain text; adapters escape it for their markup and split it if too long.
        title: shown in bold above the text, when set.
        buttons: rows of buttons under the message (the adapter respects `Capabilities`).
        chat: where to post it; None answers in the chat the event came from.
        private: personal content: ephemeral in Discord servers, sent by DM from other shared chats,
            never shown to a group.
        edit: replace the message whose button was pressed instead of sending a new one (when the
            platform can; otherwise it is sent anew).
        silent: deliver without a notification sound (nudges, quiet reminders).
        attachment: a file sent with the message.
    """

    text: str
    title: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    chat: ChatRef | None = None
    private: bool = False  # personal content: ephemeral in Discord servers, DM-only elsewhere
    edit: bool = False  # replace the message whose button was pressed instead of sending a new one
    silent: bool = False  # deliver without a notification sound (nudges)
    attachment: Attachment | None = None

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


class Replies(list):
    """What the core answers to one event: the `Reply`s in order, and what the adapter must know next.

    A plain list of `Reply` (so `for reply in await core.handle(event)` and `== [...]` keep working)
    with two facts the adapter cannot see by itself:

    Attributes:
        awaits_text: True when, after this event, the person is inside a conversation whose next step
            is free text. An adapter that cannot read a person's next message where they are (Discord
            servers: no message-content intent) offers a way to type it, e.g. a form behind a button.
        locale: the language the replies are written in ("fr" or "en"), for anything the adapter adds
            to them (that button's label).
    """

    def __init__(self, replies=(), *, awaits_text: bool = False, locale: str | None = None) -> None:
        super().__init__(replies)
        self.awaits_text = awaits_text
        self.locale = locale


@dataclass(frozen=True)
class CommandInvoked:
    """`/name args` written by a user in a chat (or a slash command with its options on Discord).

    Attributes:
        command: the command's name as typed, without "/" (either language's name, any case).
        args: the rest of the line, as typed (the core strips it).
        message_id: the platform's id of the message, when there is one.
        delivery_id: the platform's id of this delivery (Telegram's update_id), when the platform
            may deliver it again; the core applies a delivery once (`storage.deliveries`).
    """

    user: UserRef
    chat: ChatRef
    command: str
    args: str = ""
    message_id: str | None = None
    delivery_id: str | None = None


@dataclass(frozen=True)
class ButtonPressed:
    """A press on one of the bot's buttons. The payload is untrusted: handlers re-check rights.

    Attributes:
        action: the pressed button's action (`Button.action`).
        payload: its payload, as it came back (possibly forged).
        message_id: the message the button was under, so a reply marked `edit` can replace it.
        delivery_id: as for `CommandInvoked`.
    """

    user: UserRef
    chat: ChatRef
    action: str
    payload: str = ""
    message_id: str | None = None
    delivery_id: str | None = None


@dataclass(frozen=True)
class TextReceived:
    """Free text: an answer inside a conversation, or a stray message.

    Adapters hand the core text written in private chats, and in shared chats only what is
    addressed to the bot (a reply to its message, a Discord form); the core ignores group chatter.
    `delivery_id` as for `CommandInvoked`.
    """

    user: UserRef
    chat: ChatRef
    text: str
    message_id: str | None = None
    delivery_id: str | None = None


@dataclass(frozen=True)
class LocationShared:
    """A person shared a place in a private chat (Telegram's "Location"): where they are, once.

    The core uses it for what was asked ("near me" when choosing a venue) and never stores it.
    """

    user: UserRef
    chat: ChatRef
    latitude: float
    longitude: float
    message_id: str | None = None
    delivery_id: str | None = None


@dataclass(frozen=True)
class MemberJoined:
    """Someone joined a group or server where the bot is."""

    user: UserRef
    chat: ChatRef


@dataclass(frozen=True)
class DmStatusChanged:
    """The bot learned whether it can write to this person privately.

    Telegram's my_chat_member (blocked, unblocked), a DM received on Discord (reachable). The core
    records it (`storage.identities.set_dm_status`) and answers nothing.
    """

    user: UserRef
    reachable: bool


@dataclass(frozen=True)
class ChatMigrated:
    """A chat changed id (a Telegram group upgraded to a supergroup): bindings follow it.

    Made by an adapter from an update, or met while sending (then reported through the callback
    the composition root gives the adapter). The core answers nothing.
    """

    platform: str
    old_chat_id: str
    new_chat_id: str


Event = (CommandInvoked | ButtonPressed | TextReceived | LocationShared | MemberJoined | DmStatusChanged
         | ChatMigrated)


@dataclass(frozen=True)
class SentMessage:
    """What a platform answered after delivering a message.

    Attributes:
        message_id: the platform's id of the (last) message sent, as a string.
        extra: anything else worth logging (the ids of every part of a split reply).
    """

    message_id: str
    extra: dict = field(default_factory=dict)
