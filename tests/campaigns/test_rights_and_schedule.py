"""Who may run campaigns and on whom; scheduling in plain words, cancelling, pausing, stopping a
campaign while it sends, and resuming a sending killed halfway with nobody missed or written twice."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.campaigns.sending import deliver_due, send_batch, start_due
from bot.types import Button
from campaign_helpers import compose, make_animator, make_host, people, send_now  # noqa: F401 (fixture)
from storage.models import OutboxMessage
from storage.models.campaigns import Campaign


async def test_a_host_reaches_only_their_venue_and_cannot_target_another(app, memory, people):
    host_id = await people.add("Hana", venue="hangar", user_id="host")
    await make_host(app, host_id, "hangar")
    await people.add("Ana", venue="hangar", user_id="ana")
    await people.add("Bob", venue="fabrique", user_id="bob")
    host = memory.user("host")
    preview = await compose(host, audience="lieu: La Fabrique")
    assert "0 membre" in preview[0].text and "membres du Hangar (ton lieu)" in preview[0].text
    await host.press("Modifier le public")
    preview = await host.press("Tout le monde")
    assert "2 membres" in preview[0].text
    await host.press(host.find_button("Envoyer", preview))
    await send_now(app)
    assert len(memory.to_user("ana")) == 1 and memory.to_user("bob") == []


async def test_members_cannot_run_campaigns_nor_press_their_buttons(app, memory, people):
    await people.add("Ana", venue="hangar", user_id="ana")
    ana = memory.user("ana")
    refusal = (await ana.send("/campagne"))[0].text
    assert "réservée aux hôtes" in refusal, refusal
    for action in ("cp.go", "cp.test", "cp.drop"):
        replies = await ana.press(Button("?", action, "1"))
        assert replies and "Envoyer" not in replies[0].text


async def test_forged_flow_buttons_are_refused(app, memory, people):
    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    host_id = await people.add("Hana", venue="fabrique", user_id="host")
    await make_host(app, host_id, "fabrique")
    animator, host = memory.user("animator"), memory.user("host")
    await compose(animator)  # campaign 1, the animator's, network-wide
    # The host presses Send on the animator's campaign: not in their conversation, not theirs.
    assert "plus valable" in (await host.press(Button("Envoyer", "cp.go", "1")))[0].text
    assert "plus valable" in (await animator.press(Button("Envoyer", "cp.go", "2")))[0].text
    async with app.db.session() as session:
        assert (await session.get(Campaign, 1)).status == "draft"
    assert "Je ne trouve pas de campagne n°1" in (await host.send("/campagne annuler 1"))[0].text


async def test_schedule_in_words_list_pause_resume_cancel(app, memory, people, clock):
    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    await people.add("Ana", venue="hangar", user_id="ana")
    animator = memory.user("animator")
    preview = await compose(animator, when="jeudi 9h sur 2h")
    assert "jeu. 26 nov. 9h" in preview[0].text and "étalée sur 2 h" in preview[0].text
    await animator.press(animator.find_button("Programmer", preview))
    assert "partira jeu. 26 nov. 9h" in animator.text, animator.text
    listing = (await animator.send("/campagne liste"))[0].text
    assert "n°1 · programmée" in listing
    assert await send_now(app) == 0, "not due yet"
    assert "en pause" in (await animator.send("/campagne pause 1"))[0].text
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc))
    assert await send_now(app) == 0, "paused"
    assert "reprise" in (await animator.send("/campagne reprendre 1"))[0].text
    assert "annulée" in (await animator.send("/campagne annuler 1"))[0].text
    assert await send_now(app) == 0 and memory.to_user("ana") == []
    assert "déjà partie ou close" in (await animator.send("/campagne modifier 1"))[0].text
    bad = await compose(animator, when="hier 9h")
    assert "pas compris quand" in bad[0].text or "déjà passé" in bad[0].text, bad[0].text


async def test_a_sending_killed_halfway_resumes_with_no_duplicate_and_nobody_lost(any_app, memory, clock):
    from testkit import People

    app = any_app
    people = People(app, clock)
    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    for n in range(25):
        await people.add(f"M{n}", venue="hangar", user_id=f"m{n}")
    animator = memory.user("animator")
    preview = await compose(animator)
    await animator.press(animator.find_button("Envoyer", preview))
    import dataclasses
    config = dataclasses.replace(app.config, campaigns=dataclasses.replace(app.config.campaigns, batch_size=10))
    [campaign_id] = await start_due(app.db, clock.now())
    assert await send_batch(app.db, config, campaign_id, clock.now()) == 10
    # The process dies here. A new one starts the job again (twice, even).
    await deliver_due(app.db, config, clock.now())
    await deliver_due(app.db, config, clock.now())
    await app.dispatcher.drain()
    async with app.db.session() as session:
        keys = (await session.execute(select(OutboxMessage.key).where(OutboxMessage.purpose == "campaign"))).scalars().all()
        assert len(keys) == len(set(keys)) == 26
        assert (await session.get(Campaign, campaign_id)).status == "sent"
    assert all(len(memory.to_user(f"m{n}")) == 1 for n in range(25))


async def test_stopping_a_sending_campaign_sends_nothing_more(app, memory, people, clock):
    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    for n in range(6):
        await people.add(f"M{n}", venue="hangar", user_id=f"m{n}")
    animator = memory.user("animator")
    preview = await compose(animator, when="maintenant sur 3h")
    await animator.press(animator.find_button("Envoyer", preview))
    await deliver_due(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    users = ["animator"] + [f"m{n}" for n in range(6)]
    early = sum(len([d for d in memory.to_user(u) if "Portes" in d.text]) for u in users)
    assert 1 <= early < 7, "spread: only the first slots are due"
    reply = (await animator.send("/campagne arrêter 1"))[0].text
    assert "arrêtée" in reply
    clock.advance(hours=4)
    await send_now(app)
    assert sum(len([d for d in memory.to_user(u) if "Portes" in d.text]) for u in users) == early
    async with app.db.session() as session:
        cancelled = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                           .where(OutboxMessage.status == "cancelled"))).scalar_one()
    assert cancelled == 7 - early


async def test_members_of_one_chat_and_event_audience_tags(app, memory, people, clock):
    from datetime import timedelta

    from bot.types import MemberJoined
    from storage.models import VenueChat
    from storage.models.events import Event, Rsvp

    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    ana = await people.add("Ana", user_id="ana")
    bob = await people.add("Bob", user_id="bob")
    await people.add("Cleo", user_id="cleo")
    async with app.db.session() as session:
        session.add(VenueChat(venue_id=None, platform="memory", chat_id="-100club", purpose="community",
                              title="Club des makers", created_at=clock.now()))
        event = Event(title="Atelier", starts_at=clock.now() + timedelta(days=2), ends_at=clock.now() + timedelta(days=2, hours=2),
                      timezone="Europe/Paris", status="published", audience=["students"], published_at=clock.now())
        session.add(event)
        await session.flush()
        session.add(Rsvp(event_id=event.id, member_id=bob, status="going", queued_at=clock.now()))
    user = memory.user("ana")
    await app.core.handle(MemberJoined(user.ref, user.group("-100club", "Club des makers")))
    animator = memory.user("animator")
    preview = await compose(animator, audience="membres du groupe: Club des makers")
    assert "1 membre : 1 le recevra maintenant" in preview[0].text, preview[0].text
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    assert [u for u in ("ana", "bob", "cleo") if memory.to_user(u)] == ["ana"]
    preview = await compose(animator, audience="public: étudiants")
    assert "1 membre" in preview[0].text and "tu vas aux événements pour étudiant·es" in preview[1].text
    await animator.press(animator.find_button("Modifier le public", preview))
    bad = await animator.send("membres du groupe: Inconnu")
    assert "Je ne connais pas de groupe lié" in bad[0].text
    assert ana and bob


async def test_a_recurring_campaign_with_an_event_sign_up_goes_again_next_week(app, memory, people, clock):
    from datetime import timedelta

    from storage.models.events import Event

    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    await people.add("Ana", user_id="ana")
    async with app.db.session() as session:
        session.add(Event(title="Repair café", starts_at=clock.now() + timedelta(days=20),
                          ends_at=clock.now() + timedelta(days=20, hours=2), timezone="Europe/Paris",
                          status="published", audience=[], published_at=clock.now()))
    animator = memory.user("animator")
    await animator.send("/campagne")
    await animator.send("Le repair café vous attend")
    await animator.press("Passer")
    await animator.press("Inscription")
    await animator.press("Repair café")
    await animator.press("C'est bon")
    await animator.press("Tout le monde")
    preview = await animator.send("chaque lundi 10h")
    assert "lun. 30 nov. 10h" in preview[0].text and "0 10 * * mon" in preview[0].text, preview[0].text
    await animator.press(animator.find_button("Programmer", preview))
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
    await send_now(app)
    [first] = memory.to_user("ana")
    assert [(b.action, b.payload) for b in first.reply.all_buttons()][0] == ("rsvp", "1:y")
    assert "tu viens à « Repair café »" in (await memory.user("ana").press(first.reply.all_buttons()[0]))[0].text
    async with app.db.session() as session:
        campaign = await session.get(Campaign, 1)
        assert (campaign.status, campaign.occurrence) == ("scheduled", 1)
        assert campaign.send_at == datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc))
    await send_now(app)
    assert len([d for d in memory.to_user("ana") if "repair café" in d.text]) == 2


async def test_an_announcement_goes_to_the_bound_chats_and_not_by_dm(app, memory, people, clock):
    from storage.models import VenueChat

    anim_id = await people.add("Anim", user_id="animator")
    await make_animator(app, anim_id)
    await people.add("Ana", user_id="ana")
    async with app.db.session() as session:
        session.add(VenueChat(venue_id=None, platform="memory", chat_id="-100prog", purpose="programme",
                              title="Programme", created_at=clock.now()))
    animator = memory.user("animator")
    preview = await compose(animator, audience="groupes: oui", link="https://reseau.example/portes")
    assert "Une annonce dans les groupes liés" in preview[0].text
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    await send_now(app)
    [post] = memory.to_chat("-100prog")
    assert "Portes ouvertes" in post.text and "Une campagne du réseau Réseau Test" in post.text
    assert [b.label for b in post.reply.all_buttons()] == ["En savoir plus"], "no personal buttons in a group"
    assert memory.to_user("ana") == []
