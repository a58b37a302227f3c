"""/start without a code, "near me": a newcomer shares their location and is offered the nearest
venues, with distances, in their language; joining from there works; nothing of the place is kept
(issue 15)."""

from __future__ import annotations

from sqlalchemy import select

from bot.types import ChatKind, ChatRef, LocationShared
from storage.models import Base, Identity, Member, Venue


async def share(app, user, latitude: float, longitude: float, chat: ChatRef | None = None):
    return await app.core.handle(LocationShared(user.ref, chat or user.dm(), latitude, longitude))


async def test_a_shared_location_lists_the_nearest_venues_and_joins_one(app, memory):
    zoe = memory.user("zoe", "Zoé")
    offered = await share(app, zoe, 47.28, -2.20)  # Saint-Nazaire
    text = offered[0].text
    assert text.startswith("Les lieux les plus proches de toi (ta position n'est pas gardée)")
    assert text.index("La Fabrique, Saint-Nazaire : 1,3 km") < text.index("Le Hangar, Nantes : 49 km")
    assert "Le Moulin" not in text  # no coordinates: not placed
    zoe.last = offered
    joined = await zoe.press("La Fabrique")
    assert "La Fabrique" in joined[0].text
    async with app.db.session() as session:
        member = (await session.execute(select(Member).join(Identity).where(Identity.platform_user_id == "zoe"))
                  ).scalar_one()
        assert member.home_venue_id is not None
        stored = []
        for table in Base.metadata.sorted_tables:  # every row of every table: the place is nowhere
            stored += [str(tuple(row)) for row in (await session.execute(select(table))).all()]
    assert stored and not any("47.28" in row or "-2.2," in row for row in stored)


async def test_english_and_groups_and_a_network_without_coordinates(app, memory):
    sam = memory.user("sam", "Sam", language="en")
    english = await share(app, sam, 47.21, -1.56)
    assert english[0].text.startswith("The venues nearest to you") and "Le Hangar, Nantes: 0.5 km" in english[0].text
    group = ChatRef("memory", "-300", ChatKind.GROUP, "Le Hangar")
    assert list(await share(app, sam, 47.21, -1.56, chat=group)) == []  # a place posted in a group is not for us
    async with app.db.session() as session:
        for venue in (await session.execute(select(Venue))).scalars():
            venue.latitude = venue.longitude = None
    none = await share(app, sam, 47.21, -1.56)
    assert "No venue of the network has a place on the map yet" in none[0].text
