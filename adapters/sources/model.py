"""Neutral values produced by the event sources: one occurrence per row, a parse result, one error.

Every source (ICS file or URL, OpenAgenda) is turned into `FeedOccurrence`s, keyed by
(source_uid, recurrence_id), so the sync can upsert them without knowing where they came from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Literal

OccurrenceStatus = Literal["confirmed", "tentative", "cancelled"]
STATUSES: frozenset[str] = frozenset({"confirmed", "tentative", "cancelled"})

# json.dumps(content, ensure_ascii=False, separators=(",", ":")) builds an encoder per call; the
# fingerprint of every occurrence of every feed goes through here, so one encoder is kept.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# More warnings than this are summarised: an operator reads them, a log should not drown.
MAX_WARNINGS = 50


# Why a feed failed, as a category people can be told about in their language (the i18n key is
# `feeds.error.<kind>`); the English message stays the operator's detail.
ERROR_KINDS: frozenset[str] = frozenset({
    "not_found",       # HTTP 404/410, or a configured file that does not exist
    "forbidden",       # HTTP 401/403: the calendar is not public
    "refused",         # another 4xx, or an API that turns the request down
    "server_error",    # 5xx, 429, a redirect loop: the site's problem, retried
    "timeout",         # no complete answer in time, retried
    "unreachable",     # DNS failure, connection refused, TLS error
    "too_big",         # over the size cap
    "empty",           # an empty body
    "not_ics",         # a web page, JSON, or anything without BEGIN:VCALENDAR
    "truncated",       # the calendar stops before END:VCALENDAR
    "invalid",         # a calendar (or API page) whose content cannot be read
    "private",         # the address is not public (SSRF guard)
    "bad_address",     # a scheme or form of address that cannot be fetched from where it was given
    "config",          # a configured local file that cannot be read (a setting to fix)
    "openagenda_key",  # the OpenAgenda key is not in the environment
    "internal",        # a bug on our side
})


class FeedError(Exception):
    """A feed could not be fetched or read at all.

    `str(error)` is a short English sentence for an operator (no traceback, no secret URL);
    `kind` (one of ERROR_KINDS) is what people are told, in their language. The sync records both
    on the source and keeps the feed's last good events.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown FeedError kind {kind!r}")
        super().__init__(message)
        self.kind = kind

    def __reduce__(self) -> tuple:
        # Parsing runs in worker processes: the default pickling rebuilds an exception from `args`
        # alone, which would lose `kind` (and fail, as it is a required keyword).
        return _rebuild_error, (str(self), self.kind)


def _rebuild_error(message: str, kind: str) -> FeedError:
    return FeedError(message, kind=kind)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOccurrence:
    """One dated occurrence of an event read from a feed.

    `start`/`end` are timezone-aware UTC datetimes. `recurrence_id` is the ISO form of the
    occurrence's *original* start (UTC datetime, or a plain date for all-day series), "" for a
    single event; with `source_uid` it is the stable upsert key. `timezone` is the IANA zone the
    event was written in (None for UTC or floating times). `fingerprint` hashes the content
    fields, so a re-sync can skip rows whose fingerprint did not change.
    """

    source_uid: str
    recurrence_id: str
    title: str
    start: datetime
    end: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    timezone: str | None = None
    all_day: bool = False
    status: OccurrenceStatus = "confirmed"
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    fingerprint: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise ValueError(f"FeedOccurrence.{name} must be an aware UTC datetime, got {value!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        object.__setattr__(self, "fingerprint", self._content_hash())

    def __reduce__(self) -> tuple:
        # Results come back from the parsing processes pickled: the dataclass's own state protocol
        # looks up its fields for every object; this ships values only, fingerprint included.
        return _restore, tuple(getattr(self, name) for name in _FIELDS)

    @property
    def key(self) -> tuple[str, str]:
        """The upsert key within one source."""
        return (self.source_uid, self.recurrence_id)

    def _content_hash(self) -> str:
        # `updated` is left out on purpose: a feed that bumps LAST-MODIFIED without changing
        # anything visible must not cause a rewrite.
        content = [
            self.title,
            self.description,
            self.location,
            self.url,
            self.start.isoformat(),
            self.end.isoformat(),
            self.timezone,
            self.all_day,
            self.status,
            list(self.categories),
            self.latitude,
            self.longitude,
        ]
        encoded = _ENCODER.encode(content).encode()
        return hashlib.blake2b(encoded, digest_size=16).hexdigest()


_FIELDS = tuple(f.name for f in fields(FeedOccurrence))
_SETTERS = tuple(getattr(FeedOccurrence, name).__set__ for name in _FIELDS)  # slot descriptors


def _restore(*values: object) -> FeedOccurrence:
    occurrence = object.__new__(FeedOccurrence)
    for setter, value in zip(_SETTERS, values):
        setter(occurrence, value)
    return occurrence


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one feed yielded.

    `window_start`/`window_end` bound the occurrences that were looked for (None when the source
    decides itself, as OpenAgenda's incremental reads do): an occurrence missing from the result
    may only be treated as removed inside that window, and only when `truncated` is False.
    """

    occurrences: tuple[FeedOccurrence, ...]
    warnings: tuple[str, ...] = ()
    window_start: datetime | None = None
    window_end: datetime | None = None
    truncated: bool = False
    calendar_name: str | None = None


class Warnings:
    """Collects operator-facing warnings, keeping the first MAX_WARNINGS and counting the rest."""

    def __init__(self, limit: int = MAX_WARNINGS) -> None:
        self._items: list[str] = []
        self._seen: set[str] = set()
        self._dropped = 0
        self._limit = limit

    def add(self, message: str) -> None:
        if message in self._seen:
            return
        if len(self._items) >= self._limit:
            self._dropped += 1
            return
        self._seen.add(message)
        self._items.append(message)

    def __len__(self) -> int:
        return len(self._items) + self._dropped

    def as_tuple(self) -> tuple[str, ...]:
        if self._dropped:
            return (*self._items, f"... and {self._dropped} more warnings")
        return tuple(self._items)
