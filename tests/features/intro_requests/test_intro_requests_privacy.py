"""/mydata and /forget with introduction requests: exported, cancelled, then kept only as counts."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models.intro_requests import IntroRequest


async def _request(app, memory, asker: str, name: str, line: str = "Un conseil pour mon imprimante ?") -> None:
    user = memory.user(asker)
    await user.send("/chercher impression 3d")
    await user.press(next(b for b in user.last[0].all_buttons() if name in b.label))
    await user.send(line)


async def test_mydata_exports_requests_sent_and_received(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    await _request(app, memory, "20", "Ana", "Ma phrase de contexte")
    bob = memory.user("20")
    [reply] = await bob.send("/mydata")
    document = json.loads(reply.attachment.content)
    [sent] = document["intro_requests"]
    assert sent["direction"] == "sent" and sent["context"] == "Ma phrase de contexte" and sent["with"] is None


async def test_forget_by_the_requester_withdraws_the_unsent_request(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    await _request(app, memory, "20", "Ana")  # not delivered yet: no drain
    bob = memory.user("20")
    await bob.send("/oublier")
    await bob.press("Oui")
    await app.dispatcher.drain()
    assert memory.to_user("10") == []  # Ana gets nothing
    async with app.db.session() as session:
        request = (await session.execute(select(IntroRequest))).scalar_one()
        assert (request.status, request.requester_id, request.context) == ("cancelled", None, "")


async def test_forget_by_the_addressee_gives_the_requester_a_neutral_line(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    await _request(app, memory, "20", "Ana")
    await app.dispatcher.drain()
    ana = memory.user("10")
    await ana.send("/oublier")
    await ana.press("Oui")
    await app.dispatcher.drain()
    [answer] = memory.to_user("20")
    assert "n'a pas abouti" in answer.text


async def test_past_introductions_survive_only_as_anonymous_counts(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    await _request(app, memory, "20", "Ana", "Un secret de contexte")
    await app.dispatcher.drain()
    [message] = memory.to_user("10")
    await memory.user("10").press(message.reply.all_buttons()[0])
    for user_id in ("20", "10"):
        user = memory.user(user_id)
        await user.send("/oublier")
        await user.press("Oui")
    async with app.db.session() as session:
        rows = (await session.execute(select(IntroRequest))).scalars().all()
    assert [(r.status, r.requester_id, r.addressee_id, r.context) for r in rows] == [("accepted", None, None, "")]
