"""ICS over HTTP and on disk: VTIMEZONE present, stable UIDs, cancelled events, private member URLs."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from icalendar import Calendar
from sqlalchemy import select

from adapters.web import build_asgi
from bot.events.announce import cancel_event
from bot.feeds.calendar_tokens import member_calendar_url
from bot.feeds.export import event_uid
from storage.models.events import Event, Rsvp
from storage.models.members import Identity, Member
from testkit import add_source, sync

D = datetime(2026, 11, 27, 18, 30)


def ics(uid: str, title: str, start: datetime) -> str:
    end = start + timedelta(hours=2)
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\n"
            f"DTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n")


async def seed(app, tmp_path) -> list[Event]:
    path = tmp_path / "a.ics"
    path.write_bytes(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + ics("a1", "Repair café", D)
                      + ics("a2", "Soirée jeux", D + timedelta(days=30)) + ics("a3", "Marché", datetime(2027, 1, 8, 9))
                      + "END:VCALENDAR\r\n").encode())
    await sync(app, await add_source(app, "hangar", str(path)))
    async with app.db.session() as session:
        return list((await session.execute(select(Event).order_by(Event.starts_at))).scalars())


async def get(app, path: str, **headers) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://maillage.test") as client:
        return await client.get(path, headers=headers)


async def test_network_and_venue_calendars_are_valid_and_stable(app, tmp_path):
    events = await seed(app, tmp_path)
    first = await get(app, "/calendar/network.ics")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(first.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    vevents = calendar.walk("VEVENT")
    assert [str(v["UID"]) for v in vevents] == [event_uid(e) for e in events]
    assert vevents[0].decoded("DTSTART").isoformat() == "2026-11-27T18:30:00+01:00"
    again = await get(app, "/calendar/network.ics")
    assert again.content == first.content  # nothing changed: byte-identical, same ETag
    assert (await get(app, "/calendar/network.ics", **{"If-None-Match": first.headers["etag"]})).status_code == 304
    async with app.db.session() as session:
        event = await session.get(Event, events[0].id)
        await cancel_event(session, app.config, event, app.clock.now())
    cancelled = Calendar.from_ical((await get(app, "/calendar/network.ics")).content).walk("VEVENT")[0]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    assert str(cancelled["UID"]) == event_uid(events[0])
    venue = Calendar.from_ical((await get(app, "/calendar/venue/hangar.ics")).content)
    assert len(venue.walk("VEVENT")) == 3
    assert len(Calendar.from_ical((await get(app, "/calendar/venue/moulin.ics")).content).walk("VEVENT")) == 0
    assert (await get(app, "/calendar/venue/nowhere.ics")).status_code == 404


async def test_a_member_calendar_is_private_and_lists_their_events(app, tmp_path):
    events = await seed(app, tmp_path)
    async with app.db.session() as session:
        member = Member(display_name="Ana")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id="ana"))
        session.add(Rsvp(event_id=events[1].id, member_id=member.id, status="going"))
        url = await member_calendar_url(session, app.config, member)
        assert url == await member_calendar_url(session, app.config, member)  # one token per member
    token_path = "/" + url.split("/", 3)[3]
    calendar = Calendar.from_ical((await get(app, token_path)).content)
    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == ["Soirée jeux"]
    assert (await get(app, "/calendar/member/not-a-token.ics")).status_code == 404
    assert len(token_path.rsplit("/", 1)[1].removesuffix(".ics")) >= 32


async def test_the_cli_export_writes_the_same_files(app, tmp_path):
    from bot.cli.events import export_files, programme_rows

    await seed(app, tmp_path)
    written = await export_files(app.config, tmp_path / "out", app.clock.now())
    network = (tmp_path / "out" / "network.ics").read_bytes()
    assert network == (await get(app, "/calendar/network.ics")).content
    assert (tmp_path / "out" / "venue" / "hangar.ics") in written
    rows = await programme_rows(app.config, "hangar", None, None, app.clock.now())
    assert [r["title"] for r in rows] == ["Repair café", "Soirée jeux", "Marché"]
    assert rows[0]["start"] == "2026-11-27T18:30:00+01:00" and rows[0]["venues"] == ["hangar"]
