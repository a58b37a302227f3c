"""The port every chat platform adapter implements, and the typed errors of delivery.

The core and the outbox dispatcher only ever talk to a platform through `ChatAdapter`. An adapter
maps its platform's failures onto the four errors below so the dispatcher can decide, without
knowing the platform, whether to stop, wait, retry or flag a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.types import ChatRef, Reply, SentMessage

if TYPE_CHECKING:
    from bot.core import BotCore


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do; the core adapts its replies to it."""

    max_message_length: int = 4096
    max_buttons_per_row: int = 5
    max_button_rows: int = 8
    can_edit: bool = True
    can_send_silently: bool = True
    has_ephemeral: bool = False  # Discord's private answers inside a server
    idempotent_send: bool = False  # a resend after an unknown outcome cannot duplicate (Discord nonce)


class DeliveryError(Exception):
    """Base of the errors an adapter raises from `send` / `send_dm`."""


class Unreachable(DeliveryError):
    """The person never started the bot, blocked it, or closed their DMs: stop trying."""


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds before sending again."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class Transient(DeliveryError):
    """A network or server failure where nothing was delivered: retry with backoff."""


class UnknownOutcome(DeliveryError):
    """The request may or may not have been delivered (a timeout after sending): never resend blindly."""


class Rejected(DeliveryError):
    """The platform refused this message for good (malformed, too long, chat gone): never retry."""


@runtime_checkable
class ChatAdapter(Protocol):
    """A chat platform, as the core sees it."""

    platform: str
    capabilities: Capabilities

    async def start(self, core: "BotCore") -> None:
        """Connect and begin feeding events to `core.handle`; return once running."""

    async def stop(self) -> None:
        """Disconnect cleanly."""

    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Post `reply` in a chat (group, channel or DM by chat id)."""

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Write to one person privately."""
