"""What a new user trips over in conversations: a reply typed as a button's label counts as the
press, skills typed at the Interests view are added, a visibility does not end onboarding before
the introductions question, the date step says what it understood, /event during a draft asks
before starting again, and a conversation's question comes back with its buttons after a restart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.memory import MemoryAdapter
from bot.app import build_app
from bot.events.chat.draft import Draft
from storage.models import ConversationState, Member, MemberSkill, Role, Skill, Venue
from testkit import People, make_config


class Hosts(People):
    """Members (and hosts) written straight to the database, each with a memory user to play."""

    def __init__(self, app, clock, memory) -> None:
        super().__init__(app, clock)
        self.memory = memory

    async def member(self, user_id: str, name: str, *, locale: str = "fr", host_of: tuple[str, ...] = ()):
        member_id = await self.add(name, user_id=user_id, locale=locale)
        async with self.app.db.session() as session:
            for slug in host_of:
                venue_id = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
                session.add(Role(member_id=member_id, role="host", venue_id=venue_id))
        return self.memory.user(user_id, name, language=locale)


@pytest.fixture
def people(app, clock, memory) -> Hosts:
    return Hosts(app, clock, memory)


async def venue_code(app, slug: str) -> str:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.join_code).where(Venue.slug == slug))).scalar_one()


async def draft_of(app, user_id: str) -> Draft:
    async with app.db.session() as session:
        row = (await session.execute(select(ConversationState).where(ConversationState.user_id == user_id))).scalar_one()
        return Draft.load(row.data)


async def the_member(app) -> Member:
    async with app.db.session() as session:
        return (await session.execute(select(Member))).scalars().one()


async def host_at_audience_step(host) -> None:
    await host.send("/evenement Repair café")
    await host.send("jeudi 18h30")
    await host.press("Durée par défaut")
    await host.press("Terminé")
    await host.press("Pas de description")
    await host.press("Pas de lien")
    await host.press("Pas de limite")
    assert host.text.startswith("Pour qui ?")


async def test_a_label_typed_instead_of_pressed_is_the_press(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host_at_audience_step(host)
    assert await host.send("tout public", chat=host.group("-100")) == [], "chatter in a group is not an answer"
    assert (await draft_of(app, "10")).audience == []
    await host.send("tout public")
    assert (await draft_of(app, "10")).audience == ["everyone"]
    assert any(b.label == "✓ Tout public" for b in host.last[0].all_buttons())
    await host.send("Tout public !")  # already ticked: typing it again keeps it (a press would untick it)
    assert (await draft_of(app, "10")).audience == ["everyone"]
    await host.send("terminé")
    assert "On publie ?" in host.text
    await host.send("publier")
    assert "publié" in host.text.lower()


async def test_a_label_typed_at_the_privacy_step_chooses_it(app, memory):
    ana = memory.user("1", "Ana")
    await ana.send(f"/start {await venue_code(app, 'hangar')}")
    await ana.send("passer")
    await ana.send("passer")
    await ana.send("tout le réseau")
    assert "Dernière question" in ana.text
    await ana.send("oui")
    assert "C'est tout bon" in ana.text and "Rencontres : oui" in ana.text
    member = await the_member(app)
    assert (member.visibility, member.intro_opt_in) == ("network", True) and member.consent_at is not None


async def test_choosing_a_visibility_first_still_asks_about_introductions(app, memory):
    bob = memory.user("2", "Bob", language="en")
    await bob.send(f"/join {await venue_code(app, 'fabrique')}")
    await bob.press("Skip")
    await bob.press("Skip")
    await bob.press("My venue")
    assert "One last question" in bob.text and "All set" not in bob.text
    assert (await the_member(app)).consent_at is not None, "the visibility is recorded at once"
    await bob.send("maybe")  # neither yes nor no: the question again
    assert "One last question" in bob.text
    await bob.press("No introductions")
    assert "All set! Profile visible to: your venue's members. Introductions: no." in bob.text
    member = await the_member(app)
    assert (member.visibility, member.intro_opt_in) == ("venue", False)
    replies = await bob.send("hello")
    assert "I only understand commands" in replies[0].text, "onboarding is over"


async def test_skills_typed_at_the_interests_view_are_added(app, memory, people):
    ana = await people.member("10", "Ana")
    await ana.send("/profil")
    await ana.press("Intérêts")
    replies = await ana.send("photographie, permaculture")
    assert "I only understand" not in replies[0].text and "Je ne comprends" not in replies[0].text
    async with app.db.session() as session:
        slugs = set((await session.execute(select(Skill.slug).join(MemberSkill).where(
            MemberSkill.kind == "interest"))).scalars())
    assert {"photography", "permaculture"} <= slugs
    await ana.press("‹ Retour")
    assert "Je ne comprends que les commandes" in (await ana.send("vélo"))[0].text, "Back leaves the view"


async def test_the_date_step_says_at_once_what_it_understood(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement Repair café")
    asked = (await host.send("vendredi 19h30"))[0]
    assert asked.title == "C'est noté : ven. 27 nov. 19h30." and asked.text.startswith("Jusqu'à quand")
    bob = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await bob.send("/event Laser night")
    asked = (await bob.send("next friday 7:30pm"))[0]
    assert asked.title.startswith("Got it: Fri ") and "7:30" in asked.title
    await bob.send("/cancel")
    await bob.send("/event Potluck")
    asked = (await bob.send("saturday all day"))[0]
    assert asked.title == "Got it: Sat 28 Nov, all day." and asked.text.startswith("Where?")


async def test_event_during_a_draft_asks_before_starting_again(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement Repair café")
    await host.send("jeudi 18h30")
    await host.press("Durée par défaut")
    assert host.text.startswith("Où ?")
    replies = await host.send("/evenement")
    assert "Tu es en train d'écrire « Repair café » (jeu. 26 nov. 18h30)" in replies[0].text
    draft = await draft_of(app, "10")
    assert draft.title == "Repair café" and draft.start is not None, "nothing is lost by asking"
    await host.press("Continuer")
    assert host.text.startswith("Où ?") and host.find_button("Terminé"), "the step again, with its buttons"
    await host.send("/evenement Soirée jeux")
    await host.press("Recommencer")
    assert host.text.startswith("Titre : « Soirée jeux ». Quand ?")
    assert (await draft_of(app, "10")).title == "Soirée jeux"
    # A draft with nothing typed yet is simply started again.
    await host.send("/annuler")
    await host.send("/evenement")
    assert (await host.send("/evenement"))[0].text.startswith("Quel est le titre")


async def test_a_forged_continue_outside_a_draft_is_refused(app, people):
    from bot.types import Button

    host = await people.member("10", "Ana", host_of=("hangar",))
    assert "plus valable" in (await host.press(Button("Continuer", "ev.cont")))[0].text
    member = await people.member("11", "Zoé")
    assert "hôtes" in (await member.press(Button("Recommencer", "ev.new", "Pirate")))[0].text


async def test_a_conversation_comes_back_with_its_buttons_after_a_restart(sqlite_url, clock):
    first = MemoryAdapter()
    app = await build_app(make_config(sqlite_url), adapters=[first], clock=clock, migrate=False)
    await first.start(app.core)
    ana = first.user("1", "Ana")
    await ana.send(f"/start {await venue_code(app, 'hangar')}")
    await ana.send("compta")
    assert ana.text.splitlines()[-1].startswith("2/4") or "2/4" in ana.text
    await app.close()

    again = MemoryAdapter()
    app = await build_app(make_config(sqlite_url), adapters=[again], clock=clock, migrate=False)
    try:
        await again.start(app.core)
        resumed = await app.core.resume(ana.ref)
        assert resumed.awaits_text and resumed.locale == "fr"
        [question] = resumed
        assert question.text.startswith("2/4") and [b.label for b in question.all_buttons()] == ["Passer"]
        assert not question.edit
        assert list(await app.core.resume(again.user("9", "Nobody").ref)) == []
    finally:
        await app.close()
