"""/host add tells the new host (with the hosts' chat invite), suggests members by name;
/link_hosts binds the hosts' group; every press is re-checked."""

from __future__ import annotations

from sqlalchemy import select

from bot.types import Button, CommandInvoked
from storage.models import Role, VenueChat
from testkit import People


async def test_link_hosts_then_a_new_host_is_told_with_the_invite(app, memory, people):
    animator = memory.user("animator")
    group = animator.group("-500", "Hôtes du réseau")
    bad = await animator.send("/lier_hotes pas-un-lien", chat=group)
    assert "https://" in bad[0].text
    done = await animator.send("/lier_hotes https://t.me/+AbCdEf", chat=group)
    assert "celui des hôtes" in done[0].text
    await people.add("Léa Bernard", user_id="10")
    added = await animator.send("/hote ajouter Léa Bernard hangar")
    assert "Léa Bernard est maintenant hôte du lieu Le Hangar" in added[0].text
    await app.dispatcher.drain()
    [welcome] = memory.to_user("10")
    assert "Le Hangar" in welcome.text and "/stats_lieu" in welcome.text and "https://t.me/+AbCdEf" in welcome.text
    # not for a member: /link_hosts is for animators
    await people.add("Max", user_id="20")
    refused = await memory.user("20").send("/lier_hotes", chat=memory.user("20").group("-600"))
    async with app.db.session() as session:
        chats = (await session.execute(select(VenueChat.chat_id).where(VenueChat.purpose == "hosts"))).scalars().all()
    assert chats == ["-500"] and refused
    # /unlink by the animator undoes it
    undone = await animator.send("/delier", chat=group)
    assert "groupe des hôtes" in undone[0].text


async def test_host_add_suggests_members_by_name_and_rechecks_the_press(app, memory, people):
    await people.add("Léa Bernard", user_id="10")
    await people.add("Léo Martin", user_id="11")
    animator = memory.user("animator")
    asked = await animator.send("/hote ajouter Lé hangar")
    labels = [b.label for b in asked[0].all_buttons()]
    assert labels == ["Léa Bernard", "Léo Martin"]
    done = await animator.press("Léo Martin")
    assert "Léo Martin est maintenant hôte" in done[0].text
    # a member pressing a forged suggestion is refused by the core's access check
    await people.add("Max", user_id="20")
    forged = await memory.user("20").press(Button("x", "host.pick", asked[0].all_buttons()[0].payload))
    assert "hôte" not in forged[0].text or "Léa" not in forged[0].text
    assert "plus valable" in (await animator.press(Button("x", "host.pick", "a:999999:1")))[0].text
    async with app.db.session() as session:
        hosts = (await session.execute(select(Role.member_id).where(Role.role == "host"))).scalars().all()
    assert len(hosts) == 1
    nobody = await animator.send("/hote ajouter Zzz hangar")
    assert "Je ne trouve aucun membre" in nobody[0].text


async def test_host_completion_suggests_names(app, memory, people):
    await people.add("Léa Bernard", user_id="10")
    event = CommandInvoked(memory.user("animator").ref, memory.user("animator").dm(), "hote", "ajouter Lé")
    found = await app.core.complete(event, "host_members", "ajouter Lé")
    assert found == [("ajouter Léa Bernard ", "Léa Bernard")]
    member_event = CommandInvoked(memory.user("10").ref, memory.user("10").dm(), "hote", "ajouter Lé")
    assert await app.core.complete(member_event, "host_members", "ajouter Lé") == []


async def test_names_with_accents_are_found_in_any_case_on_both_databases(any_app, memory, clock):
    """SQLite's own lower() leaves "É" as it is; PostgreSQL's lowers it: both must find Émilie."""
    people = People(any_app, clock)
    await people.add("Émilie Durand", user_id="30")
    await people.add("Émile Zola", user_id="31")
    animator = memory.user("animator")
    exact = await animator.send("/hote ajouter émilie durand hangar")
    assert "Émilie Durand est maintenant hôte du lieu Le Hangar" in exact[0].text
    asked = await animator.send("/hote ajouter ÉMIL hangar")
    assert [b.label for b in asked[0].all_buttons()] == ["Émile Zola", "Émilie Durand"]
