"""The first lines of a terminal session: who you are (venue, roles) and what is waiting for you,
now and after quiet hours, in the session's language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.demo.welcome import held_for_others, last_outbox_id, welcome_lines
from bot.types import Reply, UserRef
from storage.models import Role, Venue
from storage.outbox import enqueue


async def test_who_you_are_and_what_waits_now_and_later(app, clock, people):
    ana = await people.add("Ana", venue="fabrique", platform="console", user_id="ana")
    async with app.db.session() as session:
        fabrique = (await session.execute(select(Venue.id).where(Venue.slug == "fabrique"))).scalar_one()
        session.add(Role(member_id=ana, role="host", venue_id=fabrique))
        for key, delay in (("a", 0), ("b", 0), ("c", 24)):
            await enqueue(session, key=key, platform="console", reply=Reply(key), user_id="ana", member_id=ana,
                          now=clock.now(), not_before=clock.now() + timedelta(hours=delay))
    user = UserRef("console", "ana", "Ana")
    async with app.db.session() as session:
        french = await welcome_lines(session, app.config, user, clock.now(), "fr")
        english = await welcome_lines(session, app.config, user, clock.now(), "en")
    assert french == ["Tu es Ana · ton lieu : La Fabrique · hôte : La Fabrique.", "2 messages t'attendent :",
                      "Pour toi plus tard : 1 message, à partir du jeu. 26 nov. 10h."]
    assert english[0] == "You are Ana · your venue: La Fabrique · host: La Fabrique."
    assert english[1:] == ["2 messages are waiting for you:", "For you later: 1 message, from Thu 26 Nov, 10 am."]


async def test_a_newcomer_is_told_how_to_join_and_others_messages_are_named(app, clock, people):
    async with app.db.session() as session:
        lines = await welcome_lines(session, app.config, UserRef("console", "zed", "Zed"), clock.now(), "fr")
        seen = await last_outbox_id(session)
    assert lines == ["Tu es Zed, pas encore membre du réseau : tape /start pour le rejoindre."]
    bea = await people.add("Béa", platform="console", user_id="bea")
    async with app.db.session() as session:
        for key in ("one", "two"):
            await enqueue(session, key=key, platform="console", reply=Reply(key), user_id="bea", member_id=bea,
                          now=clock.now())
    async with app.db.session() as session:
        names, seen = await held_for_others(session, "console", "zed", seen)
        assert names == ["Béa"]
        assert (await held_for_others(session, "console", "zed", seen))[0] == [], "each message named once"
