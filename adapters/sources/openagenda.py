"""OpenAgenda API v2: read an agenda's events into `FeedOccurrence`s, one per timing.

`GET https://api.openagenda.com/v2/agendas/{uid}/events` with the public key in the `key`
header, `detailed=1` (so `timings`, `updatedAt`, `timezone` and `state` are present), cursor
paging with `after`, and `updatedAt[gte]` for incremental reads.

Status codes (OpenAgenda "status"): 1 scheduled, 2 rescheduled, 3 moved online, 4 postponed,
5 full, 6 cancelled. "state" -1 means refused by the agenda's moderators.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from adapters.sources.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, get_bytes
from adapters.sources.model import FeedError, FeedOccurrence, OccurrenceStatus, ParseResult, Warnings

log = logging.getLogger(__name__)

API_ROOT = "https://api.openagenda.com/v2"
PAGE_SIZE = 100  # the API allows up to 300; 100 keeps each answer well under the size cap
MAX_PAGES = 100
LANGUAGES = ("fr", "en")  # preferred order for multilingual fields, then any other
_STATUS: dict[int, OccurrenceStatus] = {4: "tentative", 6: "cancelled"}
UTC = timezone.utc


def parse_openagenda_page(
    json_bytes: bytes,
    *,
    window: tuple[datetime, datetime] | None = None,
) -> tuple[list[FeedOccurrence], Any, list[str]]:
    """Map one page of `/v2/agendas/{uid}/events` to occurrences.

    Returns (occurrences, the `after` cursor for the next page or None, warnings). With `window`
    (aware start, end), timings outside it are dropped.

    Raises:
        FeedError: the body is not JSON, or not an events page (an API error message included).
    """
    page = _load_page(json_bytes)
    occurrences, warnings = _page_occurrences(page, window)
    return occurrences, page.get("after"), warnings


def _load_page(json_bytes: bytes) -> dict[str, Any]:
    try:
        page = json.loads(json_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"OpenAgenda answered with invalid JSON ({exc})", kind="invalid") from None
    if not isinstance(page, dict):
        raise FeedError("OpenAgenda answered with something other than an events page", kind="invalid")
    if page.get("success") is False or not isinstance(page.get("events"), list):
        message = page.get("message") or page.get("error") or "no events list"
        raise FeedError(f"OpenAgenda refused the request: {message}", kind="refused")
    return page


def _page_occurrences(
    page: dict[str, Any], window: tuple[datetime, datetime] | None
) -> tuple[list[FeedOccurrence], list[str]]:
    notes = Warnings()
    occurrences: list[FeedOccurrence] = []
    for event in page["events"]:
        if not isinstance(event, dict):
            notes.add("an entry of the events list is not an object; skipped")
            continue
        try:
            occurrences.extend(_event_occurrences(event, window, notes))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            notes.add(f"OpenAgenda event {event.get('uid')!r} could not be read and was skipped: {exc}")
    return occurrences, list(notes.as_tuple())


async def fetch_openagenda(
    client: httpx.AsyncClient,
    uid: str | int,
    key: str,
    updated_since: datetime | None = None,
    *,
    now: datetime | None = None,
    horizon_days: int = 90,
    size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> ParseResult:
    """Read every page of an agenda's events whose timings meet [now - 1 day, now + horizon].

    With `updated_since`, only events changed since then come back (`updatedAt[gte]`): the
    result then says nothing about events that were removed, so its window is None and the sync
    must not cancel what is missing. A full read (updated_since=None) carries the window.

    Raises:
        FeedError: HTTP failure, timeout, invalid JSON or an API error.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    window = (now - timedelta(days=1), now + timedelta(days=horizon_days))
    url = f"{API_ROOT}/agendas/{uid}/events"
    base: list[tuple[str, str]] = [
        ("detailed", "1"),
        ("size", str(size)),
        ("timings[gte]", _iso(window[0])),
        ("timings[lte]", _iso(window[1])),
    ]
    if updated_since is not None:
        base.append(("updatedAt[gte]", _iso(updated_since)))
    occurrences: dict[tuple[str, str], FeedOccurrence] = {}
    notes = Warnings()
    cursor: Any = None
    seen_cursors: list[Any] = []
    events_read = 0
    for _ in range(max_pages):
        params = base + _cursor_params(cursor)
        _, _, body = await get_bytes(
            client, url, params=params, headers={"key": key, "Accept": "application/json"},
            max_bytes=max_bytes, timeout=timeout,
        )  # fmt: skip
        page = _load_page(body)
        page_occurrences, page_warnings = _page_occurrences(page, window)
        for warning in page_warnings:
            notes.add(warning)
        for occurrence in page_occurrences:
            occurrences.setdefault(occurrence.key, occurrence)
        cursor, total = page.get("after"), page.get("total")
        page_events = len(page["events"])
        events_read += page_events
        # Stop on: empty page, no cursor, a cursor seen before, or everything announced read.
        if not page_events or cursor is None or cursor in seen_cursors:
            break
        if isinstance(total, int) and events_read >= total:
            break
        seen_cursors.append(cursor)
    else:
        notes.add(f"stopped after {max_pages} pages of {size} events; the rest was not read")
    ordered = sorted(occurrences.values(), key=lambda o: (o.start, o.source_uid, o.recurrence_id))
    incremental = updated_since is not None
    return ParseResult(
        occurrences=tuple(ordered),
        warnings=notes.as_tuple(),
        window_start=None if incremental else window[0],
        window_end=None if incremental else window[1],
        truncated=False,
    )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _cursor_params(cursor: Any) -> list[tuple[str, str]]:
    if cursor is None:
        return []
    if isinstance(cursor, list):  # the API's search-after cursor is an array of sort values
        return [("after[]", str(value)) for value in cursor]
    return [("after", str(cursor))]


