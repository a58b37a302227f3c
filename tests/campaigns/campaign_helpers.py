"""Helpers for the campaign tests: a small network written straight to the database (members with
skills, languages and roles), and the /campagne conversation from start to preview."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.campaigns.sending import deliver_due
from storage.models import Role, Venue
from testkit import People


@pytest.fixture
def people(app, clock) -> People:
    return People(app, clock)


async def make_host(app, member_id: int, venue: str) -> None:
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == venue))).scalar_one()
        session.add(Role(member_id=member_id, role="host", venue_id=venue_id))


async def make_animator(app, member_id: int) -> None:
    async with app.db.session() as session:
        session.add(Role(member_id=member_id, role="animator", venue_id=None))


async def compose(user, *, fr: str | None = "Portes ouvertes à La Fabrique samedi !",
                  en: str | None = "Open day at La Fabrique on Saturday!", poll: str | None = None,
                  link: str | None = None, interested: bool = False, audience: str | None = None,
                  when: str | None = None, command: str = "/campagne") -> list:
    """The conversation up to the preview (French buttons unless `command` is English); returns the preview."""
    english = command == "/campaign"
    replies = await user.send(command)
    assert replies and ("français" in replies[0].text or "French" in replies[0].text), replies
    await (user.send(fr) if fr else user.press("Skip" if english else "Passer"))
    await (user.send(en) if en else user.press("Skip" if english else "Passer"))
    if link:
        await user.press("A link" if english else "Un lien")
        await user.send(link)
    if poll:
        await user.press("A poll" if english else "Un sondage")
        await user.send(poll)
    if interested:
        await user.press('"I\'m' if english else "« Ça")
        await user.press("With me" if english else "Avec moi")
    last = user.last
    label = ("That's it" if english else "C'est bon") if (link or poll or interested) else \
        ("No buttons" if english else "Pas de bouton")
    await user.press(label)
    assert "Who for" in user.text or "À qui" in user.text, user.text
    if audience:
        replies = await user.send(audience)
    else:
        replies = await user.press("Everyone" if english else "Tout le monde")
    assert "When" in user.text or "Quand" in user.text, user.text
    del last
    if when:
        return await user.send(when)
    return await user.press("Now" if english else "Maintenant")


async def send_now(app) -> int:
    """What the job does each minute, then the dispatcher delivering everything due."""
    covered = await deliver_due(app.db, app.config, app.clock.now())
    await app.dispatcher.drain()
    return covered
