"""The running application's parts, as `bot.app.build_app` assembled them.

A leaf module (it imports only what the parts are): jobs and the web face take an `App` without
importing the composition root, so no import runs in a circle through `bot.app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Config
from bot.core import BotCore
from bot.outbox.dispatcher import OutboxDispatcher
from bot.ports import ChatAdapter
from storage.db import Database


@dataclass
class App:
    """Config, database, core, clock, the adapters by platform name, and the outbox dispatcher."""

    config: Config
    db: Database
    core: BotCore
    clock: Clock
    adapters: dict[str, ChatAdapter] = field(default_factory=dict)
    dispatcher: OutboxDispatcher | None = None

    def add_adapter(self, adapter: ChatAdapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def close(self) -> None:
        await self.core.background.close()  # work a command started: cancelled, its transactions rolled back
        await self.db.dispose()
