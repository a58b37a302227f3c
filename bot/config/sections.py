"""The configuration sections every Maillage process reads: network, database, venues, delivery.

Each dataclass mirrors one TOML table of `config.example.toml`; defaults here are the documented
defaults there. `problems()` checks what a type annotation cannot (time zones, ranges, formats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.venues import hours_reading as opening_hours

VENUE_KINDS = ("coworking", "fablab", "tiers-lieu", "partner")
# Partner kinds are checked against [partners] kinds, in Config.problems (bot/config/partners.py).
LOCALES = ("fr", "en")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PLATFORM_USER_RE = re.compile(r"^(telegram|discord|console|memory):\S+$")


def timezone_problem(key: str, name: str) -> list[str]:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return [f'{key}: unknown time zone "{name}" (use an IANA name such as "Europe/Paris")']
    return []


@dataclass(frozen=True)
class NetworkConfig:
    name: str
    timezone: str = "Europe/Paris"
    default_locale: str = "fr"
    # Platform users who animate the whole network, as "platform:user_id" ("telegram:123456789").
    animators: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        found = timezone_problem("timezone", self.timezone)
        if self.default_locale not in LOCALES:
            found.append(f"default_locale: must be one of {', '.join(LOCALES)}")
        if not self.name.strip():
            found.append("name: must not be empty")
        for i, ref in enumerate(self.animators):
            if not PLATFORM_USER_RE.match(ref):
                found.append(f'animators[{i}]: "{ref}" is not "platform:user_id" (e.g. "telegram:123456789")')
        return found


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///maillage.sqlite"

    def problems(self) -> list[str]:
        if not self.url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            return ['url: must start with "sqlite+aiosqlite://" or "postgresql+asyncpg://"']
        return []


@dataclass(frozen=True)
class VenueConfig:
    slug: str
    name: str
    kind: str
    partner_kind: str | None = None
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str | None = None  # defaults to the network's
    description: str = ""
    website: str | None = None
    hours: str | None = None  # opening hours, "Mo-Fr 09:00-18:00; Sa 10:00-13:00" (bot/venues/hours_reading.py)

    def problems(self) -> list[str]:
        found = []
        if not SLUG_RE.match(self.slug):
            found.append(f'slug: "{self.slug}" must be lowercase letters, digits and dashes')
        if self.kind not in VENUE_KINDS:
            found.append(f'kind: "{self.kind}" is not one of {", ".join(VENUE_KINDS)}')
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            found.append("latitude: must be between -90 and 90")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            found.append("longitude: must be between -180 and 180")
        if (self.latitude is None) != (self.longitude is None):
            found.append("latitude/longitude: give both or neither")
        if self.timezone is not None:
            found += timezone_problem("timezone", self.timezone)
        found += opening_hours.problem("hours", self.hours)
        return found


@dataclass(frozen=True)
class OutboxConfig:
    poll_seconds: float = 1.0
    batch_size: int = 50
    max_attempts: int = 6
    backoff_seconds: float = 5.0  # first retry delay; doubles each attempt
    lease_seconds: float = 120.0  # a claim older than this is considered abandoned by a dead process

    def problems(self) -> list[str]:
        found = []
        if self.poll_seconds <= 0:
            found.append("poll_seconds: must be positive")
        if self.batch_size < 1:
            found.append("batch_size: must be at least 1")
        if self.max_attempts < 1:
            found.append("max_attempts: must be at least 1")
        if self.lease_seconds < 5:
            found.append("lease_seconds: must be at least 5")
        return found


@dataclass(frozen=True)
class AttentionConfig:
    budget_per_30_days: int = 4  # nudges per member (proposals, follow-ups, intro requests, digests, campaigns)
    quiet_start: str = "20:00"
    quiet_end: str = "09:00"
    quiet_weekends: bool = True

    def problems(self) -> list[str]:
        found = []
        for key in ("quiet_start", "quiet_end"):
            if not CLOCK_RE.match(getattr(self, key)):
                found.append(f'{key}: "{getattr(self, key)}" is not a time like "20:00"')
        if self.budget_per_30_days < 0:
            found.append("budget_per_30_days: must not be negative")
        return found


@dataclass(frozen=True)
class ConversationConfig:
    timeout_minutes: int = 60

    def problems(self) -> list[str]:
        return [] if self.timeout_minutes >= 1 else ["timeout_minutes: must be at least 1"]


@dataclass(frozen=True)
class SchedulerConfig:
    enabled: bool = True
    # How often a process checks the scheduler's lock on PostgreSQL: when the holder dies, another
    # process takes over the schedule (and Telegram's polling) within this many seconds.
    lock_check_seconds: float = 60.0

    def problems(self) -> list[str]:
        return [] if 1 <= self.lock_check_seconds <= 3600 else ["lock_check_seconds: must be between 1 and 3600"]


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None  # how people reach it, for links in messages

    def problems(self) -> list[str]:
        return [] if 0 <= self.port <= 65535 else ["port: must be between 0 and 65535"]
