"""The [wall] section of the configuration: the live wall on lobby screens and venues' websites."""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class WallConfig:
    """[wall]: timings of the screens, what they list, and which venue walls need a token."""

    rotate_seconds: float = 15.0  # each panel stays this long on a lobby screen
    poll_seconds: float = 1.0  # how often the web face reads the change log
    heartbeat_seconds: float = 15.0  # keeps proxies from buffering and tells the page it is alive
    refresh_seconds: float = 60.0  # redraw even without a change ("today" moves on, events end)
    events: int = 8  # events in "coming up"
    people: int = 12  # members in "who is around"
    # The Telegram bot's @username for QR codes and buttons, for a process serving the wall without a
    # [telegram] section (default: [telegram] username).
    bot_username: str | None = None
    discord_invite: str | None = None  # shown beside the Telegram QR code on the join panel
    private_venues: tuple[str, ...] = ()  # venue walls that need ?token= (maillage wall url VENUE)

    def problems(self) -> list[str]:
        found = []
        for key in ("rotate_seconds", "poll_seconds", "heartbeat_seconds", "refresh_seconds"):
            if getattr(self, key) <= 0:
                found.append(f"{key}: must be positive")
        if self.poll_seconds > 2:
            found.append("poll_seconds: must be at most 2 (changes must reach the screens within 2 s)")
        for key in ("events", "people"):
            if not 1 <= getattr(self, key) <= 50:
                found.append(f"{key}: must be between 1 and 50")
        if self.discord_invite is not None and not self.discord_invite.startswith("https://"):
            found.append(f'discord_invite: "{self.discord_invite}" must be an https:// link')
        if self.bot_username is not None and not re.match(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$", self.bot_username):
            found.append(f'bot_username: "{self.bot_username}" is not a Telegram user name')
        for i, slug in enumerate(self.private_venues):
            if not SLUG.match(slug):
                found.append(f'private_venues[{i}]: "{slug}" is not a venue slug')
        return found
