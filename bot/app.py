"""The composition root: config -> database -> core -> adapters -> dispatcher -> scheduler -> web.

`build_app` wires the parts (tests and the demo call it too, with their own adapters and clock);
`run_app` starts everything in one asyncio loop and stops it cleanly on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable

from bot.application import App
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.core import BotCore
from bot.directory.changes import ChangeFeed
from bot.directory.service import Directory
from bot.outbox.dispatcher import OutboxDispatcher
from bot.ports import ChatAdapter, SingleReceiver
from bot.registry import Registry, load_features
from bot.reference_data import sync_reference_data
from bot.wall.changes import watch as watch_wall_changes
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 15

# What the bot can do in chat, in one place: the features that belong to no capability, then each
# capability's `chat` package. Each names a module with `register(registry)`.
FEATURES = (
    "bot.features.help",
    "bot.features.cancel",
    "bot.features.language",
    "bot.features.privacy",
    "bot.venues.chat",
    "bot.members.chat",
    "bot.skills.chat",
    "bot.directory.chat",
    "bot.hosts.chat",
    "bot.events.chat",
    "bot.feeds.chat",
    "bot.matchmaking.chat",

    "bot.campaigns.chat",

    "bot.wall.chat",

    "bot.report.chat",

    "bot.partners.chat",

    "bot.imports.chat",
)


def build_registry() -> Registry:
    """Every command, button, flow and personal-data holder of `FEATURES`."""
    return load_features(FEATURES)




async def build_app(config: Config, *, adapters: Iterable[ChatAdapter] = (), clock: Clock | None = None,
                    migrate: bool = True, platform_adapters: bool = False,
                    only: frozenset[str] | None = None) -> App:
    """Open the database (migrated, reference data synced), the core, and the given adapters.

    With `platform_adapters`, the Telegram and Discord adapters configured in `config` are added too
    (with `only`, just those it names).
    """
    clock = clock or SystemClock()
    db = Database(config.database.url)
    if migrate:
        await upgrade(db)
    # The directory's change feed watches this database only, from before the first write of the
    # app's life (the reference data), and the directory index lives as long as this core.
    feed = ChangeFeed()
    feed.watch(db)
    watch_wall_changes(db)  # the change log the wall's screens poll, whichever process serves them
    await sync_reference_data(db, config)
    core = BotCore(config, db, build_registry(), clock=clock, directory=Directory(feed))
    app = App(config, db, core, clock)
    for adapter in adapters:
        app.add_adapter(adapter)
    if platform_adapters:
        for adapter in _platform_adapters(config, core, only):
            app.add_adapter(adapter)
    app.dispatcher = OutboxDispatcher(db, app.adapters, config.outbox, clock)
    app.core.after_commit = app.dispatcher.wake.set
    return app


def _platform_adapters(config: Config, core: BotCore, only: frozenset[str] | None = None) -> list[ChatAdapter]:
    """The Telegram and Discord adapters of the config, each given only what it uses."""
    found: list[ChatAdapter] = []
    if config.telegram is not None and (only is None or "telegram" in only):
        from adapters.telegram import build_adapter as build_telegram

        found.append(build_telegram(config.telegram, default_locale=config.network.default_locale,
                                    on_chat_migrated=core.chat_migrated))
    if config.discord is not None and (only is None or "discord" in only):
        from adapters.discord import build_adapter as build_discord

        found.append(build_discord(config.discord, registry=core.registry,
                                   default_locale=config.network.default_locale))
    return found


async def run_app(config: Config, only: frozenset[str] | None = None) -> int:
    """`maillage run`: everything configured (or the parts `only` names: telegram, discord, web),
    until SIGINT/SIGTERM."""
    from jobs.scheduler import SchedulerSupervisor

    app = await build_app(config, platform_adapters=True, only=only)
    if not app.adapters and config.web is None:
        log.warning("no [telegram], [discord] or [web] section in %s: nothing to serve", config.source)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
    tasks: list[asyncio.Task] = []
    started: list[ChatAdapter] = []
    # What one process only may receive (Telegram's polling) follows the scheduler's lock.
    alone = [a for a in app.adapters.values() if isinstance(a, SingleReceiver) and a.receives_alone]

    async def lead(leading: bool) -> None:
        for adapter in alone:
            await adapter.set_receiving(leading)

    supervisor = (SchedulerSupervisor(app, check_seconds=config.scheduler.lock_check_seconds, on_lead=lead)
                  if config.scheduler.enabled else None)
    web = None
    try:
        if supervisor is not None:
            await supervisor.check()  # take the lock first, so a second process never polls at all
            for adapter in alone:
                await adapter.set_receiving(supervisor.leading)
        for adapter in app.adapters.values():
            await adapter.start(app.core)
            started.append(adapter)
            log.info("%s adapter started", adapter.platform)
        assert app.dispatcher is not None
        tasks.append(asyncio.create_task(app.dispatcher.run_forever(stop), name="outbox"))
        if supervisor is not None:
            tasks.append(asyncio.create_task(supervisor.run(stop), name="scheduler"))
        if config.web is not None and (only is None or "web" in only):
            from adapters.web import start_web

            web = await start_web(config.web, app)
        log.info("Maillage is running for %s (Ctrl-C to stop)", config.network.name)
        await stop.wait()
    finally:
        log.info("stopping")
        stop.set()  # first, so no loop starts new work (a supervision check, a dispatch batch)
        if supervisor is not None:
            await supervisor.close()
        if web is not None:
            await web.stop()
        # Let the dispatcher finish the send under way and hand the rest of its batch back.
        if app.dispatcher is not None:
            app.dispatcher.wake.set()
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_SECONDS)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.platform)
        await app.close()
    return 0
