"""/host, /link_venue, /link_network, /unlink: roles re-checked on the server every time."""

from __future__ import annotations

from sqlalchemy import select

from bot.types import Button
from events_helpers import people  # noqa: F401 (fixture)
from storage.models import Role, Venue, VenueChat


async def _chats(app) -> list[tuple]:
    async with app.db.session() as session:
        rows = await session.execute(select(VenueChat.chat_id, VenueChat.purpose, Venue.slug)
                                     .outerjoin(Venue, Venue.id == VenueChat.venue_id).order_by(VenueChat.id))
        return [tuple(r) for r in rows]


async def test_an_animator_makes_a_member_host_and_only_an_animator_can(app, memory, people):
    ana = await people.member("1", "Ana", handle="ana")
    bob = await people.member("2", "Bob")
    assert "réservée à l'équipe" in (await bob.send("/hote ajouter @ana hangar"))[0].text
    animator = memory.user("animator", "Anim")
    reply = (await animator.send("/hote ajouter @ana hangar"))[0].text
    assert "Ana est maintenant hôte du lieu Le Hangar" in reply
    assert "déjà hôte" in (await animator.send("/hote ajouter @ana hangar"))[0].text
    assert "Le Hangar — Ana" in (await animator.send("/hote liste"))[0].text
    assert "Je ne trouve aucun membre" in (await animator.send("/hote ajouter @nobody hangar"))[0].text
    assert "Je ne connais pas le lieu" in (await animator.send("/hote ajouter @ana nowhere"))[0].text
    assert "/hote ajouter @ana hangar" in (await animator.send("/hote promouvoir ana"))[0].text
    # Now Ana can post events.
    assert "titre" in (await ana.send("/evenement"))[0].text
    assert "n'est plus hôte" in (await animator.send("/host remove @ana hangar"))[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(Role))).scalars().all() == []


async def test_hosts_link_their_venue_chat_and_others_cannot(app, memory, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    member = await people.member("2", "Bob")
    group = host.group("-100g", "Hangar chat")
    assert "réservée aux hôtes" in (await member.send("/lier_lieu", chat=group))[0].text
    assert "dans le groupe" in (await host.send("/lier_lieu"))[0].text  # not in a DM
    assert "j'annoncerai ici" in (await host.send("/lier_lieu", chat=group))[0].text
    assert "déjà" in (await host.send("/lier_lieu", chat=group))[0].text
    assert await _chats(app) == [("-100g", "announcements", "hangar")]
    # A host of another venue cannot take over the chat, even with a forged button.
    other = await people.member("11", "Other", host_of=("fabrique",))
    async with app.db.session() as session:
        hangar = (await session.execute(select(Venue.id).where(Venue.slug == "hangar"))).scalar_one()
    assert "pas hôte" in (await other.press(Button("x", "link.venue", str(hangar)), chat=group))[0].text
    assert "dont tu n'es pas hôte" in (await other.send("/lier_lieu", chat=group))[0].text
    assert "rien que tu puisses délier" in (await other.send("/delier", chat=group))[0].text
    assert "plus d'annonces ici pour Le Hangar" in (await host.send("/delier", chat=group))[0].text
    assert await _chats(app) == []


async def test_a_host_of_two_venues_picks_one_and_the_programme_chat_is_for_animators(app, memory, people):
    host = await people.member("10", "Ana", host_of=("hangar", "moulin"))
    group = host.group("-100two")
    picker = (await host.send("/lier_lieu", chat=group))[0]
    assert [b.label for b in picker.all_buttons()] == ["Le Hangar", "Le Moulin"]
    assert "Le Moulin" in (await host.press("Le Moulin", chat=group))[0].text
    assert "réservée à l'équipe" in (await host.send("/lier_reseau", chat=group))[0].text
    animator = memory.user("animator", "Anim")
    assert "programme de tout Réseau Test" in (await animator.send("/link_network", chat=animator.group("-100p")))[0].text
    assert await _chats(app) == [("-100two", "announcements", "moulin"), ("-100p", "programme", None)]
