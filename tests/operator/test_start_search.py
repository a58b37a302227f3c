"""Issue 15: on a network of hundreds of venues, `/start` without a code finds a venue by its name
or town as typed (typos forgiven), instead of paging through all of them."""

from __future__ import annotations

from storage.models import Member, Venue
from sqlalchemy import select

TOWNS = ["Nantes", "Rennes", "Angers", "Brest", "Vannes", "Lorient", "Quimper", "Laval", "Cholet", "Mantes-la-Jolie"]


async def _big_network(app) -> None:
    async with app.db.session() as session:
        for n in range(300):
            town = TOWNS[n % len(TOWNS)]
            session.add(Venue(slug=f"lieu-{n}", name=f"Tiers-lieu {n}", kind="tiers-lieu", city=town,
                              join_code=f"JOIN-CODE-{n:06d}"))
        session.add(Venue(slug="grand-hangar", name="Le Grand Hangar", kind="coworking", city="Saint-Herblain",
                          join_code="JOIN-CODE-HANGAR"))


async def test_start_suggests_typing_and_finds_by_name_with_a_typo(app, memory):
    await _big_network(app)
    ana = memory.user("1", "Ana")
    [reply] = await ana.send("/start")
    assert "Tape son nom ou ta ville" in reply.text
    [reply] = await ana.send("/start grand hanagr")
    labels = [b.label for b in reply.all_buttons()]
    assert "Le Grand Hangar" in labels and len(labels) <= 8
    await ana.press(next(b for b in reply.all_buttons() if b.label == "Le Grand Hangar"))
    async with app.db.session() as session:
        member = (await session.execute(select(Member))).scalar_one()
        assert (await session.get(Venue, member.home_venue_id)).slug == "grand-hangar"


async def test_start_finds_by_town_and_a_bad_code_is_still_a_bad_code(app, memory):
    await _big_network(app)
    bob = memory.user("2", "Bob", language="en")
    [reply] = await bob.send("/start nantes")
    assert "look like" in reply.text
    venues = [b.label for b in reply.all_buttons() if b.label.startswith("Tiers-lieu")]
    assert venues and all(int(label.split()[-1]) % len(TOWNS) == 0 for label in venues)  # Nantes, not Mantes
    [reply] = await bob.send("/start Xy7kP2mQ9aBcZZ")
    assert "code" in reply.text.lower() and not reply.all_buttons()
