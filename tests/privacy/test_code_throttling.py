"""Guessing join, claim and /link codes is throttled per person: the same answer whatever the code
once the limit is reached (a right code too), saying the limit; the window passed, codes work again."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.throttle import PER_PERSON, WINDOW
from storage.models import Member, Venue
from storage.models.privacy import CodeAttempt

LIMITED = "Trop d'essais de code"


async def _venue_code(app) -> str:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.join_code).where(Venue.slug == "hangar"))).scalar_one()


async def test_join_codes_are_throttled_per_person_and_the_right_code_is_refused_too(app, memory, clock):
    guesser = memory.user("66")
    for attempt in range(PER_PERSON):
        [reply] = await guesser.send(f"/start WRONG{attempt}")
        assert "ne fonctionne pas" in reply.text
    right = await _venue_code(app)
    for typed in ("WRONGAGAIN", right):
        [reply] = await guesser.send(f"/rejoindre {typed}")
        assert LIMITED in reply.text and str(PER_PERSON) in reply.text and "15 minutes" in reply.text
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0
    # Someone else is not held back by the guesser.
    [welcome, *_] = await memory.user("67").send(f"/start {right}")
    assert LIMITED not in welcome.text
    clock.advance(seconds=WINDOW.total_seconds() + 1)
    replies = await guesser.send(f"/start {right}")
    assert LIMITED not in replies[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 2


async def test_link_codes_are_throttled_per_person(app, memory, people):
    await people.add("Ana", user_id="10")
    stranger = memory.user("68")
    for _ in range(PER_PERSON):
        [reply] = await stranger.send("/lier ABCDE-FGHJK-MNPQR")
        assert LIMITED not in reply.text
    [reply] = await stranger.send("/lier ABCDE-FGHJK-MNPQR")
    assert LIMITED in reply.text


async def test_attempts_are_stored_only_as_hashes_and_purged_after_the_window(app, memory, clock):
    from bot.throttle import purge_attempts

    await memory.user("4815162342").send("/start NOPE")
    async with app.db.session() as session:
        [row] = (await session.execute(select(CodeAttempt))).scalars().all()
    assert "4815162342" not in row.subject
    assert await purge_attempts(app.db, clock.now()) == 0
    assert await purge_attempts(app.db, clock.now() + WINDOW) == 1


async def test_a_group_chat_is_limited_as_a_whole(app):
    """Code commands are private today, but a group's limit holds if one ever is not."""
    from bot.context import Context
    from bot.i18n import Translator
    from bot.throttle import PER_CHAT, code_attempt
    from bot.types import ChatKind, ChatRef, CommandInvoked, UserRef
    from storage.models import Identity

    group = ChatRef("memory", "-1001", ChatKind.GROUP, "Le Hangar")
    answers = []
    async with app.db.session() as session:
        for person in range(PER_CHAT + 1):  # many people, each far under their own limit
            identity = Identity(platform="memory", platform_user_id=f"p{person}", display_name="x")
            session.add(identity)
            await session.flush()
            event = CommandInvoked(UserRef("memory", f"p{person}"), group, "join", "CODE")
            ctx = Context(session, event, identity, app.clock.now(), Translator("fr"), config=app.config,
                          registry=app.core.registry)
            answers.append(await code_attempt(ctx, "join"))
    assert answers[:PER_CHAT] == [None] * PER_CHAT
    assert answers[PER_CHAT] is not None and LIMITED in answers[PER_CHAT].text and str(PER_CHAT) in answers[PER_CHAT].text
