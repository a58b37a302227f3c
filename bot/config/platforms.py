"""Configuration of the chat platforms. A section absent from the file turns that adapter off.

Tokens never live in the file: `token_env` names the environment variable that holds them, and the
loader reads it once (`token` is not a key the file may set).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TelegramConfig:
    token_env: str = "TELEGRAM_TOKEN"
    mode: str = "polling"  # or "webhook"
    api_base_url: str | None = None  # a self-hosted Bot API server (or the test emulator)
    poll_interval: float = 0.0
    webhook_url: str | None = None  # the public HTTPS URL Telegram calls
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret_env: str | None = None  # env variable holding the secret_token Telegram echoes back
    token: str = field(default="", init=False, repr=False, compare=False)
    webhook_secret: str = field(default="", init=False, repr=False, compare=False)

    def problems(self) -> list[str]:
        found = []
        if self.mode not in ("polling", "webhook"):
            found.append(f'mode: "{self.mode}" must be "polling" or "webhook"')
        if self.mode == "webhook" and not self.webhook_url:
            found.append("webhook_url: required when mode is \"webhook\"")
        if self.poll_interval < 0:
            found.append("poll_interval: must not be negative")
        return found


@dataclass(frozen=True)
class DiscordConfig:
    token_env: str = "DISCORD_TOKEN"
    test_guild_id: str | None = None  # sync slash commands to this guild only (instant, for testing)
    mirror_scheduled_events: bool = False
    token: str = field(default="", init=False, repr=False, compare=False)
