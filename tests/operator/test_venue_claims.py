"""Issue 15: a host claims an imported venue with its code (/claim_venue, /revendiquer_lieu) and
corrects its card (/venue_edit, /modifier_lieu); codes are single-use, rights re-checked."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Role, Venue
from storage.models.operator import VenueOpenData


async def _imported_venue(app, code: str = "CLAIM-VENUE-7Q2K9XW4") -> int:
    async with app.db.session() as session:
        venue = Venue(slug="la-cale-saint-nazaire", name="La Cale", kind="fablab", city="Saint-Nazaire",
                      join_code="JOIN-LA-CALE-000001")
        session.add(venue)
        await session.flush()
        session.add(VenueOpenData(venue_id=venue.id, source="cget-2019", source_id="3", claim_code=code,
                                  department="44"))
        return venue.id


async def test_claim_then_edit_the_card(app, memory, people):
    venue_id = await _imported_venue(app)
    await people.add("Ana", user_id="10")
    ana = memory.user("10")
    [reply] = await ana.send("/revendiquer_lieu claim-venue-wrong")
    assert "ne fonctionne pas" in reply.text
    [reply] = await ana.send("/revendiquer_lieu CLAIM-VENUE-7Q2K9XW4")
    assert "tu es maintenant hôte de La Cale" in reply.text and "/modifier_lieu" in reply.text
    async with app.db.session() as session:
        origin = await session.get(VenueOpenData, venue_id)
        assert origin.claim_code is None and origin.claimed_at is not None
        assert (await session.execute(select(Role).where(Role.venue_id == venue_id))).scalar_one().role == "host"

    [reply] = await ana.send("/modifier_lieu")
    assert "La Cale (la-cale-saint-nazaire)" in reply.text and "/modifier_lieu la-cale-saint-nazaire" in reply.text
    [reply] = await ana.send("/modifier_lieu site exemple.org")
    assert "https://" in reply.text
    [reply] = await ana.send("/modifier_lieu site https://lacale.example.org")
    assert "C'est corrigé" in reply.text and "https://lacale.example.org" in reply.text
    [reply] = await ana.send("/modifier_lieu la-cale-saint-nazaire nom La Cale\u202e – fablab\x00 associatif")
    assert "C'est corrigé" in reply.text
    [reply] = await ana.send("/modifier_lieu couleur bleu")
    assert "nom, ville, site, description ou horaires" in reply.text
    [reply] = await ana.send("/modifier_lieu nom ")
    assert "besoin d'un nom" in reply.text
    async with app.db.session() as session:
        venue = await session.get(Venue, venue_id)
        assert venue.website == "https://lacale.example.org" and venue.name == "La Cale – fablab associatif"


async def test_a_spent_code_and_other_peoples_venues_are_refused(app, memory, people):
    await _imported_venue(app)
    await people.add("Ana", user_id="10")
    await people.add("Bob", user_id="20", locale="en")
    assert "now host" not in (await memory.user("10").send("/claim_venue CLAIM-VENUE-7Q2K9XW4"))[0].text
    bob = memory.user("20")
    [reply] = await bob.send("/claim_venue CLAIM-VENUE-7Q2K9XW4")
    assert "doesn't work" in reply.text  # spent
    [reply] = await bob.send("/venue_edit la-cale-saint-nazaire name Mine")
    assert "hosts" in reply.text.lower() or "host" in reply.text.lower()
    async with app.db.session() as session:
        assert (await session.execute(select(Venue.name).where(Venue.slug == "la-cale-saint-nazaire"))).scalar_one() \
            == "La Cale"


async def test_venues_list_cites_the_open_data(app, memory, people):
    await people.add("Ana", user_id="10")
    ana = memory.user("10")
    assert "CGET" not in (await ana.send("/lieux"))[0].text
    await _imported_venue(app)
    assert "CGET" in (await ana.send("/lieux"))[0].text
