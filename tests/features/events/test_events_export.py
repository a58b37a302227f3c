"""The programme as iCalendar: readable categories, waiting-list places marked, stable bytes."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar

from bot.feeds.export import calendar_bytes, member_calendar_bytes, network_events
from events_helpers import make_event, people  # noqa: F401 (fixture)
from storage.models import Member
from storage.models.events import Rsvp

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
REPO = Path(__file__).resolve().parents[3]

# Two exports in processes with different hash seeds must be the same bytes (cheap ETags).
SCRIPT = """
import sys
from datetime import datetime, timezone
from types import SimpleNamespace as Row
from bot.feeds.export import build_calendar
at = datetime(2026, 12, 1, 18, tzinfo=timezone.utc)
events = [Row(id=i, title=f"E{i}", timezone=zone, all_day=False, starts_at=at, ends_at=at, updated_at=at,
              created_at=at, sequence=0, status="published", location=None, description=None, url=None,
              audience=["students", "everyone"])
          for i, zone in enumerate(["Europe/Paris", "America/Cayenne", "Indian/Reunion", "Pacific/Noumea",
                                    "America/Martinique", "Asia/Tokyo"])]
sys.stdout.buffer.write(build_calendar(events, {}, "Réseau", "Europe/Paris").to_ical())
"""


def _export(seed: str) -> bytes:
    return subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env={"PYTHONHASHSEED": seed, "PATH": ""},
                          capture_output=True, check=True, timeout=120).stdout


def test_an_export_with_several_time_zones_is_byte_identical_whatever_the_hash_seed():
    outputs = {_export(seed) for seed in ("1", "2", "3", "4")}
    assert len(outputs) == 1
    calendar = Calendar.from_ical(outputs.pop())
    zones = [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")]
    assert zones == sorted(zones) and len(zones) == 6


async def test_categories_are_readable_labels_in_the_network_language(app, people):
    await make_event(app, "Atelier", NOW + timedelta(days=1), audience=("students", "everyone"))
    async with app.db.session() as session:
        body = await calendar_bytes(session, await network_events(session, NOW), "Réseau", "Europe/Paris")
        english = await calendar_bytes(session, await network_events(session, NOW), "Network", "Europe/Paris",
                                       locale="en")
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert "students" not in body.decode() and "everyone" not in body.decode()
    assert "tout public" in body.decode().lower()
    (english_event,) = Calendar.from_ical(english).walk("VEVENT")
    assert "students" in english.decode() and "tout public" not in english.decode().lower()
    del english_event
    assert event.get("status") == "CONFIRMED"


async def test_a_waiting_list_place_is_tentative_and_says_so_in_my_calendar(app, people):
    going_id = await make_event(app, "Repair café", NOW + timedelta(days=1), capacity=1)
    ana = await people.member("1", "Ana")
    bob = await people.member("2", "Bob")
    async with app.db.session() as session:
        members = {m.display_name: m.id for m in (await session.execute(Member.__table__.select())).all()}
        session.add(Rsvp(event_id=going_id, member_id=members["Ana"], status="going"))
        session.add(Rsvp(event_id=going_id, member_id=members["Bob"], status="waitlist"))
    async with app.db.session() as session:
        mine = Calendar.from_ical(await member_calendar_bytes(session, members["Ana"], NOW, "Réseau", "Europe/Paris"))
        waiting = Calendar.from_ical(await member_calendar_bytes(session, members["Bob"], NOW, "Réseau",
                                                                 "Europe/Paris"))
    (going,) = mine.walk("VEVENT")
    (waits,) = waiting.walk("VEVENT")
    assert going.get("status") == "CONFIRMED" and str(going.get("summary")) == "Repair café"
    assert waits.get("status") == "TENTATIVE" and str(waits.get("summary")) == "Repair café (tu es sur liste d'attente)"
    del ana, bob
