"""The Telegram face of Maillage (python-telegram-bot 22): `build_adapter` is what bot/app.py calls.

Modules: adapter.py (the Application in our loop, replies, the outbox port), convert.py (pure
translation of updates and replies), errors.py (Telegram errors -> the core's typed errors),
limits.py (outgoing pace), commands.py (the "/" menus), webhook.py (webhook mode's HTTP endpoint).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.telegram.adapter import TelegramAdapter

if TYPE_CHECKING:
    from bot.application import App
    from bot.config import TelegramConfig

__all__ = ["TelegramAdapter", "build_adapter"]


def build_adapter(config: "TelegramConfig", app: "App") -> TelegramAdapter:
    """The adapter for the `[telegram]` section; `maillage run` starts it with the app's core."""
    return TelegramAdapter(config, default_locale=app.config.network.default_locale)
