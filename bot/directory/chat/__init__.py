"""The directory in the chat: /find (`find`) and introduction requests between members (`requests`)."""

from __future__ import annotations

from bot.directory.chat import find, requests
from bot.registry import Registry


def register(registry: Registry) -> None:
    find.register(registry)
    requests.register(registry)
