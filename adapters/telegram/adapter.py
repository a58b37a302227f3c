"""The Telegram adapter: a python-telegram-bot 22 Application run inside Maillage's own loop.

In: one handler receives every update (polling or webhook), drops one delivered twice, turns it into
neutral events (convert.py) and awaits `core.handle`; the core's replies go back to the chat the
event came from. Out: `send` / `send_dm` for the outbox dispatcher, with Telegram's errors mapped
to the core's typed errors (errors.py). Every request that posts in a chat goes through our pace
limiter (limits.py). The Application's own job queue is off; there is no `run_polling`: we call
initialize / start / updater.start_polling ourselves, because the loop is shared with the Discord
adapter, the scheduler and the web server.

Decisions worth knowing:
- A press is always answered (`answerCallbackQuery`), even when the core fails, so the user's
  spinner stops; a reply marked `edit` replaces the pressed message (or is sent anew when Telegram
  cannot edit it, e.g. a document or a message too old).
- `Reply.private` in a group goes to the person's DM, with no note in the group (groups stay
  quiet); when the DM is impossible (they never started the bot), one short message in the group
  says so, with a button opening the private chat.
- Duplicated updates (a webhook retry, polling replayed after a crash): each person's event carries
  the update_id, and the core records it in the transaction that handles it, so an update is
  applied once even across restarts; a repeat gets no answer.
- One chat's updates are handled in order (a lock per chat), different chats concurrently. On
  SQLite the core itself is entered by one update at a time (a write transaction takes
  milliseconds, and concurrent SQLite transactions that read then write fail with "database is
  locked" instead of waiting); replies are still sent concurrently, outside that gate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from telegram import InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Update
from telegram import error as tg
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from adapters.telegram import convert
from adapters.telegram.commands import menus
from adapters.telegram.errors import is_not_modified, retry_seconds, to_delivery_error
from adapters.telegram.limits import TelegramRateLimiter, ThroughputLimiter
from adapters.telegram.webhook import WebhookServer
from bot.config import TelegramConfig
from bot.i18n import normalize_locale, translate
from bot.ports import Capabilities, DeliveryError, RateLimited, Transient, UnknownOutcome, Unreachable
from bot.types import (
    Button, ButtonPressed, ChatKind, ChatMigrated, ChatRef, Reply, SentMessage,
)

if TYPE_CHECKING:
    from bot.core import BotCore

log = logging.getLogger(__name__)

PLATFORM = convert.PLATFORM
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
CHUNK_RETRIES = 2  # a long message already half sent: retries for the rest before giving up
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class TelegramAdapter:
    platform = PLATFORM
    capabilities = Capabilities(max_message_length=convert.MAX_TEXT, max_buttons_per_row=8, max_button_rows=20,
                                can_edit=True, can_send_silently=True, has_ephemeral=False, idempotent_send=False)

    def __init__(self, config: TelegramConfig, *, default_locale: str = "fr", request: BaseRequest | None = None,
                 limiter: ThroughputLimiter | None = None,
                 on_chat_migrated: Callable[[ChatMigrated], Awaitable[object]] | None = None) -> None:
        """`request` replaces the HTTP layer (tests, benchmarks); `limiter` the pace limiter.

        `on_chat_migrated` is told when a send finds that its group became a supergroup with a new
        id (the composition root records it in the core); without it the new id is only logged.
        """
        # The token is part of every Bot API URL: httpx logs request lines (INFO) and PTB's bot logs
        # its base URLs (DEBUG). Keep those loggers above the levels that would print it.
        for noisy, floor in (("httpx", logging.WARNING), ("httpcore", logging.WARNING),
                             ("telegram.Bot", logging.INFO), ("telegram.ext.ExtBot", logging.INFO)):
            logger = logging.getLogger(noisy)
            if logger.getEffectiveLevel() < floor:
                logger.setLevel(floor)
        self.config = config
        self.default_locale = default_locale
        self.on_chat_migrated = on_chat_migrated
        self.limiter = limiter or ThroughputLimiter(
            global_per_second=config.global_per_second, private_per_second=config.private_per_second,
            private_burst=config.private_burst, group_per_minute=config.group_per_minute)
        self.application = self._build(config, request)
        self.core: BotCore | None = None
        self.receiving = True  # False: started without polling (another process receives)
        self.bot_id = 0
        self.bot_username: str | None = None
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._webhook: WebhookServer | None = None
        self._core_gate = asyncio.Semaphore(1)  # resized in start() once the database is known

    def _build(self, config: TelegramConfig, request: BaseRequest | None) -> Application:
        builder = (ApplicationBuilder().token(config.token).job_queue(None)
                   .rate_limiter(TelegramRateLimiter(self.limiter))
                   .concurrent_updates(config.concurrent_updates))
        if config.api_base_url:
            root = config.api_base_url.rstrip("/")
            builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        else:
            timeout = config.request_timeout
            builder = (builder.connect_timeout(timeout).read_timeout(timeout).write_timeout(timeout)
                       .pool_timeout(timeout).get_updates_read_timeout(config.poll_timeout + timeout))
        if config.mode == "webhook":
            builder = builder.updater(None)
        application = builder.build()
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    @property
    def bot(self):
        return self.application.bot

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self, core: "BotCore") -> None:
        self.core = core
        sqlite = core.db.dialect == "sqlite"
        self._core_gate = asyncio.Semaphore(1 if sqlite else self.config.concurrent_updates)
        try:
            await self.application.initialize()  # getMe: checks the token
        except tg.InvalidToken:
            # PTB's message repeats the token: never let it reach a log.
            raise RuntimeError(f"Telegram rejected the token in ${self.config.token_env}") from None
        self.bot_id = self.bot.id
        self.bot_username = self.bot.username
        if self.config.set_commands:
            await self.publish_commands()
        await self.application.start()
        if self.config.mode == "webhook":
            await self._start_webhook()
        elif self.receiving:
            await self._start_polling()
        log.info("Telegram bot @%s ready (%s%s)", self.bot_username, self.config.mode,
                 "" if self.receiving or self.config.mode == "webhook" else ", sending only until this process leads")

    @property
    def receives_alone(self) -> bool:
        """Long polling admits one consumer per bot (see `bot.ports.SingleReceiver`)."""
        return self.config.mode == "polling"

    async def set_receiving(self, receiving: bool) -> None:
        """Poll (or stop polling) from now on; set before `start` to start without polling."""
        self.receiving = receiving
        if not self.receives_alone or self.core is None:
            return
        updater = self.application.updater
        if receiving and updater is not None and not updater.running:
            await self._start_polling()
            log.info("Telegram: this process now receives the updates")
        elif not receiving and updater is not None and updater.running:
            await updater.stop()
            log.info("Telegram: another process receives the updates; this one only sends")

    async def _start_polling(self) -> None:
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=self.config.poll_interval, timeout=self.config.poll_timeout,
            allowed_updates=ALLOWED_UPDATES, error_callback=self._polling_error)

    async def stop(self) -> None:
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        self.core = None

    async def _start_webhook(self) -> None:
        url = self.config.webhook_url or ""
        self._webhook = WebhookServer(self.config.webhook_listen, self.config.webhook_port, urlparse(url).path,
                                      self.config.webhook_secret, self._queue_update)
        await self._webhook.start()
        await self.bot.set_webhook(url, secret_token=self.config.webhook_secret, allowed_updates=ALLOWED_UPDATES)

    async def _queue_update(self, data: dict[str, Any]) -> None:
        await self.application.update_queue.put(Update.de_json(data, self.bot))

    async def publish_commands(self) -> None:
        """The command menus in French and English (and a default list), for private chats and groups."""
        assert self.core is not None
        try:
            for menu in menus(self.core.registry, self.default_locale):
                await self.bot.set_my_commands(menu.commands, scope=menu.scope, language_code=menu.language_code)
        except tg.TelegramError as error:  # menus are a comfort: never stop the bot for them
            log.warning("could not publish the Telegram command menus: %s", error)

    def _polling_error(self, error: tg.TelegramError) -> None:
        log.warning("Telegram polling: %s: %s", type(error).__name__, error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update handling failed", exc_info=context.error)

    # -- in ------------------------------------------------------------------------------------
    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        lock = self._chat_lock(chat.id if chat is not None else 0)
        async with lock:
            try:
                await self._handle(update)
            except Exception:  # never let one update stop the others
                log.exception("Telegram update %s could not be handled", update.update_id)

    def _chat_lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            if len(self._chat_locks) > 1024:
                for key in [k for k, v in self._chat_locks.items() if not v.locked()]:
                    del self._chat_locks[key]
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    async def _handle(self, update: Update) -> None:
        assert self.core is not None
        events = convert.update_to_events(update, self.bot_id, self.bot_username)
        query = update.callback_query
        try:
            for event in events:
                if isinstance(event, convert.Anonymous):
                    await self._reply_anonymous(event)
                    continue
                async with self._core_gate:
                    replies = await self.core.handle(event)
                if query is not None:  # the spinner stops as soon as the core has decided
                    await self._answer(query)
                    query = None
                if replies:
                    await self._respond(event, replies)
        finally:
            if query is not None:
                await self._answer(query)

    async def _answer(self, query) -> None:
        try:
            await query.answer()
        except tg.TelegramError as error:  # too old (over 15 minutes) or already answered
            log.info("could not answer a button press: %s", error)

    async def _reply_anonymous(self, event: convert.Anonymous) -> None:
        text = translate(normalize_locale(event.language, self.default_locale), "telegram.anonymous_admin")
        await self._deliver_direct(event.chat, Reply(text))

    # -- replies to an event -------------------------------------------------------------------
    async def _respond(self, event, replies: list[Reply]) -> None:
        """Sends the core's replies to the chat of `event` (or where each reply says)."""
        edit_id = event.message_id if isinstance(event, ButtonPressed) else None
        for reply in replies:
            target = reply.chat or event.chat
            if reply.private and not target.is_private:
                await self._respond_privately(event, reply)
                continue
            if reply.edit and edit_id is not None and target == event.chat and reply.attachment is None:
                if await self._edit(target, int(edit_id), reply):
                    edit_id = None  # one message is replaced; further replies are new messages
                    continue
            await self._deliver_direct(target, reply)

    async def _respond_privately(self, event, reply: Reply) -> None:
        user = event.user
        dm = ChatRef(PLATFORM, user.user_id, ChatKind.PRIVATE)
        if await self._deliver_direct(dm, reply) != "unreachable":
            return
        locale = normalize_locale(user.language, self.default_locale)
        link = f"https://t.me/{self.bot_username}" if self.bot_username else None
        buttons = ((Button(translate(locale, "telegram.open_dm"), "", url=link),),) if link else ()
        await self._deliver_direct(event.chat, Reply(translate(locale, "telegram.dm_failed"), buttons=buttons))

    async def _edit(self, chat: ChatRef, message_id: int, reply: Reply) -> bool:
        """Replaces a message's text and buttons; False when Telegram cannot (then send anew)."""
        rendered = convert.render(reply)
        if len(rendered.chunks) != 1:
            return False
        try:
            await self.bot.edit_message_text(rendered.chunks[0], chat_id=int(chat.chat_id), message_id=message_id,
                                             parse_mode=ParseMode.HTML, reply_markup=rendered.keyboard,
                                             link_preview_options=NO_PREVIEW)
            return True
        except tg.BadRequest as error:
            if is_not_modified(error):
                return True
            log.info("could not edit message %s, sending a new one: %s", message_id, error)
            return False
        except tg.TelegramError as error:
            log.warning("editing message %s failed: %s", message_id, error)
            return True  # the outcome is unknown: a second copy would be worse than a stale message

    async def _deliver_direct(self, chat: ChatRef, reply: Reply) -> str:
        """Sends a reply to an event. Waits once when rate limited; returns "sent", "unreachable"
        or "failed" (logged). A person who blocked the bot is marked unreachable."""
        for attempt in range(2):
            try:
                await self.send(chat, reply)
                return "sent"
            except RateLimited as error:
                if attempt or error.retry_after > self.config.max_retry_wait:
                    log.warning("reply to chat %s dropped: %s", chat.chat_id, error)
                    return "failed"
                await asyncio.sleep(error.retry_after)
            except Transient as error:
                if attempt:
                    log.warning("reply to chat %s failed twice: %s", chat.chat_id, error)
                    return "failed"
                await asyncio.sleep(1.0)
            except Unreachable as error:
                log.info("chat %s is unreachable: %s", chat.chat_id, error)
                if chat.is_private and self.core is not None:
                    await self.core.mark_unreachable(PLATFORM, chat.chat_id)
                return "unreachable"
            except DeliveryError as error:  # UnknownOutcome (not resent), Rejected (never retried)
                log.warning("reply to chat %s: %s", chat.chat_id, error)
                return "failed"
        return "failed"

    # -- out: the port -------------------------------------------------------------------------
    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Posts a reply in a chat; raises the core's typed errors (bot/ports.py)."""
        chat_id = int(chat.chat_id)
        try:
            return await self._post(chat_id, reply)
        except tg.ChatMigrated as migrated:
            # A group became a supergroup: have the new id recorded, then send there.
            new_id = migrated.new_chat_id
            log.info("Telegram chat %s migrated to %s", chat_id, new_id)
            if self.on_chat_migrated is not None:
                await self.on_chat_migrated(ChatMigrated(PLATFORM, str(chat_id), str(new_id)))
            try:
                return await self._post(new_id, reply)
            except tg.TelegramError as error:
                raise to_delivery_error(error) from error
        except tg.TelegramError as error:
            raise to_delivery_error(error) from error

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        """Writes to a person: on Telegram their private chat has their user id."""
        return await self.send(ChatRef(PLATFORM, user_id, ChatKind.PRIVATE), reply, idempotency_key=idempotency_key)

    async def _post(self, chat_id: int, reply: Reply) -> SentMessage:
        """All the messages of one reply. Once a first part went out, the rest is retried here
        rather than by the caller: resending the whole reply would duplicate that first part."""
        rendered = convert.render(reply)
        parts: list[tuple[str, Any]] = [("text", chunk) for chunk in rendered.chunks]
        if reply.attachment is not None:
            parts.append(("document", reply.attachment))
        last_id = ""
        for index, (kind, content) in enumerate(parts):
            keyboard = rendered.keyboard if index == len(parts) - 1 else None
            if index == 0:
                last_id = await self._post_part(chat_id, kind, content, keyboard, rendered)
                continue
            last_id = await self._post_rest(chat_id, kind, content, keyboard, rendered)
        return SentMessage(last_id, {"parts": len(parts)})

    async def _post_rest(self, chat_id: int, kind: str, content: Any, keyboard, rendered) -> str:
        for attempt in range(CHUNK_RETRIES + 1):
            try:
                return await self._post_part(chat_id, kind, content, keyboard, rendered)
            except tg.RetryAfter as error:
                wait = retry_seconds(error)
                if attempt == CHUNK_RETRIES or wait > self.config.max_retry_wait:
                    raise UnknownOutcome(f"message partly delivered, then rate limited: {error}") from error
                await asyncio.sleep(wait)
            except tg.TelegramError as error:
                mapped = to_delivery_error(error)
                if attempt == CHUNK_RETRIES or not isinstance(mapped, Transient):
                    raise UnknownOutcome(f"message partly delivered, then: {mapped}") from error
                await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _post_part(self, chat_id: int, kind: str, content: Any, keyboard: InlineKeyboardMarkup | None,
                         rendered: convert.Rendered) -> str:
        if kind == "document":
            attachment = content
            document = InputFile(attachment.content, filename=attachment.filename)
            message = await self.bot.send_document(chat_id, document, caption=rendered.caption,
                                                   parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                                   disable_notification=rendered.silent)
        else:
            message = await self.bot.send_message(chat_id, content, parse_mode=ParseMode.HTML,
                                                  reply_markup=keyboard, disable_notification=rendered.silent,
                                                  link_preview_options=NO_PREVIEW)
        return str(message.message_id)

