"""The one consent rule: an imported member who never joined is shown to nobody and reached by nothing.

Every path that shows or contacts a member is pressed, with forged buttons (ids are sequential), on
an imported member with a platform identity, network visibility and introductions on, but no consent.
"""

from __future__ import annotations

import itertools

from sqlalchemy import select

from bot.directory.visibility import Purpose, allowed, allows, may_reach
from bot.matchmaking.candidates import build_pool
from storage.models import Identity, Member, OutboxMessage
from storage.models.intro_requests import IntroRequest
from testkit import T0


async def _imported(app, name="Zoé Importée", user_id="77") -> int:
    """As `maillage import members` writes them: chosen settings from the CSV, no consent."""
    async with app.db.session() as session:
        member = Member(display_name=name, visibility="network", intro_opt_in=True, claim_code="c0de" + user_id,
                        created_at=T0, updated_at=T0)
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id=user_id, display_name=name,
                             dm_status="open"))
        return member.id


async def test_forged_ask_button_on_an_unconsented_member_reveals_and_sends_nothing(app, memory, people):
    await people.add("Bob", user_id="20")
    zoe = await _imported(app)
    bob = memory.user("20")
    for payload in (f"{zoe}:0", f"{zoe}:1"):
        [reply] = await bob.press(_button("ireq", payload))
        assert "Zoé" not in reply.text and "ne peut pas recevoir" in reply.text
    await app.dispatcher.drain()
    assert memory.to_user("77") == []
    async with app.db.session() as session:
        assert (await session.execute(select(IntroRequest))).first() is None
        assert (await session.execute(select(OutboxMessage).where(OutboxMessage.user_id == "77"))).first() is None


async def test_a_context_flow_started_before_consent_was_withdrawn_is_refused(app, memory, people):
    """The second check, after the context line: the member lost consent in between (forged flow data)."""
    await people.add("Bob", user_id="20")
    ana = await people.add("Ana", offers=["3d-printing"], user_id="10")
    bob = memory.user("20")
    await bob.press(_button("ireq", f"{ana}:0"))
    async with app.db.session() as session:
        (await session.get(Member, ana)).consent_at = None
    [reply] = await bob.send("Un conseil pour mon imprimante ?")
    assert "Ana" not in reply.text and "ne peut pas recevoir" in reply.text
    async with app.db.session() as session:
        assert (await session.execute(select(IntroRequest))).first() is None


async def test_find_never_lists_an_unconsented_member(app, memory, people):
    await people.add("Bob", user_id="20")
    async with app.db.session() as session:
        member = Member(display_name="Zoé Importée", bio="impression 3d", visibility="network", intro_opt_in=True)
        session.add(member)
    bob = memory.user("20")
    await bob.send("/chercher impression 3d")
    assert "Zoé" not in bob.text and "personne" in bob.text


async def test_forged_never_with_button_does_not_name_an_unconsented_member(app, memory, people):
    await people.add("Bob", user_id="20")
    zoe = await _imported(app)
    bob = memory.user("20")
    [reply] = await bob.press(_button("mm.set", f"+{zoe}"))
    assert "Zoé" not in reply.text


async def test_matchmaking_never_proposes_an_unconsented_member(app, people):
    await people.add("Bob", user_id="20", offers=["3d-printing"])
    zoe = await _imported(app)
    async with app.db.session() as session:
        pool = await build_pool(session, app.config, T0)
    assert zoe not in {c.member_id for c in pool.candidates} and zoe not in pool.names


async def test_every_purpose_refuses_an_unconsented_member_and_allows_a_consented_one(app, people):
    bob_id = await people.add("Bob", user_id="20")
    zoe = await _imported(app)
    async with app.db.session() as session:
        bob, member = await session.get(Member, bob_id), await session.get(Member, zoe)
        for purpose in Purpose:
            assert not allows(member, purpose)
            assert not await may_reach(session, bob, member, purpose)
            assert not await may_reach(session, None, member, purpose)
        member.consent_at = T0
        for purpose in Purpose:
            assert allows(member, purpose) and await may_reach(session, bob, member, purpose)
            assert not await may_reach(session, member, member, purpose), "nobody is shown to themselves"


async def test_the_sql_filter_and_the_python_predicate_agree(any_app):
    """Every combination of consent, visibility and opt-in, on SQLite and PostgreSQL."""
    combos = list(itertools.product((None, T0), ("private", "venue", "network"), (False, True)))
    async with any_app.db.session() as session:
        for consent, visibility, intros in combos:
            session.add(Member(display_name=f"{consent}-{visibility}-{intros}", consent_at=consent,
                               visibility=visibility, intro_opt_in=intros))
        await session.flush()
        members = (await session.execute(select(Member))).scalars().all()
        for purpose in Purpose:
            in_sql = set((await session.execute(select(Member.id).where(allowed(purpose)))).scalars())
            assert in_sql == {m.id for m in members if allows(m, purpose)}, purpose
            assert in_sql, f"{purpose}: someone consenting must be allowed"


def _button(action: str, payload: str):
    from bot.types import Button
    return Button("forged", action, payload)


async def test_walking_sequential_ids_on_every_member_action_never_names_the_unconsented(app, memory, people):
    """What the probe did: every id in turn, on every button that names or contacts a member."""
    bob = await people.add("Bob", user_id="20")
    ana = await people.add("Ana", user_id="10")
    zoe = await _imported(app)
    user = memory.user("20")
    named = set()
    for member_id in range(1, max(bob, ana, zoe) + 3):
        for action, payload in (("ireq", f"{member_id}:0"), ("mm.set", f"+{member_id}")):
            replies = await user.press(_button(action, payload))
            text = " ".join(r.text for r in replies)
            assert "Zoé" not in text, (action, member_id, text)
            if "Ana" in text:
                named.add(action)
        await user.send("/annuler")  # leave the context question the one visible member opened
    assert named == {"ireq", "mm.set"}, "the consented member is reachable: the walk did press real buttons"
    await app.dispatcher.drain()
    assert memory.to_user("77") == []
