"""The port every chat platform adapter implements, and the typed errors of delivery.

The core and the outbox dispatcher only ever talk to a platform through `ChatAdapter`. An adapter
maps its platform's failures onto the five errors below so the dispatcher can decide, without
knowing the platform, whether to stop, wait, retry or flag a message.

What an adapter must supply, in short:

* `platform` (a short lowercase name, e.g. "telegram", stored with every identity and outbox row)
  and `capabilities` (what the platform can show: message length, buttons, ephemeral answers);
* `start(core)`: connect, then turn each platform update into a neutral event (`bot.types`), await
  `core.handle(event)` and render the `Replies` in the chat the event came from (or where a reply's
  `chat` says; `private` replies never in a shared chat);
* `send` and `send_dm`: what the outbox dispatcher calls for proactive messages, raising only the
  `DeliveryError`s below;
* `stop()`: disconnect.

An adapter never opens a database session and never imports `bot.context`, `bot.conversation` or
`storage` (tests/test_architecture.py): what it needs from the core it asks `BotCore` (`handle`,
`complete`) or a service function taking the `Database` (e.g. `bot.platform_state`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.types import ChatRef, Reply, SentMessage

if TYPE_CHECKING:
    from bot.core import BotCore


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do; the core and the dispatcher adapt to it.

    Attributes:
        max_message_length: characters in one message; the adapter splits longer replies itself.
        max_buttons_per_row: buttons the platform shows side by side.
        max_button_rows: rows of buttons under one message.
        can_edit: a reply marked `edit` can replace the message whose button was pressed.
        can_send_silently: a `silent` reply can arrive without a notification sound.
        has_ephemeral: answers only the presser sees, inside a shared chat (Discord).
        idempotent_send: resending with the same `idempotency_key` after an unknown outcome cannot
            deliver twice (Discord's nonce). The dispatcher then resends a message left "sending" by
            a crash; for other platforms it marks such a message "unknown" for the operator instead.
    """

    max_message_length: int = 4096
    max_buttons_per_row: int = 5
    max_button_rows: int = 8
    can_edit: bool = True
    can_send_silently: bool = True
    has_ephemeral: bool = False
    idempotent_send: bool = False


class DeliveryError(Exception):
    """Base of the errors an adapter raises from `send` / `send_dm`; the message says why, for the log.

    Any other exception from a send is treated by the dispatcher as an adapter bug: retried like a
    `Transient` failure, and logged with its traceback.
    """


class Unreachable(DeliveryError):
    """The person never started the bot, blocked it, or closed their DMs: stop trying.

    The dispatcher marks the message "unreachable" and the person's identity on that platform as
    unreachable: no further DM is attempted until the platform says they can be reached again
    (`DmStatusChanged`: they unblocked the bot, or wrote to it).
    """


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds before sending again.

    The dispatcher pauses the whole platform for that long and puts the message back, without
    counting a failed attempt.

    Args:
        retry_after: seconds to wait, as the platform said (0 or more).
        message: what to log; by default the wait.
    """

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class Transient(DeliveryError):
    """A network or server failure where nothing was delivered: retry with backoff.

    Raise it only when the request certainly did not arrive (refused connection, a 5xx before
    anything was accepted). The dispatcher retries with exponential backoff, up to
    `[outbox] max_attempts`, then gives the message up as "dead".
    """


class UnknownOutcome(DeliveryError):
    """The request may or may not have been delivered (a timeout after sending): never resend blindly.

    The dispatcher marks the message "unknown" for the operator, unless the platform's sends are
    idempotent (`Capabilities.idempotent_send`).
    """


class Rejected(DeliveryError):
    """The platform refused this message for good (malformed, too long, chat gone): never retry.

    The dispatcher marks the message "rejected" and logs it as an error: it is a bug or a chat to
    unbind, which an operator should look at.
    """


@runtime_checkable
@runtime_checkable
class SingleReceiver(Protocol):
    """An adapter whose platform lets only one process receive at a time (Telegram's long polling:
    a second `getUpdates` caller gets 409 Conflict and the two steal each other's updates).

    `maillage run` lets it receive only in the process that holds the scheduler's lock, so with two
    processes on one PostgreSQL one polls and the other sends its share of the outbox; when the
    holder dies, the process that takes the lock starts polling. Webhook mode has no such limit
    (`receives_alone` is False): updates reach whichever process the load balancer picks. With
    `[scheduler] enabled = false` there is no lock and the adapter always polls: such a process must
    not start Telegram polling beside a leader (`--only web`, or webhook mode).
    """

    receives_alone: bool

    async def set_receiving(self, receiving: bool) -> None:
        """Start or stop receiving updates (idempotent); sending is never affected."""


class ChatAdapter(Protocol):
    """A chat platform, as the core sees it.

    Attributes:
        platform: the platform's short name, e.g. "telegram"; the same in every `UserRef` and
            `ChatRef` the adapter makes, and in the outbox rows addressed to it.
        capabilities: what the platform can show (see `Capabilities`).
    """

    platform: str
    capabilities: Capabilities

    async def start(self, core: "BotCore") -> None:
        """Connect and begin feeding events to `core.handle`; return once running.

        Args:
            core: the core to hand every event to; keep it until `stop`.

        Raises:
            RuntimeError: the platform refused to connect for good (e.g. a wrong token); the
                message names the setting to fix and never contains a secret.
        """

    async def stop(self) -> None:
        """Disconnect cleanly: stop receiving, let sends under way finish.

        Should not raise; `run_app` logs a failure and goes on stopping the other parts.
        """

    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Post `reply` in a chat (a group, a channel, or a DM by its chat id).

        A reply longer than the platform allows is sent as several messages, buttons under the
        last; once a first part went out, the adapter retries the rest itself (resending the
        whole reply would duplicate that part) and raises `UnknownOutcome` if it cannot.

        Args:
            chat: where to post; `chat.platform` is this adapter's.
            reply: what to say. Its `chat`, `private` and `edit` are for replies to an event and
                are ignored here.
            idempotency_key: the outbox row's unique key. An adapter whose platform deduplicates
                (`Capabilities.idempotent_send`) derives its request id from it, so two sends with
                the same key deliver at most once; others may ignore it.

        Returns:
            The platform's id of the (last) message sent.

        Raises:
            Unreachable: the chat or person cannot be written to.
            RateLimited: the platform asked to wait.
            Transient: nothing was delivered; trying again later may work.
            UnknownOutcome: it may have been delivered.
            Rejected: the platform refused this message for good.
        """

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Write to one person privately, by their user id on this platform.

        Args, Returns and Raises as `send`; `Unreachable` when they never opened a private chat
        with the bot, blocked it, or closed their DMs.
        """
