"""What a handler gets: the event, the person, their language, a database session, the services.

Handlers run inside one transaction (`ctx.session`): everything they write, including outbox
messages, is committed together when they return, or rolled back together if they raise. The
services (the config, the registry, the directory) are fields the core fills from what the
composition root built: a handler never reaches for a global or for the core itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import conversation as conversations
from bot.i18n import Translator
from bot.types import Button, ChatRef, Event, Reply, UserRef
from storage import outbox
from storage.models import Identity, Member, Role, Venue
from storage.venues import all_venues

if TYPE_CHECKING:
    from bot.background import Background
    from bot.config import Config
    from bot.directory.service import Directory
    from bot.registry import Registry


class Expired(Exception):
    """Raised by a handler when a button press (or a step's answer) refers to something gone.

    The core rolls the transaction back and answers "this button has expired" in the person's
    language; `private` sends that answer privately. `return ctx.expired()` says the same without
    undoing what the handler already wrote.
    """

    def __init__(self, *, private: bool = False) -> None:
        super().__init__("button expired")
        self.private = private


@dataclass
class Context:
    """One event being handled: who, where, when, in which language, and the services.

    Attributes:
        session: the event's transaction; committed when the handler returns.
        event: the neutral event (`CommandInvoked`, `ButtonPressed`, `TextReceived`, `MemberJoined`).
        identity: the person as this platform knows them (recorded on first contact).
        now: the core clock's time when the event arrived; use it rather than the wall clock.
        t: the translator in the person's language, called with a catalogue key and its values.
        config: the network's configuration.
        registry: every command, action, flow and personal-data holder (for /help, /mydata).
        directory: the member directory's in-memory index (None where the app was built without it).
        args: the command's argument, the button's payload, or the text typed in a flow.
        background: starts work that outlives the event (a round planned for a chat command).
        conversation: the person's conversation under way, if any (see `start_flow`).
    """

    session: AsyncSession
    event: Event
    identity: Identity
    now: datetime
    t: Translator
    config: "Config"
    registry: "Registry"
    directory: "Directory | None" = None
    args: str = ""
    conversation: conversations.Conversation | None = None
    loaded_conversation: bool = False  # a conversation was under way when the event arrived
    extra: dict[str, Any] = field(default_factory=dict)
    background: "Background | None" = None  # work answered later, in its own sessions (bot.background)

    # -- who ---------------------------------------------------------------------------------
    @property
    def user(self) -> UserRef:
        return self.event.user  # type: ignore[union-attr]

    @property
    def chat(self) -> ChatRef:
        return self.event.chat  # type: ignore[union-attr]

    @property
    def member(self) -> Member | None:
        return self.identity.member

    @property
    def locale(self) -> str:
        return self.t.locale

    async def is_animator(self) -> bool:
        # Asked several times per handler (menus, each button, each venue): answered once per event.
        if "is_animator" not in self.extra:
            configured = f"{self.identity.platform}:{self.identity.platform_user_id}" in self.config.network.animators
            self.extra["is_animator"] = configured or (
                self.member is not None and await self._has_role("animator", None))
        return self.extra["is_animator"]

    async def hosted_venue_ids(self) -> set[int]:
        """Venues this person hosts (empty for non-hosts; animators are checked separately)."""
        if self.member is None:
            return set()
        if "hosted" not in self.extra:
            rows = await self.session.execute(
                select(Role.venue_id).where(Role.member_id == self.member.id, Role.role == "host"))
            self.extra["hosted"] = {venue_id for (venue_id,) in rows if venue_id is not None}
        return set(self.extra["hosted"])

    async def hostable_venues(self) -> list[Venue]:
        """The venues this person may act for as a host: all of them for an animator."""
        venues = await all_venues(self.session)
        if await self.is_animator():
            return venues
        hosted = await self.hosted_venue_ids()
        return [venue for venue in venues if venue.id in hosted]

    async def can_host(self, venue_id: int | None = None) -> bool:
        """Hosts of that venue (of any venue when None) and network animators."""
        if await self.is_animator():
            return True
        hosted = await self.hosted_venue_ids()
        return bool(hosted) if venue_id is None else venue_id in hosted

    async def _has_role(self, role: str, venue_id: int | None) -> bool:
        assert self.member is not None
        statement = select(Role.id).where(Role.member_id == self.member.id, Role.role == role)
        if venue_id is not None:
            statement = statement.where(Role.venue_id == venue_id)
        return (await self.session.execute(statement.limit(1))).first() is not None

    # -- answering ---------------------------------------------------------------------------
    def reply(self, key: str, *, buttons: tuple[tuple[Button, ...], ...] = (), **params: Any) -> Reply:
        return Reply(self.t(key, **params), buttons=buttons)

    def expired(self, *, private: bool = False) -> Reply:
        """The answer to a stale or forged button press: "this button has expired" (see `Expired`)."""
        return Reply(self.t("core.button_expired"), private=private)

    # -- conversations -----------------------------------------------------------------------
    async def start_flow(self, flow: str, step: str, data: dict[str, Any] | None = None) -> None:
        self.conversation = conversations.Conversation(flow, step, dict(data or {}), self.chat.chat_id)
        await self._save_flow()

    async def set_step(self, step: str, **data: Any) -> None:
        if self.conversation is None:
            raise RuntimeError("set_step outside a conversation")
        self.conversation.step = step
        self.conversation.data.update(data)
        await self._save_flow()

    async def end_flow(self) -> bool:
        self.conversation = None
        return await conversations.clear(self.session, self.identity.platform, self.identity.platform_user_id)

    async def _save_flow(self) -> None:
        timeout = timedelta(minutes=self.config.conversations.timeout_minutes)
        await conversations.save(self.session, self.identity.platform, self.identity.platform_user_id,
                                 self.conversation, self.now, timeout)
        self.extra["flow_saved"] = True  # the core then keeps this event's last reply as the step's question

    # -- proactive messages ------------------------------------------------------------------
    async def enqueue(self, **kwargs: Any) -> bool:
        """Write a proactive message to the outbox, in this handler's transaction (see storage.outbox)."""
        kwargs.setdefault("now", self.now)
        return await outbox.enqueue(self.session, **kwargs)
