"""Configuration of the events programme: feeds, announcements, the agenda, reminders and the digest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger

PROGRAMME_CHAT_RE = re.compile(r"^(telegram|discord|console|memory):\S+$")


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
    reminder_hours: tuple[float, ...] = (24.0, 1.0)  # before the start; each sent once to members going
    reminder_check_minutes: int = 5  # how often the reminder job looks for due reminders
    digest_cron: str = "0 9 * * mon"  # in the network time zone
    digest_max_events: int = 15  # longer weeks end with "and N more: /agenda"
    default_duration_minutes: int = 120  # when a host skips the end or duration
    agenda_page_size: int = 5
    near_km: float = 30.0  # "near me" in /agenda: venues within this distance of my home venue

    def programme_target(self) -> tuple[str, str] | None:
        """(platform, chat_id) of the configured programme chat, if any."""
        if not self.programme_chat or not PROGRAMME_CHAT_RE.match(self.programme_chat):
            return None
        platform, _, chat_id = self.programme_chat.partition(":")
        return platform, chat_id

    def problems(self) -> list[str]:
        found = []
        if self.feed_sync_minutes < 1:
            found.append("feed_sync_minutes: must be at least 1")
        if not 1 <= self.feed_horizon_days <= 730:
            found.append("feed_horizon_days: must be between 1 and 730")
        if self.programme_chat is not None and not PROGRAMME_CHAT_RE.match(self.programme_chat):
            found.append(f'programme_chat: "{self.programme_chat}" is not "platform:chat_id" '
                         '(e.g. "telegram:-1001234567890")')
        for i, hours in enumerate(self.reminder_hours):
            if not 0 < hours <= 24 * 14:
                found.append(f"reminder_hours[{i}]: must be between 0 and 336 hours")
        if len(set(self.reminder_hours)) != len(self.reminder_hours):
            found.append("reminder_hours: each value once")
        if not 1 <= self.reminder_check_minutes <= 60:
            found.append("reminder_check_minutes: must be between 1 and 60")
        try:
            CronTrigger.from_crontab(self.digest_cron)
        except ValueError as error:
            found.append(f'digest_cron: "{self.digest_cron}" is not a crontab line like "0 9 * * mon" ({error})')
        if self.digest_max_events < 1:
            found.append("digest_max_events: must be at least 1")
        if not 5 <= self.default_duration_minutes <= 24 * 60:
            found.append("default_duration_minutes: must be between 5 and 1440")
        if not 1 <= self.agenda_page_size <= 10:
            found.append("agenda_page_size: must be between 1 and 10")
        if self.near_km <= 0:
            found.append("near_km: must be positive")
        return found