def pick_language(value: Any, languages: tuple[str, ...] = LANGUAGES) -> Any:
    """A multilingual field's value in the first available preferred language, else any."""
    if not isinstance(value, Mapping):
        return value
    for language in languages:
        if value.get(language):
            return value[language]
    return next((item for item in value.values() if item), None)


def _event_occurrences(
    event: dict[str, Any], window: tuple[datetime, datetime] | None, notes: Warnings
) -> list[FeedOccurrence]:
    uid = str(event["uid"])
    timings = event.get("timings")
    if not timings:
        # Without detailed=1 only the next/last timings are given; better them than nothing.
        timings = [t for t in (event.get(k) for k in ("firstTiming", "nextTiming", "lastTiming")) if t]
        if not timings:
            notes.add(f"OpenAgenda event {uid!r} has no timings; skipped")
            return []
        notes.add(f"OpenAgenda event {uid!r} lists no timings (was detailed=1 sent?); used next/last timing")
    zone = _zone(event.get("timezone"))
    status: OccurrenceStatus = _STATUS.get(event.get("status"), "confirmed")  # type: ignore[arg-type]
    if event.get("state") == -1:
        status = "cancelled"
    location = event.get("location") if isinstance(event.get("location"), dict) else {}
    where = ", ".join(str(part) for part in (location.get("name"), location.get("address")) if part)
    keywords = pick_language(event.get("keywords"))
    origin = event.get("originAgenda") if isinstance(event.get("originAgenda"), dict) else {}
    url = (
        f"https://openagenda.com/agendas/{origin['uid']}/events/{event['slug']}"
        if origin.get("uid") and event.get("slug")
        else event.get("onlineAccessLink") or ""
    )
    updated = _datetime(event["updatedAt"]) if event.get("updatedAt") else None
    result: list[FeedOccurrence] = []
    seen: set[str] = set()
    for timing in timings:
        start = _datetime(timing["begin"])
        end = _datetime(timing["end"]) if timing.get("end") else start + timedelta(hours=1)
        if window and not (end > window[0] and start < window[1]):
            continue
        rid = start.isoformat()
        if rid in seen:
            continue
        seen.add(rid)
        result.append(
            FeedOccurrence(
                source_uid=uid,
                recurrence_id=rid,
                title=str(pick_language(event.get("title")) or "").strip(),
                description=str(pick_language(event.get("description")) or "").strip(),
                location=where,
                url=url,
                start=start,
                end=max(end, start),
                timezone=zone,
                status=status,
                updated=updated,
                categories=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
                latitude=_float(location.get("latitude")),
                longitude=_float(location.get("longitude")),
            )
        )
    return result


def _datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without offset: {value!r}")
    return parsed.astimezone(UTC)


def _zone(name: Any) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
