"""The /forget sweep's matching: whole words, any case, ids as whole numbers; open rows deleted,
delivered ones blanked, others' messages untouched."""

from __future__ import annotations

from sqlalchemy import select

from bot.features.erasure import blank_mentions, mention_pattern
from bot.types import Button, Reply
from storage.models import OutboxMessage
from storage.models.runtime import OutboxStatus
from storage.outbox import enqueue
from testkit import T0


def test_whole_words_in_any_case_and_nothing_else():
    found = mention_pattern({"Ana", "4815162342", "anaquetzal"})
    assert found.found_in({"text": "Rencontre ANA demain"}) and found.found_in({"text": "(@anaquetzal)"})
    assert found.found_in({"buttons": [[{"payload": "x:4815162342"}]]})
    assert not found.found_in({"text": "Une banane pour Anaëlle"}), "a name inside another word is not her"
    assert not found.found_in({"text": "id 48151623420"}), "an id inside a longer number is not hers"
    assert mention_pattern(set()) is None


async def test_delivered_rows_are_blanked_open_rows_deleted_others_untouched(app):
    async with app.db.session() as session:
        for key, text, status in (("sent-about", "Ana te propose", OutboxStatus.SENT),
                                  ("open-about", "Ana arrive", OutboxStatus.PENDING),
                                  ("sent-other", "Bob te propose", OutboxStatus.SENT),
                                  ("open-other", "Atelier jeudi", OutboxStatus.PENDING)):
            await enqueue(session, key=key, platform="memory", reply=Reply(text, buttons=((Button("ok", "x", "1"),),)),
                          user_id="20", now=T0)
            await session.flush()
            row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == key))).scalar_one()
            row.status = status
        assert await blank_mentions(session, {"Ana"}) == (1, 1)
    async with app.db.session() as session:
        rows = {r.key: r for r in (await session.execute(select(OutboxMessage))).scalars()}
    assert set(rows) == {"sent-about", "sent-other", "open-other"}
    assert rows["sent-about"].payload == {"text": ""} and rows["sent-other"].payload["text"] == "Bob te propose"


async def test_rows_older_than_the_person_are_not_scanned(app):
    """A namesake's message from before the bot knew the person is not theirs: left as it was."""
    from datetime import timedelta

    async with app.db.session() as session:
        for key, at in (("old", T0 - timedelta(days=30)), ("new", T0)):
            await enqueue(session, key=key, platform="memory", reply=Reply("Ana te propose"), user_id="20", now=at)
            await session.flush()
            row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == key))).scalar_one()
            row.status, row.created_at = OutboxStatus.SENT, at
        assert await blank_mentions(session, {"Ana"}, since=T0 - timedelta(days=1)) == (1, 0)
    async with app.db.session() as session:
        texts = dict((await session.execute(select(OutboxMessage.key, OutboxMessage.payload))).all())
    assert texts["old"]["text"] == "Ana te propose" and texts["new"] == {"text": ""}
