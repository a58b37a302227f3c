"""A SQLite write lock held past the busy timeout while a host publishes: a clear "busy" answer, no
partial row, and pressing again publishes the event once (issue 18.7)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from storage.models import OutboxMessage
from storage.models.events import Event
from tests.features.events.events_helpers import People, preview_fr

TITLE = "Repair café"


def hold_write_lock(database_url: str) -> sqlite3.Connection:
    """Another process's long write transaction on the same file (a backup, a stuck job)."""
    path = database_url.split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    return other


async def counts(app) -> tuple[int, int]:
    async with app.db.session() as session:
        events = await session.scalar(select(func.count()).select_from(Event))
        messages = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return events, messages


async def test_a_locked_database_answers_busy_and_a_retry_publishes_once(app, memory):
    people = People(app, memory)
    await people.member("9", "Mia", home="hangar")
    host = await people.member("1", "Hugo", host_of=("hangar",))
    await people.link(host, "-100")
    preview = await preview_fr(host, title=TITLE)
    publish = host.find_button("Publier", preview)
    before = await counts(app)

    other = hold_write_lock(app.config.database.url)
    try:
        busy = await host.press(publish)
    finally:
        other.rollback()
        other.close()
    assert [reply.text for reply in busy] == [
        "Je suis très sollicité à l'instant. Rien n'a été enregistré : réessaie dans quelques secondes."]
    assert await counts(app) == before, "nothing half-written"

    published = await host.press(publish)  # the same button, once the lock is gone
    assert "publié" in published[0].text.lower(), published[0].text
    events, messages = await counts(app)
    assert events == before[0] + 1 and messages > before[1]
    again = await host.press(publish)  # a third press (a double tap) publishes nothing more
    assert await counts(app) == (events, messages), again
