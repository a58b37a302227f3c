"""Helpers for the events tests: members and hosts written straight to the database (the members
issue's onboarding is not needed to test events), publishing an event by chat, and a published event
written directly (as the feed importer would).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from adapters.memory import MemoryAdapter, MemoryUser
from storage.models import Identity, Member, Role, Venue


@dataclass
class People:
    app: object
    memory: MemoryAdapter

    async def member(self, user_id: str, name: str, *, locale: str = "fr", home: str | None = "hangar",
                     host_of: tuple[str, ...] = (), handle: str | None = None) -> MemoryUser:
        async with self.app.db.session() as session:
            home_id = None
            if home:
                home_id = (await session.execute(select(Venue.id).where(Venue.slug == home))).scalar_one()
            member = Member(display_name=name, locale=locale, home_venue_id=home_id, languages=[locale])
            session.add(member)
            await session.flush()
            session.add(Identity(member_id=member.id, platform="memory", platform_user_id=user_id,
                                 display_name=name, handle=handle, locale=locale, dm_status="open"))
            for slug in host_of:
                venue_id = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
                session.add(Role(member_id=member.id, role="host", venue_id=venue_id))
        return self.memory.user(user_id, name, language=locale, handle=handle)

    async def link(self, host: MemoryUser, chat_id: str, command: str = "/lier_lieu") -> None:
        replies = await host.send(command, chat=host.group(chat_id))
        assert replies and ("C'est fait" in replies[0].text or "Done" in replies[0].text), replies


@pytest.fixture
def people(app, memory) -> People:
    """Import this fixture into a test module (no conftest.py here: a second module named "conftest"
    would shadow tests/conftest.py for modules that import from it)."""
    return People(app, memory)


async def publish_fr(host: MemoryUser, *, title: str = "Repair café", when: str = "jeudi 18h30",
                     end: str = "20h", capacity: str | None = None, tags: tuple[str, ...] = ()) -> list:
    """The French /evenement conversation from start to Publish; returns the final replies."""
    await preview_fr(host, title=title, when=when, end=end, capacity=capacity, tags=tags)
    return await host.press("Publier")


async def preview_fr(host: MemoryUser, *, title: str = "Repair café", when: str = "jeudi 18h30",
                     end: str = "20h", capacity: str | None = None, tags: tuple[str, ...] = ()) -> list:
    """The French /evenement conversation up to its preview (with the Publish button); returns it."""
    await host.send("/evenement")
    await host.send(title)
    replies = await host.send(when)
    assert "Jusqu'à quand" in replies[0].text, replies[0].text
    await host.send(end)
    await host.press("Terminé")  # the host's venue is ticked already
    await host.send("On répare ensemble grille-pains et vélos.")
    await host.press("Pas de lien")
    if capacity is None:
        await host.press("Pas de limite")
    else:
        await host.send(capacity)
    for tag in tags:
        await host.press(tag)
    preview = await host.press("Terminé")
    assert "On publie" in preview[0].text, preview[0].text
    return preview


async def make_event(app, title: str, starts_at, *, hours: float = 2, venues: tuple[str, ...] = ("hangar",),
                     capacity: int | None = None, audience: tuple[str, ...] = (), announce: bool = True) -> int:
    """A published event written straight to the database (as the feed importer would)."""
    from datetime import timedelta

    from bot.events.announce import announce_event
    from bot.events.queries import set_venues
    from storage.models.events import Event

    async with app.db.session() as session:
        ids = [(await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one() for slug in venues]
        event = Event(title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                      timezone="Europe/Paris", capacity=capacity, status="published", audience=list(audience),
                      published_at=app.clock.now())
        session.add(event)
        await session.flush()
        await set_venues(session, event, ids)
        if announce:
            await announce_event(session, app.config, event, app.clock.now())
        return event.id
