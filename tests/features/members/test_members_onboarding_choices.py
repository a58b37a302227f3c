"""Onboarding never loses an answer: an ambiguous skill holds its step until it is settled, and the
privacy step says what an introduction shows. Also the languages /profile offers."""

from __future__ import annotations

from sqlalchemy import select

from bot.matchmaking.chat import settings as matchmaking_settings
from bot.members.languages import ALIASES, NAMES, language_code
from bot.types import Button
from storage.models import Member, MemberSkill, Skill, Venue


async def start(app, memory, user_id: str, name: str, language: str):
    async with app.db.session() as session:
        code = (await session.execute(select(Venue.join_code).where(Venue.slug == "hangar"))).scalar_one()
    user = memory.user(user_id, name, language=language)
    await user.send(f"/start {code}")
    return user


async def skills_of(app, member_id: int = 1) -> set[tuple[str, str]]:
    async with app.db.session() as session:
        rows = await session.execute(select(MemberSkill.kind, Skill.slug).join(Skill)
                                     .where(MemberSkill.member_id == member_id))
        return {(kind, slug) for kind, slug in rows}


async def test_an_ambiguous_need_waits_for_its_choice_then_the_last_step(app, memory):
    ana = await start(app, memory, "1", "Ana", "fr")
    await ana.press("Passer")
    replies = await ana.send("juriste, financement")
    assert replies[0].text == "Ajouté à ce que tu cherches : juriste (compris comme « Droit des affaires »)."
    assert replies[-1].text.startswith("« financement » peut vouloir dire plusieurs choses")
    assert "3/4" not in ana.text  # the question is not buried under the next step
    replies = await ana.press("Financement participatif")
    assert replies[0].edit and replies[0].text == "Ajouté à ce que tu cherches : Financement participatif."
    step = replies[1].text
    assert step.startswith("3/4") and step.endswith("Choisis qui peut voir ton profil pour continuer.")
    await ana.press("Privé")
    assert "la personne que je te propose voit ton nom, ton lieu et ce qui vous rapproche" in ana.text
    await ana.press("Oui, propose-moi des rencontres")
    assert "Rencontres : oui." in ana.text
    assert await skills_of(app) == {("need", "business-law"), ("need", "crowdfunding")}
    profile = (await ana.send("/profil"))[0].text
    assert "Cherche : Droit des affaires, Financement participatif" in profile and "Rencontres : oui" in profile


async def test_questions_come_one_by_one_and_a_typed_answer_or_skip_settles_them(app, memory):
    bob = await start(app, memory, "2", "Bob", "en")
    replies = await bob.send("design, lawyer, funding")
    assert replies[0].text == "Added to what you offer: lawyer (understood as \"Business law\")."
    assert [r.text for r in replies[1:]] == ["\"design\" could mean several things. Which one?"]
    replies = await bob.send("web design")  # typed while a question is open: the answer to it
    assert replies[0].text == "Added to what you offer: Web design."
    assert replies[1].text.startswith("\"funding\" could mean several things")
    await bob.press("Skip")  # skips this question only
    assert bob.text.startswith("2/4")
    await bob.send("funding")
    await bob.press("None: keep")  # the member's own words, as a custom skill
    assert "funding" in bob.last[0].text and bob.last[-1].text.startswith("3/4")
    assert bob.text.endswith("Pick who can see your profile to carry on.")
    await bob.press("Whole network")
    assert "even if your profile is private" in bob.text
    assert await skills_of(app) == {("offer", "web-design"), ("offer", "business-law"), ("need", "custom-funding")}


async def test_an_old_question_still_adds_and_forged_ones_are_refused(app, memory):
    ana = await start(app, memory, "1", "Ana", "fr")
    question = await ana.send("design")
    await ana.press("Passer")  # skip the question, then the needs step
    await ana.press("Passer")
    await ana.press("Mon lieu")
    await ana.press("Oui, propose-moi des rencontres")
    assert "C'est tout bon" in ana.text
    replies = await ana.press(ana.find_button("Graphisme", question))
    assert len(replies) == 1 and replies[0].edit and "Graphisme" in replies[0].text  # added, nothing else
    assert await skills_of(app) == {("offer", "graphic-design")}
    for action, payload in (("onbpick", "o:99999"), ("onbpick", "x:1"), ("onbkeep", "z:abc"), ("onbkeep", "o:")):
        await ana.press(Button("x", action, payload))
        assert "plus valable" in ana.text
    async with app.db.session() as session:
        assert (await session.get(Member, 1)).visibility == "venue"


async def test_profile_offers_the_languages_introductions_accept(app, memory):
    ana = await start(app, memory, "1", "Ana", "fr")
    await ana.send("/annuler")
    await ana.send("/profil")
    await ana.press("Langues")
    labels = {b.label.removeprefix("✓ ") for r in ana.last for b in r.all_buttons()}
    assert set(NAMES.values()) <= labels
    await ana.press("Brezhoneg")
    async with app.db.session() as session:
        assert (await session.get(Member, 1)).languages == ["fr", "br"]


def test_one_language_list_for_profile_and_introductions():
    assert set(ALIASES.values()) == set(NAMES) and all(ALIASES[code] == code for code in NAMES)
    # Until /introductions imports bot.members.languages, its typed words must name the same languages.
    assert set(matchmaking_settings.LANGUAGES.values()) == set(NAMES)
    assert language_code("Anglais") == language_code("english") == "en" and language_code("klingon") is None


async def test_cancelling_onboarding_says_what_was_kept_and_how_to_erase_it(app, memory):
    ana = await start(app, memory, "1", "Ana", "fr")
    await ana.send("impression 3D")
    cancelled = (await ana.send("/annuler"))[0].text
    assert "Rien de ce que tu étais en train de faire" not in cancelled  # it was kept: say so
    assert "Tu fais partie du réseau" in cancelled and "privé" in cancelled
    assert "Impression 3D" in cancelled and "/oublier" in cancelled
    bob = await start(app, memory, "2", "Bob", "en")
    cancelled = (await bob.send("/cancel"))[0].text
    assert cancelled.startswith("Stopped here.") and "Already on" not in cancelled and "/forget" in cancelled
    assert (await bob.send("/cancel"))[0].text.startswith("There was nothing")
