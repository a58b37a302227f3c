"""The Telegram face of Maillage (python-telegram-bot 22): `build_adapter` is what bot/app.py calls.

Modules: adapter.py (the Application in our loop, replies, the outbox port), convert.py (pure
translation of updates and replies), errors.py (Telegram errors -> the core's typed errors),
limits.py (outgoing pace), commands.py (the "/" menus), webhook.py (webhook mode's HTTP endpoint).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from adapters.telegram.adapter import TelegramAdapter

if TYPE_CHECKING:
    from bot.config import TelegramConfig
    from bot.types import ChatMigrated

__all__ = ["TelegramAdapter", "build_adapter"]


def build_adapter(config: "TelegramConfig", *, default_locale: str = "fr",
                  on_chat_migrated: "Callable[[ChatMigrated], Awaitable[object]] | None" = None) -> TelegramAdapter:
    """The adapter for the `[telegram]` section; `maillage run` starts it with the app's core.

    `on_chat_migrated` hears of a group's new id met while sending (see `TelegramAdapter`).
    """
    return TelegramAdapter(config, default_locale=default_locale, on_chat_migrated=on_chat_migrated)
