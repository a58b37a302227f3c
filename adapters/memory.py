"""An in-memory chat platform for tests: drives the real core, records everything it is asked to send.

`MemoryAdapter.user(...)` gives a `MemoryUser` that types commands, text and button presses and gets
the core's replies back. Proactive deliveries (from the outbox dispatcher) land in `sent`. Failures
are injected with `fail_next(error)` or `fail_for(user_id, error)` so every path of the dispatcher
can be exercised without a network.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.ports import Capabilities, DeliveryError
from bot.types import (
    Button, ButtonPressed, ChatKind, ChatRef, CommandInvoked, Reply, SentMessage, TextReceived, UserRef,
)

if TYPE_CHECKING:
    from bot.core import BotCore


@dataclass
class Delivery:
    """One message the adapter was asked to send."""

    message_id: str
    reply: Reply
    chat_id: str | None = None
    user_id: str | None = None
    idempotency_key: str | None = None

    @property
    def text(self) -> str:
        return self.reply.text


class MemoryAdapter:
    def __init__(self, platform: str = "memory", capabilities: Capabilities | None = None) -> None:
        self.platform = platform
        self.capabilities = capabilities or Capabilities()
        self.core: BotCore | None = None
        self.sent: list[Delivery] = []
        self._ids = itertools.count(1)
        self._failures: deque[DeliveryError] = deque()
        self._failures_for: dict[str, list[DeliveryError]] = {}
        self.attempts = 0
        self.crash_before_send: BaseException | None = None

    # -- the port ----------------------------------------------------------------------------
    async def start(self, core: "BotCore") -> None:
        self.core = core

    async def stop(self) -> None:
        self.core = None

    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        return self._deliver(Delivery("", reply, chat_id=chat.chat_id, idempotency_key=idempotency_key), chat.chat_id)

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        return self._deliver(Delivery("", reply, user_id=user_id, idempotency_key=idempotency_key), user_id)

    def _deliver(self, delivery: Delivery, target: str) -> SentMessage:
        self.attempts += 1
        if self.crash_before_send is not None:
            crash, self.crash_before_send = self.crash_before_send, None
            raise crash
        targeted = self._failures_for.get(target)
        if targeted:
            raise targeted.pop(0)
        if self._failures:
            raise self._failures.popleft()
        if self.capabilities.idempotent_send and delivery.idempotency_key and any(
                d.idempotency_key == delivery.idempotency_key for d in self.sent):
            return SentMessage(next(d.message_id for d in self.sent if d.idempotency_key == delivery.idempotency_key))
        delivery.message_id = str(next(self._ids))
        self.sent.append(delivery)
        return SentMessage(delivery.message_id)

    # -- fault injection ---------------------------------------------------------------------
    def fail_next(self, *errors: DeliveryError) -> None:
        self._failures.extend(errors)

    def fail_for(self, target: str, *errors: DeliveryError) -> None:
        self._failures_for.setdefault(target, []).extend(errors)

    # -- reading -----------------------------------------------------------------------------
    def to_user(self, user_id: str) -> list[Delivery]:
        return [d for d in self.sent if d.user_id == user_id]

    def to_chat(self, chat_id: str) -> list[Delivery]:
        return [d for d in self.sent if d.chat_id == chat_id]

    # -- playing users -----------------------------------------------------------------------
    def user(self, user_id: str, name: str = "", *, language: str | None = "fr", handle: str | None = None) -> "MemoryUser":
        return MemoryUser(self, UserRef(self.platform, str(user_id), name or str(user_id), handle, language))


@dataclass
class MemoryUser:
    """A person on the memory platform, talking to the core in a DM (or in a given group)."""

    adapter: MemoryAdapter
    ref: UserRef
    last: list[Reply] = field(default_factory=list)

    def dm(self) -> ChatRef:
        return ChatRef(self.adapter.platform, self.ref.user_id, ChatKind.PRIVATE)

    def group(self, chat_id: str, title: str = "group") -> ChatRef:
        return ChatRef(self.adapter.platform, chat_id, ChatKind.GROUP, title)

    async def send(self, text: str, chat: ChatRef | None = None) -> list[Reply]:
        """A command (`/name args`) or free text, as typed."""
        assert self.adapter.core is not None, "start the adapter with a core first"
        chat = chat or self.dm()
        if text.startswith("/"):
            word, _, args = text[1:].partition(" ")
            event = CommandInvoked(self.ref, chat, word.split("@")[0], args)
        else:
            event = TextReceived(self.ref, chat, text)
        self.last = await self.adapter.core.handle(event)
        return self.last

    async def press(self, button: Button | str, chat: ChatRef | None = None) -> list[Reply]:
        """Press a button: a `Button`, or the label (or start of label) of one in the last replies."""
        assert self.adapter.core is not None
        if isinstance(button, str):
            button = self.find_button(button)
        event = ButtonPressed(self.ref, chat or self.dm(), button.action, button.payload, message_id="1")
        self.last = await self.adapter.core.handle(event)
        return self.last

    def find_button(self, label: str, replies: list[Reply] | None = None) -> Button:
        for reply in replies if replies is not None else self.last:
            for candidate in reply.all_buttons():
                if candidate.label.lower().startswith(label.lower()):
                    return candidate
        labels = [b.label for r in (replies or self.last) for b in r.all_buttons()]
        raise LookupError(f"no button {label!r} among {labels}")

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)

    def inbox(self) -> list[Delivery]:
        return self.adapter.to_user(self.ref.user_id)
