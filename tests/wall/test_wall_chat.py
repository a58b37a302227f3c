"""The wall in the chat: the consent in onboarding and /profile, /wall (/mur) for hosts and
animators, forged buttons, the hosts' notice, /start ev_<id>, /mydata and /forget."""

from __future__ import annotations

from datetime import timedelta

import dataclasses

from sqlalchemy import select

from bot.config import WebConfig

from storage.models import Role, Venue
from storage.models.wall import WallChange, WallConsent, WallHidden
from testkit import T0
from wall_helpers import client, event, show_on_wall

INTRO_ON = "Oui, propose-moi des rencontres"


async def venue_code(app, slug: str) -> str:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.join_code).where(Venue.slug == slug))).scalar_one()


async def consents(app) -> set[int]:
    async with app.db.session() as session:
        return set((await session.execute(select(WallConsent.member_id))).scalars())


async def hidden(app) -> set[str]:
    async with app.db.session() as session:
        return set((await session.execute(select(WallHidden.item))).scalars())


async def make_host(app, member_id: int, slug: str) -> None:
    async with app.db.session() as session:
        vid = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
        session.add(Role(member_id=member_id, role="host", venue_id=vid))


async def test_onboarding_offers_the_wall_off_by_default_and_remembers_the_choice(app, memory):
    ana = memory.user("1", "Ana Martin", language="fr")
    await ana.send(f"/start {await venue_code(app, 'hangar')}")
    await ana.press("Passer")
    await ana.press("Passer")
    assert "Sur le mur du réseau : non" in ana.text
    await ana.press("Me montrer sur le mur")
    assert ana.last[0].edit and "Sur le mur du réseau : oui" in ana.text
    await ana.press("Tout le réseau")
    await ana.press(INTRO_ON)  # the fourth question: the wall's choice made at the third is kept
    assert len(await consents(app)) == 1
    async with client(app) as http:
        assert [p["name"] for p in (await http.get("/api/wall.json")).json()["people"]] == ["Ana"]


async def test_profile_toggles_the_wall_both_ways(app, memory, people):
    await people.add("Bob", user_id="2", locale="en")
    bob = memory.user("2", "Bob", language="en")
    await bob.send("/profile")
    assert "On the network wall: no" in bob.text
    await bob.press("Show me on the wall")
    assert "On the network wall: yes" in bob.text and len(await consents(app)) == 1
    await bob.press("Stop showing me on the wall")
    assert "On the network wall: no" in bob.text and not await consents(app)


async def test_forged_consent_buttons_change_nothing(app, memory, people):
    await people.add("Bob", user_id="2")
    for payload in ("x:on", "p:maybe", ""):
        replies = await forged(app, memory, "2", "wallc", payload)
        assert "plus valable" in replies[0].text
    assert not await consents(app)
    stranger = await forged(app, memory, "99", "wallc", "p:on")  # never joined
    assert not await consents(app) and stranger


async def forged(app, memory, user_id: str, action: str, payload: str):
    from bot.types import ButtonPressed

    user = memory.user(user_id)
    return await app.core.handle(ButtonPressed(user.ref, user.dm(), action, payload))


async def test_turning_the_wall_on_tells_the_venues_hosts_with_a_hide_button(app, memory, people):
    host = await people.add("Hélène", user_id="h")
    await make_host(app, host, "hangar")
    await people.add("Camille Durand", user_id="c")
    camille = memory.user("c", "Camille")
    await camille.send("/profil")
    await camille.press("Me montrer sur le mur")
    await app.dispatcher.drain()
    [notice] = memory.to_user("h")
    assert "Camille (Le Hangar) apparaît maintenant sur le mur" in notice.text
    helene = memory.user("h", "Hélène")
    await helene.press(notice.reply.buttons[0][0])
    assert "n'apparaît plus sur aucun écran" in helene.text
    assert await hidden(app) == {f"member:{(await consents(app)).pop()}"}


async def test_hosts_hide_their_venues_items_and_not_others(app, memory, people):
    host = await people.add("Hélène", user_id="h")
    await make_host(app, host, "hangar")
    ours = await event(app, "Chez nous", T0 + timedelta(hours=5), venues=("hangar",))
    theirs = await event(app, "Chez eux", T0 + timedelta(hours=6), venues=("fabrique",))
    helene = memory.user("h", "Hélène")
    await helene.send("/mur")
    labels = [b.label for r in helene.last for b in r.all_buttons()]
    assert labels == ["Masquer : Chez nous"] and "section [web]" in helene.text  # no web face configured
    await helene.press("Masquer : Chez nous")
    assert "n'apparaît plus" in helene.text and await hidden(app) == {f"event:{ours}"}
    await helene.send(f"/mur masquer e{theirs}")
    assert "ne dépend pas d'un lieu que tu animes" in helene.text
    forged_press = await forged(app, memory, "h", "wall.h", f"e{theirs}")
    assert "ne dépend pas" in forged_press[0].text and await hidden(app) == {f"event:{ours}"}
    await helene.send(f"/mur remettre e{ours}")
    assert "de retour sur le mur" in helene.text and not await hidden(app)
    await helene.send("/mur n'importe quoi")
    assert "/mur masquer e12" in helene.text
    await helene.send("/mur masquer e99999")
    assert "Je ne trouve rien" in helene.text


async def test_an_animator_hides_anything_and_members_cannot_use_wall(app, memory, people):
    await people.add("Anim", user_id="animator")
    member = await people.add("Zoé", user_id="z")
    await show_on_wall(app, member)
    animator = memory.user("animator", "Anim")
    app.core.config = dataclasses.replace(app.core.config, web=WebConfig(public_url="https://mur.example"))
    await animator.send("/wall")
    assert "https://mur.example/wall" in animator.text and f"Masquer : Zoé" in animator.text + str(animator.last)
    await animator.send(f"/wall hide m{member}")
    assert await hidden(app) == {f"member:{member}"}
    async with client(app) as http:
        assert (await http.get("/api/wall.json")).json()["people"] == []
    zoe = memory.user("z", "Zoé")
    await zoe.send("/mur")
    assert "Masquer" not in zoe.text
    async with app.db.session() as session:
        assert (await session.execute(select(WallChange.topics).order_by(WallChange.id.desc()))).scalars().first()


async def test_an_events_qr_opens_the_bot_on_it_with_rsvp_and_offers_to_join(app, memory, people):
    event_id = await event(app, "Repair café", T0 + timedelta(hours=9))
    newcomer = memory.user("n", "Nina")
    replies = await newcomer.send(f"/start ev_{event_id}")
    assert replies[0].title == "Repair café"
    assert "Quel est ton lieu ?" in replies[1].text
    await people.add("Omar", user_id="o")
    omar = memory.user("o", "Omar")
    replies = await omar.send(f"/start ev_{event_id}")
    assert len(replies) == 1 and any("Je viens" in b.label or "J'y vais" in b.label or b.action == "rsvp"
                                     for b in replies[0].all_buttons())
    await omar.send("/start ev_987654")
    assert "Repair café" not in omar.text


async def test_mydata_and_forget_cover_the_wall(app, memory, people):
    member = await people.add("Lou", user_id="l")
    await show_on_wall(app, member)
    lou = memory.user("l", "Lou")
    await lou.send("/mydata")
    assert "shown_on_wall" in str([r.attachment for r in lou.last]) + lou.text
    from bot.wall.consent import erase
    from storage.models import Member

    async with app.db.session() as session:
        await erase(session, await session.get(Member, member))
    assert not await consents(app)
