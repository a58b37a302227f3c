"""An event being written or edited in the /event conversation, kept as JSON in the flow's state.

The draft is plain data (ISO strings, ids) so it survives a restart in `ConversationState.data`.
`to_event` writes it onto an `Event` row; `from_event` loads a published event for editing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from storage.models.events import Event

FLOW = "event"


@dataclass
class Draft:
    title: str = ""
    start: str | None = None  # ISO 8601, UTC
    end: str | None = None
    all_day: bool = False
    zone: str = "Europe/Paris"  # the main venue's time zone; wall times are read in it
    venues: list[int] = field(default_factory=list)  # main venue first
    description: str = ""
    url: str | None = None
    capacity: int | None = None
    audience: list[str] = field(default_factory=list)
    event_id: int | None = None  # set when editing a published event
    editing: bool = False  # a single field is being changed: go back to the preview after it
    duplicate_of: int | None = None  # the published event this new one seems to repeat (step "duplicate")

    @classmethod
    def load(cls, data: dict[str, Any]) -> "Draft":
        known = {k: v for k, v in (data.get("draft") or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def dump(self) -> dict[str, Any]:
        return {"draft": asdict(self)}

    @property
    def starts_at(self) -> datetime | None:
        return datetime.fromisoformat(self.start) if self.start else None

    @property
    def ends_at(self) -> datetime | None:
        return datetime.fromisoformat(self.end) if self.end else None

    def set_times(self, start: datetime, end: datetime | None, all_day: bool = False) -> None:
        self.start = start.astimezone(ZoneInfo("UTC")).isoformat()
        self.end = end.astimezone(ZoneInfo("UTC")).isoformat() if end else None
        self.all_day = all_day

    def relocate(self, zone: str) -> None:
        """The main venue changed time zone: keep the wall-clock times the host typed."""
        if zone == self.zone or self.start is None:
            self.zone = zone
            return
        old, new = ZoneInfo(self.zone), ZoneInfo(zone)

        def move(value: str | None) -> str | None:
            if value is None:
                return None
            wall = datetime.fromisoformat(value).astimezone(old).replace(tzinfo=None)
            return wall.replace(tzinfo=new).astimezone(ZoneInfo("UTC")).isoformat()

        self.start, self.end, self.zone = move(self.start), move(self.end), zone

    def as_event(self) -> Event:
        """A transient Event for rendering the preview (never added to a session)."""
        start = self.starts_at
        assert start is not None
        end = self.ends_at or start + timedelta(hours=2)
        return Event(id=self.event_id or 0, title=self.title, description=self.description, url=self.url,
                     location="", starts_at=start, ends_at=end, timezone=self.zone, all_day=self.all_day,
                     capacity=self.capacity, going_count=0, status="draft", audience=list(self.audience))

    def to_event(self, event: Event) -> None:
        event.title = self.title
        event.description = self.description
        event.url = self.url
        event.starts_at = self.starts_at
        event.ends_at = self.ends_at
        event.all_day = self.all_day
        event.timezone = self.zone
        event.capacity = self.capacity
        event.audience = list(self.audience)

    @classmethod
    def from_event(cls, event: Event, venue_ids: list[int]) -> "Draft":
        draft = cls(title=event.title, all_day=event.all_day, zone=event.timezone, venues=list(venue_ids),
                    description=event.description, url=event.url, capacity=event.capacity,
                    audience=list(event.audience or []), event_id=event.id)
        draft.set_times(event.starts_at, event.ends_at, event.all_day)
        return draft
