"""Configuration of the events programme: feeds, reminders and the weekly digest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedConfig:
    venue: str  # venue slug
    url: str  # https://... ICS, a local .ics path, or "openagenda:AGENDA_UID"
    key_env: str | None = None  # env variable holding an OpenAgenda public key


@dataclass(frozen=True)
class EventsConfig:
    programme_chat: str | None = None  # "platform:chat_id" of the network programme chat
    feeds: tuple[FeedConfig, ...] = ()
    feed_sync_minutes: int = 30
    feed_horizon_days: int = 90
    reminder_hours: tuple[float, ...] = (24.0, 1.0)
    digest_cron: str = "0 9 * * mon"  # in the network time zone

    def problems(self) -> list[str]:
        found = []
        if self.feed_sync_minutes < 1:
            found.append("feed_sync_minutes: must be at least 1")
        if not 1 <= self.feed_horizon_days <= 730:
            found.append("feed_horizon_days: must be between 1 and 730")
        return found
