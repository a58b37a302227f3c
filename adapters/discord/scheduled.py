"""A Maillage event as the body of a Discord guild scheduled event; pure, no I/O.

Discord's rules for an external scheduled event: a name of 1-100 characters, a description of at
most 1000, a location of 1-100 (`entity_metadata.location`), an end time, no channel. The mirror is
`guild_only` (only the server's members see it). The description ends with the event's link and a
line pointing to the bot, because RSVPs stay in Maillage (Discord's "Interested" is not a sign-up).

`payload_digest` fingerprints exactly what is sent, so the mirror edits a scheduled event only when
something it shows changed (a title or description edit does not bump the event's sequence).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.events.mirror import MirroredEvent

EXTERNAL = 3  # GuildScheduledEventEntityType.EXTERNAL
GUILD_ONLY = 2  # GuildScheduledEventPrivacyLevel.GUILD_ONLY
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4  # GuildScheduledEventStatus
MAX_NAME = 100
MAX_DESCRIPTION = 1000
MAX_LOCATION = 100


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def description(record: MirroredEvent, footer: str) -> str:
    """The event's description, shortened if needed so that its link and the footer always fit."""
    tail = "\n".join(part for part in (record.url, footer) if part)
    room = MAX_DESCRIPTION - len(tail) - 2
    body = _cut(record.description, room) if room > 0 else ""
    return _cut(f"{body}\n\n{tail}" if body else tail, MAX_DESCRIPTION)


def event_payload(record: MirroredEvent, *, footer: str, fallback_location: str) -> dict[str, Any]:
    """The JSON body creating (or editing into) the scheduled event that shows `record`."""
    return {
        "name": _cut(record.title, MAX_NAME) or "…",
        "description": description(record, footer),
        "scheduled_start_time": _time(record.starts_at),
        "scheduled_end_time": _time(end_of(record)),
        "entity_type": EXTERNAL,
        "privacy_level": GUILD_ONLY,
        "entity_metadata": {"location": _cut(record.location, MAX_LOCATION) or _cut(fallback_location, MAX_LOCATION)
                            or "…"},
    }


def end_of(record: MirroredEvent) -> datetime:
    """Discord wants an external event to end after it starts: an event without length gets an hour."""
    return record.ends_at if record.ends_at > record.starts_at else record.starts_at + timedelta(hours=1)


def payload_digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def same_start(data: dict[str, Any], payload: dict[str, Any]) -> bool:
    """Whether a scheduled event from Discord starts when `payload` does (formats may differ)."""
    try:
        return (datetime.fromisoformat(str(data.get("scheduled_start_time")))
                == datetime.fromisoformat(payload["scheduled_start_time"]))
    except ValueError:
        return False
