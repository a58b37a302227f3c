"""Joining by code, the four onboarding questions (numbered as met), a second /start, wrong codes, claim codes."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.features.privacy import NOTICE_VERSION
from storage.models import Identity, Member, MemberSkill, MemberVenue, Skill, Venue


async def venue_code(app, slug: str) -> str:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.join_code).where(Venue.slug == slug))).scalar_one()


async def members(app) -> list[Member]:
    async with app.db.session() as session:
        return list((await session.execute(select(Member).order_by(Member.id))).scalars())


async def skills_of(app, member_id: int) -> set[tuple[str, str]]:
    async with app.db.session() as session:
        rows = await session.execute(select(MemberSkill.kind, Skill.slug).join(Skill)
                                     .where(MemberSkill.member_id == member_id))
        return {(kind, slug) for kind, slug in rows}


async def test_join_by_code_and_onboard_in_four_numbered_questions_fr(app, memory, clock):
    ana = memory.user("1", "Ana", language="fr")
    replies = await ana.send(f"/start {await venue_code(app, 'hangar')}")
    assert "Bienvenue dans Réseau Test" == replies[0].title
    assert "Le Hangar" in replies[0].text and "1 membre dans 4 lieux" in replies[0].text
    assert "quatre petites questions" in replies[0].text  # as many as are asked below
    assert replies[1].text.startswith("1/4")
    await ana.press("Passer")
    assert ana.text.startswith("2/4")
    await ana.send("rien")  # typed instead of pressed: a skip, not a skill
    assert ana.text.startswith("3/4") and NOTICE_VERSION in ana.text
    await ana.press("Privé")  # the introductions question still comes: a visibility does not end it
    assert "\n4/4 — Dernière question" in ana.text and "C'est tout bon" not in ana.text
    await ana.press("Non, pas de rencontres")
    assert "C'est tout bon" in ana.text and "Rencontres : non" in ana.text
    [member] = await members(app)
    assert (member.visibility, member.intro_opt_in) == ("private", False)
    assert member.consent_version == NOTICE_VERSION and member.consent_at == clock.now()
    assert member.display_name == "Ana" and member.languages == ["fr"]


async def test_onboarding_with_skills_in_english(app, memory):
    bob = memory.user("2", "Bob", language="en")
    await bob.send(f"/start {await venue_code(app, 'fabrique')}")
    assert "You're joining La Fabrique" in bob.last[0].text and "four short questions" in bob.last[0].text
    replies = await bob.send("3d printting, acounting")  # typos
    assert "Added to what you offer: 3D printing, Accounting." in replies[0].text
    assert replies[-1].text.startswith("2/4")
    replies = await bob.send("soudure")  # French word, English member
    assert "Welding" in replies[0].text and replies[-1].text.startswith("3/4")
    await bob.press("Whole network")
    assert "\n4/4 — One last question" in bob.text
    await bob.press("Yes, introduce me")
    [member] = await members(app)
    assert (member.visibility, member.intro_opt_in) == ("network", True)
    assert await skills_of(app, member.id) == {("offer", "3d-printing"), ("offer", "accounting"), ("need", "welding")}


async def test_start_alone_offers_venues_and_a_second_start_never_duplicates(app, memory):
    ana = memory.user("1", "Ana")
    await ana.send("/start")
    assert "Quel est ton lieu ?" in ana.text
    labels = [b.label for r in ana.last for b in r.all_buttons()]
    assert {"Le Hangar", "La Fabrique", "Le Moulin", "Université"} <= set(labels)
    await ana.press("Le Moulin")
    assert "Le Moulin" in ana.last[0].text
    await ana.send("/start")
    assert "déjà partie du réseau" in ana.text
    await ana.send(f"/start {await venue_code(app, 'moulin')}")
    assert "déjà partie du Moulin" in ana.text
    await ana.send(f"/rejoindre {await venue_code(app, 'hangar')}")
    await ana.press("Je le fréquente aussi")
    await ana.send(f"/start {await venue_code(app, 'fabrique')}")
    await ana.press("En faire mon lieu principal")
    [member] = await members(app)
    async with app.db.session() as session:
        home = await session.get(Venue, member.home_venue_id)
        others = set((await session.execute(select(Venue.slug).join(MemberVenue)
                                            .where(MemberVenue.member_id == member.id))).scalars())
        identities = (await session.execute(select(func.count()).select_from(Identity))).scalar_one()
    assert home.slug == "fabrique" and others == {"hangar", "moulin"} and identities == 1


async def test_wrong_codes_all_get_the_same_answer(app, memory):
    ana = memory.user("1", "Ana")
    answers = set()
    for code in ("nope", "x" * 70, "'; drop table venues; --", (await venue_code(app, "hangar"))[:-1]):
        answers.add((await ana.send(f"/start {code}"))[0].text)
    async with app.db.session() as session:  # a claim code already spent answers the same too
        session.add(Member(display_name="Old", claim_code=None))
    answers.add((await ana.send("/join SPENTCODE")).pop().text)
    assert len(answers) == 1 and "ne fonctionne pas" in answers.pop()
    assert [m.display_name for m in await members(app)] == ["Old"]  # nobody joined


async def test_join_without_code_and_start_in_a_group_are_explained(app, memory):
    bob = memory.user("2", "Bob", language="en")
    assert "/join" in (await bob.send("/join"))[0].text
    reply = (await bob.send("/start", chat=bob.group("-100")))[0]
    assert reply.private and "private" in reply.text.lower()


async def test_imported_member_claims_profile_with_code(app, memory):
    async with app.db.session() as session:
        hangar = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
        session.add(Member(display_name="Camille Import", home_venue_id=hangar.id, claim_code="CLAIM-7Q2K9XW4"))
    cam = memory.user("7", "Cam", language="fr")
    replies = await cam.send("/start claim-7q2k9xw4")
    assert "Camille Import" in replies[0].text and replies[1].text.startswith("1/2")  # skills came with the profile
    await cam.press("Mon lieu")
    assert "\n2/2 — Dernière question" in cam.text
    await cam.press("Oui, propose-moi des rencontres")
    [member] = await members(app)
    assert member.claim_code is None and member.visibility == "venue" and member.consent_at is not None
    other = memory.user("8", "Mallory")
    assert "ne fonctionne pas" in (await other.send("/start CLAIM-7Q2K9XW4"))[0].text  # spent
    assert len(await members(app)) == 1


async def test_forged_onboarding_buttons_are_refused(app, memory):
    from bot.types import Button

    eve = memory.user("66", "Eve")
    assert "Rejoins d'abord" in (await eve.press(Button("x", "onb", "v:network")))[0].text
    for payload in ("999999", "abc", "", "-1"):
        assert "plus valable" in (await eve.press(Button("x", "join", payload)))[0].text
    await eve.send(f"/start {await venue_code(app, 'hangar')}")
    for payload in ("v:public", "i:maybe", "x"):
        assert "plus valable" in (await eve.press(Button("x", "onb", payload)))[0].text
    [member] = await members(app)
    assert member.visibility == "private" and member.consent_at is None


async def test_introductions_set_in_profile_end_an_onboarding_waiting_for_them(app, memory):
    from bot.conversation import load

    ana = memory.user("1", "Ana", language="fr")
    await ana.send(f"/start {await venue_code(app, 'hangar')}")
    await ana.press("Passer")
    await ana.press("Passer")
    await ana.press("Mon lieu")
    assert "Dernière question" in ana.text
    await ana.send("/profil")  # answered there instead: the question must not come back next session
    await ana.press("Activer les rencontres")
    async with app.db.session() as session:
        assert await load(session, "memory", "1", app.clock.now()) is None
    [member] = await members(app)
    assert (member.visibility, member.intro_opt_in) == ("venue", True)
