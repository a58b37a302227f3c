"""What /find keeps in memory besides the index: venue names, skill labels, the skill resolver.

They save a /find four queries, so they must follow the database: venue writes in this process at
once, venues renamed by another process within the fingerprint delay, skills merged elsewhere too.
"""

from __future__ import annotations

from sqlalchemy import event, select, text

from bot.config import VenueConfig
from storage.models import Skill
from storage.venues import upsert_venue


def _directory(app):
    return app.core.directory


async def test_a_venue_renamed_in_this_process_shows_in_the_next_find(app, memory, people):
    await people.add("Ana", offers=["3d-printing"])
    await people.add("Me", user_id="1")
    user = memory.user("1")
    await user.send("/chercher impression 3d")
    assert "Ana — Le Hangar" in user.text
    async with app.db.session() as session:  # as `maillage import venues` or a config re-sync does it
        await upsert_venue(session, VenueConfig(slug="hangar", name="Le Grand Hangar", kind="coworking",
                                                city="Nantes"), "Europe/Paris")
    await user.send("/chercher impression 3d")
    assert "Ana — Le Grand Hangar" in user.text


async def test_a_venue_renamed_elsewhere_shows_after_the_fingerprint_delay(app, memory, people):
    await people.add("Ana", offers=["3d-printing"])
    await people.add("Me", user_id="1")
    user = memory.user("1")
    await user.send("/chercher impression 3d")
    async with app.db.session() as session:  # raw SQL, as another process: the change feed cannot see it
        await session.execute(text("UPDATE venues SET name = 'Hangar 2' WHERE slug = 'hangar'"))
    await user.send("/chercher impression 3d")
    assert "Ana — Le Hangar" in user.text  # cached until the next look
    _directory(app).ttl = 0.0
    await user.send("/chercher impression 3d")
    assert "Ana — Hangar 2" in user.text


async def test_a_skill_merged_elsewhere_moves_the_directory(app, memory, people):
    await people.add("Me", user_id="1", locale="en")
    user = memory.user("1", language="en")
    async with app.db.session() as session:
        session.add(Skill(slug="custom-imprimante", label_fr="imprimante maison", label_en="imprimante maison",
                          custom=True))
    await people.add("Ana", offers=["custom-imprimante"])
    await user.send("/find imprimante maison")
    assert "Ana" in user.text and "Offers: imprimante maison" in user.text
    async with app.db.session() as session:  # `maillage skills merge` in another process
        target = (await session.execute(select(Skill.id).where(Skill.slug == "3d-printing"))).scalar_one()
        await session.execute(text("UPDATE skills SET merged_into_id = :t WHERE slug = 'custom-imprimante'"),
                              {"t": target})
    await user.send("/find 3d printing")
    assert "Ana" not in user.text  # not yet: seen at the next fingerprint look
    _directory(app).ttl = 0.0
    await user.send("/find 3d printing")
    assert "Ana" in user.text and "Offers: 3D printing" in user.text


async def test_a_warm_find_reads_neither_venues_nor_skills(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], attends=["fabrique"])
    await people.add("Me", user_id="1")
    user = memory.user("1")
    await user.send("/chercher impression 3d")  # builds the index and the caches
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(app.db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await user.send("/chercher impression 3d")
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", seen)
    assert "Ana — Le Hangar" in user.text and "Impression 3D" in user.text
    lookups = [s for s in statements if " FROM venues" in s or " FROM skills" in s]
    assert lookups == [], lookups
    visibility = [s for s in statements if "member_venues" in s]
    assert len(visibility) == 2, visibility  # the searcher's venues, then the page's re-check in one join
