"""/profile editing, skills typed in chat (typos, both languages, ambiguity, custom skills, limits),
and forged button payloads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.types import Button
from storage import member_skills
from storage.models import Member, MemberSkill, Skill, Venue


async def joined(app, memory, user_id="1", name="Ana", language="fr"):
    async with app.db.session() as session:
        code = (await session.execute(select(Venue.join_code).where(Venue.slug == "hangar"))).scalar_one()
    user = memory.user(user_id, name, language=language)
    await user.send(f"/start {code}")
    await user.send("/cancel")  # skip onboarding: the profile is edited directly
    return user


async def member(app, member_id=1) -> Member:
    async with app.db.session() as session:
        return await session.get(Member, member_id)


async def slugs(app, kind: str, member_id=1) -> list[str]:
    async with app.db.session() as session:
        rows = await session.execute(select(Skill.slug).join(MemberSkill).where(
            MemberSkill.member_id == member_id, MemberSkill.kind == kind).order_by(MemberSkill.created_at, Skill.id))
        return list(rows.scalars())


async def test_profile_shows_and_edits_name_bio_languages_visibility_intro(app, memory):
    ana = await joined(app, memory)
    reply = (await ana.send("/profil"))[0]
    assert reply.title == "Ana" and "Lieu : Le Hangar" in reply.text and "Visible par : personne" in reply.text
    await ana.press("Nom")
    await ana.send("   ")
    assert "au moins un caractère" in ana.text
    await ana.send("A" * 61)  # names show in lists and on buttons: 60 characters at most
    assert "trop long : 61 caractères, 60 au plus" in ana.text
    await ana.send("Ana <b>Martin</b>")
    assert ana.last[0].text == "C'est enregistré." and ana.last[1].title == "Ana <b>Martin</b>"
    await ana.press("Bio")
    await ana.send("x" * 501)
    assert "501 caractères" in ana.text
    await ana.send("Je fabrique des meubles en bois de récup.")
    await ana.press("Langues")
    await ana.press("English")
    await ana.press("✓ Français")
    await ana.press("✓ English")
    assert "au moins une langue" in ana.text
    await ana.send("/profil")
    await ana.press("Visibilité")
    await ana.press("Tout le réseau")
    await ana.press("Activer les rencontres")
    saved = await member(app)
    assert (saved.display_name, saved.bio) == ("Ana <b>Martin</b>", "Je fabrique des meubles en bois de récup.")
    assert saved.languages == ["en"] and saved.visibility == "network" and saved.intro_opt_in
    assert saved.consent_at is not None  # choosing a visibility is agreeing to the notice
    await ana.press("Bio")
    await ana.press("Effacer ma bio")
    assert (await member(app)).bio == ""


async def test_profile_venues_home_and_attended(app, memory):
    ana = await joined(app, memory)
    await ana.send("/profil")
    await ana.press("Lieux")
    await ana.press("La Fabrique")
    await ana.press("Je le fréquente aussi")
    await ana.press("Voir mon profil")
    assert "fréquente aussi : La Fabrique" in ana.text
    await ana.press("Lieux")
    await ana.press("La Fabrique")
    await ana.press("Je n'y vais plus")
    await ana.press("Voir mon profil")
    assert "fréquente aussi" not in ana.text


async def test_skill_commands_typos_both_languages_and_removal(app, memory):
    ana = await joined(app, memory)
    reply = (await ana.send("/propose impresion 3d, comptabilitée, welding"))[0]
    # Typos need no comment; a word read as another skill's name is said back.
    assert reply.text == "Ajouté à ce que tu proposes : Impression 3D, Comptabilité, welding (compris comme « Soudure »)."
    assert "déjà" in (await ana.send("/offer SOUDURE"))[0].text
    await ana.send("/besoin juriste")
    await ana.send("/interet permaculture")
    assert set(await slugs(app, "offer")) == {"3d-printing", "accounting", "welding"}
    assert "Retiré de ce que tu proposes : Comptabilité." in (await ana.send("/propose -compta"))[0].text
    assert "n'est pas dans" in (await ana.send("/propose retirer astrophysique"))[0].text
    bob = await joined(app, memory, "2", "Bob", "en")
    assert "3D printing" in (await bob.send("/offer impression 3D"))[0].text
    await bob.send("/offer")
    await bob.press("✕ 3D printing")
    assert await slugs(app, "offer", 2) == []


async def test_ambiguous_text_offers_candidate_buttons(app, memory):
    ana = await joined(app, memory)
    replies = await ana.send("/propose design")
    question = replies[-1]
    assert "plusieurs choses" in question.text and len(question.all_buttons()) >= 3
    await ana.press(question.all_buttons()[0])
    assert ana.last[0].edit and "Ajouté" in ana.text
    assert len(await slugs(app, "offer")) == 1
    await ana.send("/propose design")
    await ana.press("Aucune")  # keep my own words
    assert "Nouvelle compétence" in ana.text


async def test_unknown_skill_becomes_custom_then_merge_moves_members(app, memory):
    ana = await joined(app, memory)
    bob = await joined(app, memory, "2", "Bob", "en")
    created = (await ana.send("/propose didgeridoo"))[0].text
    assert "Nouvelle compétence" in created and "didgeridoo" in created
    await bob.send("/offer Didgeridou")  # typo'd: resolves to the same custom skill
    await bob.send("/offer music")
    async with app.db.session() as session:
        [(custom, users)] = await member_skills.custom_skills(session)
        assert users == 2
        assert custom.slug == "custom-didgeridoo"
        moved = await member_skills.merge_custom(session, custom.slug, "music")
    assert moved == 1  # Bob already had music: one link kept, not two
    assert await slugs(app, "offer") == ["music"] and await slugs(app, "offer", 2) == ["music"]
    carl = await joined(app, memory, "3", "Carl")
    await carl.send("/propose didgeridoo")  # the old custom label now names music
    assert await slugs(app, "offer", 3) == ["music"]


async def test_limits_are_explained(app, memory):
    ana = await joined(app, memory)
    async with app.db.session() as session:
        skills = list((await session.execute(select(Skill).where(Skill.custom.is_(False)).limit(31))).scalars())
        for skill in skills[:30]:
            session.add(MemberSkill(member_id=1, skill_id=skill.id, kind="need"))
    reply = (await ana.send(f"/besoin {skills[30].label_fr}"))[0]
    assert "30 choses, le maximum" in reply.text and len(await slugs(app, "need")) == 30
    assert "les 10 premières" in (await ana.send("/propose " + ", ".join(f"truc{i} machin" for i in range(12))))[0].text


@pytest.mark.parametrize("action, payload", [
    ("skpick", "o:999999"), ("skpick", "x:1"), ("skpick", "o:abc"), ("skpick", ""), ("skrm", "z:1"),
    ("skkeep", "o:"), ("skkeep", "o:" + "!" * 20), ("pv", "h:999999"), ("pv", "q:1"), ("pvis", "public"),
    ("plang", "xx"), ("prof", "drop_tables"), ("pvv", "1;2"), ("pvpg", "-1"),
])
async def test_forged_profile_buttons_are_refused(app, memory, action, payload):
    ana = await joined(app, memory)
    reply = (await ana.press(Button("x", action, payload)))[0]
    assert "plus valable" in reply.text
    saved = await member(app)
    assert saved.visibility == "private" and await slugs(app, "offer") == []


async def test_profile_buttons_need_a_member(app, memory):
    eve = memory.user("9", "Eve")
    assert "Rejoins d'abord" in (await eve.press(Button("x", "pvis", "network")))[0].text
    assert "Rejoins d'abord" in (await eve.send("/propose soudure"))[0].text
    animator = memory.user("animator", "Anim")  # a config animator without a profile is no member
    assert "Rejoins d'abord" in (await animator.send("/profile"))[0].text
