"""Neutral value types that cross the seam between the core and the chat platforms.

Adapters turn platform updates into the events below and render the `Reply`s the core returns.
Nothing here knows about Telegram or Discord: ids are strings (lossless for Telegram's 52-bit ids,
Discord's 64-bit snowflakes and the console's names alike).
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
    """A person as one platform knows them."""

    platform: str
    user_id: str
    display_name: str = ""
    handle: str | None = None  # @username on Telegram, user name on Discord
    language: str | None = None  # the platform's language code, e.g. "fr", "en-GB"


@dataclass(frozen=True)
class ChatRef:
    """A chat on one platform: a DM, a group, a channel."""

    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str | None = None

    @property
    def is_private(self) -> bool:
        return self.kind is ChatKind.PRIVATE


@dataclass(frozen=True)
class Button:
    """A choice under a message. Pressing it sends back `action` and `payload`."""

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
    """A file sent with a reply (a JSON export, a PNG heatmap, a QR code)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message the bot says.

    `text` is plain text: adapters escape it for their markup. `title`, when set, is shown in bold
    above the text. `chat=None` answers in the chat the event came from.
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
    """`/name args` written by a user in a chat."""

    user: UserRef
    chat: ChatRef
    command: str
    args: str = ""
    message_id: str | None = None


@dataclass(frozen=True)
class ButtonPressed:
    """A press on one of the bot's buttons. The payload is untrusted: handlers re-check rights."""

    user: UserRef
    chat: ChatRef
    action: str
    payload: str = ""
    message_id: str | None = None


@dataclass(frozen=True)
class TextReceived:
    """Free text: an answer inside a conversation, or a stray message."""

    user: UserRef
    chat: ChatRef
    text: str
    message_id: str | None = None


@dataclass(frozen=True)
class MemberJoined:
    """Someone joined a group or server where the bot is."""

    user: UserRef
    chat: ChatRef


@dataclass(frozen=True)
class DmStatusChanged:
    """The user blocked or unblocked the bot (Telegram's my_chat_member, Discord's 50007)."""

    user: UserRef
    reachable: bool


@dataclass(frozen=True)
class ChatMigrated:
    """A chat changed id (a Telegram group upgraded to a supergroup)."""

    platform: str
    old_chat_id: str
    new_chat_id: str


Event = CommandInvoked | ButtonPressed | TextReceived | MemberJoined | DmStatusChanged | ChatMigrated


@dataclass(frozen=True)
class SentMessage:
    """What a platform answered after delivering a message."""

    message_id: str
    extra: dict = field(default_factory=dict)
