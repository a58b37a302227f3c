"""Issue 17: a venue's opening hours reach the database from the config, the CSV import and the
host's card edit (on SQLite and PostgreSQL), always in OSM form; a bad value writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import VenueConfig
from bot.imports.venues import apply, read_rows, validate
from storage.db import Database
from storage.models import Role, Venue
from storage.venues import upsert_venue


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    yield database
    await database.dispose()


async def hours_of(db, slug: str) -> str | None:
    async with db.session() as session:
        return (await session.execute(select(Venue.hours).where(Venue.slug == slug))).scalar_one()


async def test_the_config_writes_then_updates_the_hours_and_leaving_them_out_keeps_a_hosts(db):
    venue = VenueConfig(slug="la-fabrique", name="La Fabrique", kind="fablab", hours="lu-ve 9h-18h")
    async with db.session() as session:
        await upsert_venue(session, venue, "Europe/Paris")
    assert await hours_of(db, "la-fabrique") == "Mo-Fr 09:00-18:00"
    async with db.session() as session:
        await upsert_venue(session, VenueConfig(slug="la-fabrique", name="La Fabrique", kind="fablab",
                                                hours="Mo-Fr 09:00-18:00; Sa 10:00-13:00"), "Europe/Paris")
    assert await hours_of(db, "la-fabrique") == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"
    async with db.session() as session:  # a host changed them; the config says nothing about hours
        row = (await session.execute(select(Venue).where(Venue.slug == "la-fabrique"))).scalar_one()
        row.hours = "off"
    async with db.session() as session:
        await upsert_venue(session, VenueConfig(slug="la-fabrique", name="La Fabrique", kind="fablab"), "Europe/Paris")
    assert await hours_of(db, "la-fabrique") == "off"


async def test_the_csv_import_reads_an_hours_column(db, tmp_path):
    path = tmp_path / "venues.csv"
    path.write_text("slug,name,kind,hours\n"
                    "le-quai,Le Quai,coworking,\"lu-ve 9h-18h, sa 10h-13h\"\n"
                    "la-cale,La Cale,fablab,fermé\n"
                    "le-four,Le Four,tiers-lieu,\n", encoding="utf-8")
    rows, problems = read_rows(path)
    venues, problems = validate(rows)
    assert problems == []
    async with db.session() as session:
        assert await apply(session, venues, "Europe/Paris", dry_run=False) == (3, 0)
    assert [await hours_of(db, s) for s in ("le-quai", "la-cale", "le-four")] == [
        "Mo-Fr 09:00-18:00; Sa 10:00-13:00", "off", None]
    path.write_text("slug,name,kind,hours\nle-quai,Le Quai,coworking,tous les jours 9-18\n", encoding="utf-8")
    _, problems = validate(read_rows(path)[0])
    assert problems == ['line 2: hours: "tous les jours 9-18" is not opening hours: "9" is not a time (write 9:00 '
                        'or 9h) (e.g. "Mo-Fr 09:00-18:00; Sa 10:00-13:00", "lu-ve 9h-18h", "24/7" or "off")']


async def _host(app, people, name: str, user_id: str, locale: str) -> None:
    member_id = await people.add(name, user_id=user_id, locale=locale)
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == "hangar"))).scalar_one()
        session.add(Role(member_id=member_id, role="host", venue_id=venue_id))


async def test_a_host_sets_the_hours_in_french_and_a_bad_value_is_refused_politely(app, memory, people):
    await _host(app, people, "Ana", "10", "fr")
    ana = memory.user("10")
    [reply] = await ana.send("/modifier_lieu horaires lu-ve 9h-18h ; sa 10h-13h")
    assert "C'est corrigé" in reply.text
    assert "Horaires : ouvert du lundi au vendredi, 9h–18h ; le samedi, 10h–13h" in reply.text
    assert await hours_of(app.db, "hangar") == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"
    [reply] = await ana.send("/modifier_lieu horaires le matin")
    assert "Je n'ai pas compris ces horaires, et je n'ai rien changé" in reply.text and "lu-ve 9h-18h" in reply.text
    assert await hours_of(app.db, "hangar") == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"  # nothing written
    [reply] = await ana.send("/modifier_lieu horaires fermé")
    assert "Horaires : fermé pour le moment" in reply.text and await hours_of(app.db, "hangar") == "off"
    [reply] = await ana.send("/modifier_lieu horaires")
    assert "Horaires : —" in reply.text and await hours_of(app.db, "hangar") is None  # cleared: unknown


async def test_an_english_host_gets_the_answer_in_english(app, memory, people):
    await _host(app, people, "Bob", "20", "en")
    bob = memory.user("20")
    [reply] = await bob.send("/venue_edit hours Mo-Fr 9-18")
    assert "I couldn't read these opening hours, so I changed nothing" in reply.text
    assert await hours_of(app.db, "hangar") is None
    [reply] = await bob.send("/venue_edit hours Mo-Fr 09:00-18:00")
    assert "Hours: open Monday to Friday, 9:00–18:00" in reply.text
    [reply] = await bob.send("/venue_edit")
    assert "Hours: open Monday to Friday, 9:00–18:00" in reply.text and "hours" in reply.text.split("\n\n")[-1]
