"""BotCore: the core's one front door. Turns one neutral event into the replies to send.

The core knows nothing of Telegram or Discord. For each event it finds (or records) the person,
picks their language, checks the command's access rules, runs the feature's handler inside one
database transaction, and guarantees that no input can take the bot down: a handler that raises
rolls back its transaction, the person gets a polite apology in their language, the operator a log
line with the traceback. Adapters call only `handle` (an event in, `Replies` out) and `complete`
(autocomplete while a command's argument is typed); they never open a session themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import conversation as conversations
from bot.background import Background
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import Context, Expired
from bot.i18n import Translator, normalize_locale
from bot.phrases import spoken_list
from bot.registry import Access, Command, Registry, Where
from bot.text import clean_event, clean_text
from bot.types import (
    MAX_CALLBACK_BYTES, Button, ButtonPressed, ChatMigrated, CommandInvoked, DmStatusChanged, Event, LocationShared,
    MemberJoined,
    Replies, Reply,
    TextReceived, UserRef,
)
from storage.db import Database
from storage.deliveries import first_delivery
from storage.identities import find_identity, set_dm_status, touch_identity
from storage.models import Identity, VenueChat

if TYPE_CHECKING:
    from bot.directory.service import Directory

log = logging.getLogger(__name__)
audit = logging.getLogger("maillage.audit")  # refused attempts at a host's or an animator's action

MAX_INPUT_CHARS = 4096
SUGGESTION_CUTOFF = 60
SUGGESTION_SPREAD = 8


class BotCore:
    """The core as the adapters see it: `handle` every event, `complete` what is being typed.

    Built once by the composition root (`bot.app.build_app`), which hands it the services the
    handlers need (the directory); adapters receive it in `ChatAdapter.start`.
    """

    def __init__(self, config: Config, db: Database, registry: Registry,
                 clock: Clock | None = None, *, directory: "Directory | None" = None) -> None:
        self.config = config
        self.db = db
        self.registry = registry
        self.clock = clock or SystemClock()
        self.directory = directory
        # Called after an event whose committed transaction queued outbox messages: the app wakes the
        # dispatcher, so a reveal or a promotion leaves at once instead of at the next poll.
        self.after_commit: Callable[[], None] | None = None
        self.background = Background(wake=lambda: self.after_commit() if self.after_commit else None, db=db)

    # -- entry points ------------------------------------------------------------------------
    async def handle(self, event: Event) -> Replies:
        """Everything the bot answers to `event`, in order. Never raises.

        The replies come with `awaits_text` (the person's next free text is the answer to a
        conversation's step) and `locale` (the language they are written in): see `Replies`.
        """
        event = clean_event(event)  # NUL, control and bidi characters never reach a handler or a query
        if isinstance(event, ChatMigrated):
            await self._safely(self._migrate_chat(event))
            return Replies()
        if isinstance(event, DmStatusChanged):
            await self._safely(self._set_dm_status(event.user.platform, event.user.user_id, event.reachable))
            return Replies()
        locale = normalize_locale(event.user.language, self.config.network.default_locale)
        ctx: Context | None = None
        try:
            async with self.db.session() as session:
                now = self.clock.now()
                if not await self._first_delivery(session, event, now):
                    return Replies(locale=locale)
                identity = await touch_identity(session, event.user, now)
                locale = self.locale_of(identity, event.user.language)
                ctx = self._context(session, event, identity, now, locale)
                replies = await self._dispatch(ctx)
                await self._remember_prompt(ctx, replies)
            if self.after_commit is not None and session.info.pop("outbox_written", False):
                self.after_commit()
            # ctx.locale, not `locale`: a handler may switch languages (/language), and its replies with it.
            return Replies(_as_list(replies), awaits_text=ctx.conversation is not None, locale=ctx.locale)
        except Exception as error:
            # The transaction rolled back: a conversation under way before this event still is.
            awaiting = ctx is not None and ctx.loaded_conversation
            if isinstance(error, Expired):
                return Replies([Reply(Translator(locale)("core.button_expired"), private=error.private)],
                               awaits_text=awaiting, locale=locale)
            log.exception("handler failed for %s from %s:%s", type(event).__name__, event.user.platform,
                          event.user.user_id)
            key = "core.busy" if _is_busy_database() else "core.error"
            return Replies([Reply(Translator(locale)(key))], awaits_text=awaiting, locale=locale)

    async def _first_delivery(self, session: AsyncSession, event: Event, now: datetime) -> bool:
        """False for a delivery this bot already applied (its id is recorded in the same transaction
        as the handler's work, so a crash before commit leaves it to be handled again)."""
        delivery_id = getattr(event, "delivery_id", None)
        if delivery_id is None or await first_delivery(session, event.user.platform, delivery_id, now):
            return True
        log.info("%s delivery %s came again: applied once", event.user.platform, delivery_id)
        return False

    async def complete(self, event: CommandInvoked, name: str, text: str) -> list[tuple[str, str]]:
        """Suggestions `(value, label)`, best first, for the argument of `event`'s command as typed so far.

        `name` is the completer the command declared (`Command.complete`, e.g. "skills"); a name no
        feature completes gets no suggestions. The person is looked up, never recorded: a keystroke
        registers no one. Read-only, and never raises (a failure is logged and suggests nothing);
        the adapter applies its platform's limits (Discord: 25 choices of 100 characters).
        """
        completer = self.registry.completers.get(name)
        if completer is None:
            return []
        event, text = clean_event(event), clean_text(text)
        try:
            async with self.db.session() as session:
                identity = await find_identity(session, event.user.platform, event.user.user_id)
                if identity is None:
                    identity = Identity(platform=event.user.platform, platform_user_id=event.user.user_id,
                                        display_name=event.user.display_name)
                ctx = self._context(session, event, identity, self.clock.now(),
                                    self.locale_of(identity, event.user.language))
                ctx.args = text
                found = list(await completer(ctx, text))
                await session.rollback()  # nothing a completer touched is kept
                return found
        except Exception:
            log.exception("completing %r failed for %r", name, text)
            return []

    def _context(self, session: AsyncSession, event: Event, identity: Identity, now: datetime, locale: str) -> Context:
        return Context(session, event, identity, now, Translator(locale), config=self.config,
                       registry=self.registry, directory=self.directory, background=self.background)

    def locale_of(self, identity: Identity, platform_language: str | None = None) -> str:
        default = self.config.network.default_locale
        if identity.locale:
            return identity.locale
        if identity.member is not None and identity.member.locale:
            return identity.member.locale
        return normalize_locale(platform_language, default)

    async def resume(self, user: UserRef) -> Replies:
        """The question of the conversation `user` is in, shown again with its buttons (a terminal
        session starting anew after a restart); no reply when there is none. Read-only."""
        try:
            async with self.db.session() as session:
                identity = await find_identity(session, user.platform, user.user_id)
                if identity is None:
                    return Replies()
                conversation = await conversations.load(session, user.platform, user.user_id, self.clock.now())
                question = conversations.prompt_reply(conversation) if conversation is not None else None
                locale = self.locale_of(identity, user.language)
                await session.rollback()  # an expired conversation is left for the next event to clear
        except Exception:
            log.exception("resuming the conversation of %s:%s failed", user.platform, user.user_id)
            return Replies()
        if question is None:
            return Replies()
        return Replies([question], awaits_text=True, locale=locale)

    async def _remember_prompt(self, ctx: Context, replies) -> None:
        """A step was saved by this event: its last reply is the step's question (see bot.conversation)."""
        shown = _as_list(replies)
        if ctx.conversation is not None and ctx.extra.get("flow_saved") and shown:
            await conversations.remember_prompt(ctx.session, ctx.identity.platform, ctx.identity.platform_user_id,
                                                shown[-1])

    # -- dispatch ----------------------------------------------------------------------------
    async def _dispatch(self, ctx: Context):
        event = ctx.event
        text = getattr(event, "args", None) or getattr(event, "text", None) or getattr(event, "payload", "")
        # Loaded first, so even an answer refused as too long leaves the adapter knowing one is awaited.
        ctx.conversation = await conversations.load(ctx.session, ctx.identity.platform,
                                                    ctx.identity.platform_user_id, ctx.now)
        ctx.loaded_conversation = ctx.conversation is not None
        if len(text) > MAX_INPUT_CHARS:
            return ctx.reply("core.too_long", limit=MAX_INPUT_CHARS)
        if isinstance(event, CommandInvoked):
            return await self._command(ctx, event.command, event.args)
        if isinstance(event, ButtonPressed):
            return await self._button(ctx, event)
        if isinstance(event, TextReceived):
            return await self._text(ctx, event)
        if isinstance(event, (MemberJoined, LocationShared)):
            replies: list[Reply] = []
            kind = "member_joined" if isinstance(event, MemberJoined) else "location_shared"
            for listener in self.registry.listeners.get(kind, []):
                replies += _as_list(await listener(ctx))
            return replies
        return None

    async def _command(self, ctx: Context, word: str, args: str):
        command = self.registry.resolve(word.strip().lstrip("/"))
        if command is None:
            return self._unknown_command(ctx, word, args)
        refusal = await self._refusal(ctx, command.access, command.where, f"/{command.name}")
        if refusal is not None:
            return refusal
        ctx.args = args.strip()
        return await command.handler(ctx)

    async def _button(self, ctx: Context, event: ButtonPressed):
        if event.action == "run":  # a button that runs a command, e.g. a "did you mean" suggestion
            name, _, args = event.payload.partition(" ")
            return await self._command(ctx, name, args)
        action = self.registry.actions.get(event.action)
        if action is None:
            return ctx.expired()
        refusal = await self._refusal(ctx, action.access, Where.ANY,
                                      f"the button {event.action}:{event.payload[:40]!r}")
        if refusal is not None:
            return refusal
        ctx.args = event.payload
        return await action.handler(ctx)

    async def _text(self, ctx: Context, event: TextReceived):
        if ctx.conversation is not None:
            handler = self.registry.flows.get(ctx.conversation.flow)
            same_chat = event.chat.chat_id == ctx.conversation.chat_id  # not chatter in a group meanwhile
            typed = conversations.button_for_text(ctx.conversation, event.text) if same_chat else None
            if handler is not None and typed is not None:  # "tout public" typed instead of pressed
                button, ticked = typed
                if ticked:  # already chosen: typing it again keeps it (a press would untick it)
                    return conversations.prompt_reply(ctx.conversation)
                ctx.event = ButtonPressed(event.user, event.chat, button.action, button.payload, message_id="")
                return await self._button(ctx, ctx.event)
            if handler is not None:
                ctx.args = event.text.strip()
                return await handler(ctx)
            await ctx.end_flow()  # a flow that no longer exists (after an upgrade): forget it
        if ctx.chat.is_private:
            return ctx.reply("core.text_hint")
        return None  # chatter in groups is not for us

    async def _refusal(self, ctx: Context, access: Access, where: Where, attempt: str) -> Reply | None:
        if where is Where.PRIVATE and not ctx.chat.is_private:
            return Reply(ctx.t("core.private_only"), private=True)
        if where is Where.GROUP and ctx.chat.is_private:
            return Reply(ctx.t("core.group_only"))
        if access is Access.ANYONE:
            return None
        if access is Access.ANIMATOR:
            if await ctx.is_animator():
                return None
            _audit_refusal(ctx, attempt, "animator")
            return Reply(ctx.t("core.animators_only"), private=True)
        if access is Access.HOST:
            if await ctx.can_host():
                return None
            _audit_refusal(ctx, attempt, "host")
            return Reply(ctx.t("core.hosts_only"), private=True)
        # Access.MEMBER: a member profile is needed, even for a network animator named in the config.
        if ctx.member is None:
            return Reply(ctx.t("core.join_first"), private=True)
        return None

    def _unknown_command(self, ctx: Context, word: str, args: str = "") -> Reply:
        word = word.strip().lstrip("/").lower()[:64]
        names = {}
        for command in self.registry.commands.values():
            names[command.name_for(ctx.locale)] = command
            names.setdefault(command.name, command)
            names.setdefault(command.alias, command)
        found = process.extract(word, list(names), scorer=fuzz.WRatio, limit=6, score_cutoff=SUGGESTION_CUTOFF)
        suggestions: list[Command] = []
        best = found[0][1] if found else 0
        for name, score, _ in found:
            # Only the close runners-up: "hlep" should suggest /help, not every command with an "l".
            if score >= best - SUGGESTION_SPREAD and names[name] not in suggestions:
                suggestions.append(names[name])
        suggestions = suggestions[:3]
        if not suggestions:
            return Reply(ctx.t("core.unknown_command", command=word))
        listed = spoken_list(("/" + c.name_for(ctx.locale) for c in suggestions), ctx.t, choice=True)
        buttons = (tuple(Button(_run_label(c.name_for(ctx.locale), c.name, args), "run", _run_payload(c.name, args))
                         for c in suggestions),)
        return Reply(ctx.t("core.did_you_mean", command=word, suggestions=listed), buttons=buttons)

    # -- platform housekeeping ---------------------------------------------------------------
    async def _set_dm_status(self, platform: str, user_id: str, reachable: bool) -> None:
        async with self.db.session() as session:
            await set_dm_status(session, platform, user_id, reachable=reachable)

    async def mark_unreachable(self, platform: str, user_id: str) -> None:
        """A reply to this person's event could not reach their DMs (they blocked the bot)."""
        await self._set_dm_status(platform, user_id, reachable=False)

    async def chat_migrated(self, event: ChatMigrated) -> None:
        """A chat changed id while a message was being sent to it (Telegram's supergroup upgrade)."""
        await self._safely(self._migrate_chat(event))

    async def _migrate_chat(self, event: ChatMigrated) -> None:
        async with self.db.session() as session:
            await session.execute(update(VenueChat).where(
                VenueChat.platform == event.platform, VenueChat.chat_id == event.old_chat_id,
            ).values(chat_id=event.new_chat_id))

    async def _safely(self, job) -> None:
        try:
            await job
        except Exception:
            log.exception("housekeeping update failed")


def _as_list(result) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    if isinstance(result, Sequence):
        return [reply for reply in result if reply is not None]
    raise TypeError(f"a handler returned {type(result).__name__}, expected Reply or a list of them")


def _audit_refusal(ctx: Context, attempt: str, needs: str) -> None:
    """One line for the operator when someone tries what their role does not allow (a forged button,
    a member typing an animator's command)."""
    audit.warning("refused: %s:%s (member %s) tried %s, which needs %s rights", ctx.identity.platform,
                  ctx.identity.platform_user_id, ctx.member.id if ctx.member else "none", attempt, needs)


def _is_busy_database() -> bool:
    import sys

    error = sys.exc_info()[1]
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def _run_label(shown: str, name: str, args: str) -> str:
    """The suggestion's label says what pressing it runs: "/appariement exclus", not "/appariement"."""
    payload = _run_payload(name, args)
    return "/" + shown + payload[len(name):]


def _run_payload(name: str, args: str) -> str:
    """A suggestion button's payload: the command and what was typed after it ("/chrecher impression 3d"
    -> "find impression 3d"), when it fits the button's 64 bytes; else the command alone."""
    args = " ".join(args.split())
    payload = f"{name} {args}" if args else name
    return payload if len(f"run:{payload}".encode()) <= MAX_CALLBACK_BYTES else name
