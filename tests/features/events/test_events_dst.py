"""Daylight saving time in Europe/Paris: stored in UTC, shown in wall-clock time, reminded on time."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.events.render import format_when
from bot.types import Button
from events_helpers import make_event, people  # noqa: F401 (fixture)
from jobs import events_reminders
from storage.models.events import Event

BEFORE_SPRING = datetime(2027, 3, 20, 9, 0, tzinfo=timezone.utc)  # clocks go forward on 28 March 2027


async def _create(host, when: str, end: str) -> None:
    await host.send("/evenement")
    await host.send("Atelier")
    await host.send(when)
    await host.send(end)
    await host.press("Terminé")
    await host.press("Pas de description")
    await host.press("Pas de lien")
    await host.press("Pas de limite")
    await host.press("Terminé")
    await host.press("Publier")


async def test_the_same_wall_time_on_both_sides_of_the_spring_change(app, people, clock):
    clock.set(BEFORE_SPRING)
    host = await people.member("10", "Ana", host_of=("hangar",))
    await _create(host, "27/03 18h30", "20h")
    await _create(host, "29/03 18h30", "20h")
    await _create(host, "28/03 1h", "3 heures")  # a night across the change: three real hours
    async with app.db.session() as session:
        events = list((await session.execute(select(Event).order_by(Event.id))).scalars())
    assert [e.starts_at.hour for e in events] == [17, 16, 0]  # UTC+1, then UTC+2, then 01:00 CET
    night = events[2]
    assert (night.ends_at - night.starts_at).total_seconds() == 3 * 3600
    agenda = (await host.send("/programme"))[0].text
    assert "sam. 27 mars 18h30–20h" in agenda and "lun. 29 mars 18h30–20h" in agenda
    assert "dim. 28 mars 1h–5h" in agenda  # 05:00 summer time is three hours after 01:00 winter time


async def test_autumn_repeated_hour_is_its_first_occurrence(app, people, clock):
    clock.set(datetime(2027, 10, 20, 9, 0, tzinfo=timezone.utc))
    host = await people.member("10", "Ana", host_of=("hangar",))
    await _create(host, "31/10 2h30", "1h")
    async with app.db.session() as session:
        event = (await session.execute(select(Event))).scalar_one()
    assert event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=timezone.utc)  # 02:30 summer time
    assert format_when(event.ends_at, "Europe/Paris", "fr") == "dim. 31 oct. 2h30"  # the second 02:30
    assert format_when(event.starts_at, "America/Montreal", "en") == "Sat 30 Oct, 8:30 pm"


async def test_the_day_before_reminder_counts_real_hours_across_the_change(app, people, clock):
    clock.set(BEFORE_SPRING)
    monday = datetime(2027, 3, 29, 16, 30, tzinfo=timezone.utc)  # 18:30 summer time
    event_id = await make_event(app, "Lundi", monday)
    ana = await people.member("1", "Ana")
    await ana.press(Button("x", "rsvp", f"{event_id}:y"))
    clock.set(datetime(2027, 3, 28, 16, 0, tzinfo=timezone.utc))  # 24.5 hours before
    await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert ana.inbox() == []
    clock.set(datetime(2027, 3, 28, 16, 35, tzinfo=timezone.utc))
    await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [reminder] = ana.inbox()
    assert "lun. 29 mars 18h30" in reminder.text


def test_dates_in_another_year_show_the_year():
    now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    assert format_when(datetime(2027, 1, 5, 17, 0, tzinfo=timezone.utc), "Europe/Paris", "fr", now) == \
        "mar. 5 janv. 2027 18h"
    assert format_when(datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc), "Europe/Paris", "fr", now) == \
        "jeu. 3 déc. 18h30"
