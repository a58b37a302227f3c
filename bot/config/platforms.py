"""Configuration of the chat platforms. A section absent from the file turns that adapter off.

Tokens never live in the file: `token_env` names the environment variable that holds them, and the
loader reads it once (`token` is not a key the file may set).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TelegramConfig:
    """The `[telegram]` table: how the Telegram adapter connects, and how fast it may send.

    The rate defaults are Telegram's published limits (about 30 messages/s overall, one per second
    in a private chat with short bursts tolerated, 20 per minute in a group).
    """

    token_env: str = "TELEGRAM_TOKEN"
    username: str | None = None  # the bot's @username, for t.me/<username>?start=<code> links and QR codes
    mode: str = "polling"  # or "webhook"
    api_base_url: str | None = None  # a self-hosted Bot API server (or the test emulator), e.g. http://host:8081
    poll_interval: float = 0.0  # pause between two getUpdates calls (long polling makes 0 fine)
    poll_timeout: int = 30  # long-polling timeout asked of Telegram, in seconds
    webhook_url: str | None = None  # the public HTTPS URL Telegram calls
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret_env: str | None = None  # env variable holding the secret_token Telegram echoes back
    request_timeout: float = 10.0  # seconds to wait for Telegram's answer to one request
    global_per_second: float = 30.0
    private_per_second: float = 1.0
    private_burst: int = 3  # messages a private chat may get at once before the 1/s pace applies
    group_per_minute: int = 20
    max_retry_wait: float = 30.0  # longest 429 wait before retrying a direct reply (longer: dropped, logged)
    concurrent_updates: int = 16  # updates handled at once (one chat's updates always stay in order)
    set_commands: bool = True  # publish the command menus (fr, en) with set_my_commands at start
    token: str = field(default="", init=False, repr=False, compare=False)
    webhook_secret: str = field(default="", init=False, repr=False, compare=False)

    def problems(self) -> list[str]:
        found = []
        if self.mode not in ("polling", "webhook"):
            found.append(f'mode: "{self.mode}" must be "polling" or "webhook"')
        if self.mode == "webhook" and not self.webhook_url:
            found.append("webhook_url: required when mode is \"webhook\"")
        if self.mode == "webhook" and not self.webhook_secret_env:
            found.append("webhook_secret_env: required when mode is \"webhook\" (Telegram's secret_token)")
        if self.webhook_url and not self.webhook_url.startswith(("https://", "http://")):
            found.append("webhook_url: must be an https:// URL")
        if self.api_base_url and not self.api_base_url.startswith(("https://", "http://")):
            found.append("api_base_url: must start with http:// or https://")
        if self.poll_interval < 0:
            found.append("poll_interval: must not be negative")
        if not 0 <= self.poll_timeout <= 50:
            found.append("poll_timeout: must be between 0 and 50 seconds")
        if not 0 < self.webhook_port <= 65535:
            found.append("webhook_port: must be between 1 and 65535")
        if self.request_timeout <= 0:
            found.append("request_timeout: must be positive")
        for key in ("global_per_second", "private_per_second"):
            if getattr(self, key) <= 0:
                found.append(f"{key}: must be positive")
        for key in ("private_burst", "group_per_minute", "concurrent_updates"):
            if getattr(self, key) < 1:
                found.append(f"{key}: must be at least 1")
        if self.max_retry_wait < 0:
            found.append("max_retry_wait: must not be negative")
        return found


@dataclass(frozen=True)
class DiscordConfig:
    """The `[discord]` table: the bot's token variable, where slash commands are published, timings.

    Slash commands are published globally (Discord may take up to an hour to show changes) unless
    `test_guild_id` names one server, where they appear at once. They are re-published only when
    the command set changed (a hash is kept in the database).

    With `mirror_scheduled_events`, the programme of the channels bound with /link_venue (and of a
    network programme channel) is also shown as Discord scheduled events in their servers, kept in
    sync every `mirror_interval_seconds` for the events starting within `mirror_days_ahead` days;
    the bot then needs the Manage Events permission. RSVPs stay in Maillage.
    """

    token_env: str = "DISCORD_TOKEN"
    test_guild_id: str | None = None  # sync slash commands to this guild only (instant, for testing)
    sync_commands: bool = True  # publish the slash commands at start when they changed
    defer_after_seconds: float = 2.0  # a slower answer is deferred first (Discord allows 3 s)
    max_ratelimit_wait: float = 30.0  # a 429 wait up to this is waited in place; longer goes back to the outbox
    mirror_scheduled_events: bool = False  # show the programme as Discord scheduled events (Manage Events)
    mirror_interval_seconds: float = 60.0  # how often the mirror is brought in sync
    mirror_days_ahead: int = 30  # events starting later are mirrored once they come closer
    token: str = field(default="", init=False, repr=False, compare=False)

    def problems(self) -> list[str]:
        found = []
        if self.test_guild_id is not None and not (self.test_guild_id.isdigit() and len(self.test_guild_id) <= 20):
            found.append(f'test_guild_id: "{self.test_guild_id}" is not a Discord server id (digits only, '
                         "from Copy Server ID in Discord's developer mode)")
        if not 0 <= self.defer_after_seconds <= 2.5:
            found.append("defer_after_seconds: must be between 0 and 2.5 (Discord expects an answer within 3 s)")
        if self.max_ratelimit_wait < 30:
            found.append("max_ratelimit_wait: must be at least 30 seconds (discord.py's minimum)")
        if not 10 <= self.mirror_interval_seconds <= 3600:
            found.append("mirror_interval_seconds: must be between 10 and 3600")
        if not 1 <= self.mirror_days_ahead <= 365:
            # Discord keeps at most 100 scheduled events per server: a long horizon fills it up.
            found.append("mirror_days_ahead: must be between 1 and 365")
        return found
