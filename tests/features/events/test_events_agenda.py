"""/agenda: the network programme, paginated, with filters, in the reader's language and time zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.geo import haversine_km
from bot.types import Button
from events_helpers import make_event, people  # noqa: F401 (fixture)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)  # Wednesday, 10:00 in Paris


async def test_agenda_lists_upcoming_events_with_period_venue_tag_and_near_filters(app, memory, people):
    await make_event(app, "Café du matin", NOW + timedelta(hours=3), venues=("hangar",), audience=("everyone",))
    await make_event(app, "Soudure", NOW + timedelta(days=1, hours=8), venues=("fabrique",), audience=("students",))
    await make_event(app, "Jam session", NOW + timedelta(days=10), venues=("moulin", "hangar"))
    await make_event(app, "Passé", NOW - timedelta(days=1), venues=("hangar",))
    ana = await people.member("1", "Ana", home="hangar")

    everything = (await ana.send("/programme"))[0]
    assert everything.title == "Programme de Réseau Test (1/1)"
    assert "Café du matin" in everything.text and "Soudure" in everything.text and "Jam session" in everything.text
    assert "Passé" not in everything.text
    assert "mer. 25 nov. 13h–15h — Café du matin" in everything.text  # Paris time, French format
    assert "Le Moulin, Le Hangar" in everything.text

    today = (await ana.press("Aujourd'hui"))[0]
    assert today.edit and "Café du matin" in today.text and "Soudure" not in today.text
    week = (await ana.press("Semaine"))[0]
    assert "Soudure" in week.text and "Jam session" not in week.text
    assert "Quel lieu" in (await ana.press("Lieu"))[0].text
    fabrique = (await ana.press("La Fabrique"))[0]
    assert "Soudure" in fabrique.text and "Café" not in fabrique.text
    assert (await ana.send("/agenda moulin"))[0].text.count("Jam session") == 1
    students = (await ana.send("/events students"))[0]
    assert "Soudure" in students.text and "Café" not in students.text

    near = (await ana.send("/agenda near"))[0]
    # From Nantes, La Fabrique (Saint-Nazaire, ~50 km) is out of the 30 km radius; Le Moulin has no coordinates.
    assert "Café du matin" in near.text and "0 km" in near.text and "Soudure" not in near.text
    homeless = await people.member("2", "Bob", home=None)
    assert "lieu d'attache" in (await homeless.send("/agenda near"))[0].text


async def test_agenda_pages_and_shows_english_with_rsvp_from_the_detail(app, people):
    for day in range(7):
        await make_event(app, f"Event {day}", NOW + timedelta(days=day, hours=2))
    bob = await people.member("2", "Bob", locale="en")
    first = (await bob.send("/agenda"))[0]
    assert first.title == "Réseau Test programme (1/2)" and "Event 4" in first.text and "Event 5" not in first.text
    assert "Wed 25 Nov, 12 pm–2 pm" in first.text
    second = (await bob.press("▶"))[0]
    assert "Event 5" in second.text and "Event 6" in second.text and "(2/2)" in second.title
    detail = (await bob.press("6. Event 5"))[0]
    assert detail.title == "Event 5" and [b.label for b in detail.all_buttons()] == ["I'm going", "Not going"]
    assert "Noted" in (await bob.press("I'm going"))[0].text


async def test_forged_agenda_payloads_fall_back_to_defaults(app, people):
    ana = await people.member("1", "Ana")
    for payload in ("", "x,y", "z,abc,<script>,9,-1", "a,,,0,99999999999"):
        replies = await ana.press(Button("x", "ag", payload))
        assert replies and "Programme" in replies[0].title


def test_haversine_matches_a_known_distance():
    # Nantes to Saint-Nazaire: about 50 km as the crow flies.
    assert 48 < haversine_km(47.2065, -1.5632, 47.2735, -2.2138) < 52
    assert haversine_km(47.0, -1.0, 47.0, -1.0) == 0


async def test_programme_filters_work_on_both_databases(any_app):
    from bot.events.queries import ProgrammeFilter, programme, programme_count

    await make_event(any_app, "Students", NOW + timedelta(hours=3), audience=("students", "job_seekers"),
                     announce=False)
    await make_event(any_app, "Everyone", NOW + timedelta(days=2), venues=("fabrique", "hangar"), announce=False)
    async with any_app.db.session() as session:
        from sqlalchemy import select

        from storage.models import Venue

        fabrique = (await session.execute(select(Venue.id).where(Venue.slug == "fabrique"))).scalar_one()
        titles = [e.title for e in await programme(session, ProgrammeFilter(start=NOW, tag="job_seekers"))]
        assert titles == ["Students"]
        assert await programme_count(session, ProgrammeFilter(start=NOW, tag="seekers")) == 0
        venue = ProgrammeFilter(start=NOW, venue_ids=frozenset({fabrique}))
        assert [e.title for e in await programme(session, venue)] == ["Everyone"]
        assert await programme_count(session, ProgrammeFilter(start=NOW, end=NOW + timedelta(days=1))) == 1


async def test_agenda_understands_tomorrow_a_weekday_and_the_weekend_in_both_languages(app, people):
    # NOW is Wednesday 25 November, 10:00 in Paris.
    await make_event(app, "Café du matin", NOW + timedelta(hours=3))  # today
    await make_event(app, "Soudure", NOW + timedelta(days=1, hours=8))  # Thursday
    await make_event(app, "Apéro", NOW + timedelta(days=2, hours=9))  # Friday 19:00
    await make_event(app, "Jam session", NOW + timedelta(days=3, hours=1))  # Saturday
    await make_event(app, "Vendredi suivant", NOW + timedelta(days=9, hours=9))  # the Friday after
    ana = await people.member("1", "Ana")
    bob = await people.member("2", "Bob", locale="en")

    tomorrow = (await ana.send("/programme demain"))[0]
    assert "Soudure" in tomorrow.text and "Café" not in tomorrow.text and "Apéro" not in tomorrow.text
    assert tomorrow.text.startswith("Demain, jeu. 26 nov. :")
    assert "Soudure" in (await bob.send("/agenda tomorrow"))[0].text

    friday = (await ana.send("/programme vendredi"))[0]
    assert "Apéro" in friday.text and "Vendredi suivant" not in friday.text and "Soudure" not in friday.text
    assert friday.text.startswith("Le ven. 27 nov. :")
    english = (await bob.send("/agenda friday"))[0]
    assert "Apéro" in english.text and english.text.startswith("On Fri 27 Nov:")

    today = (await ana.send("/programme mercredi"))[0]  # today's weekday: today, from now on
    assert "Café du matin" in today.text and "Soudure" not in today.text
    weekend = (await ana.send("/programme ce week-end"))[0]
    assert "Jam session" in weekend.text and "Apéro" not in weekend.text
    assert "aujourd'hui|demain|vendredi" in (await ana.send("/aide"))[0].text
