"""Changes, cancellations, reminders and the weekly digest reach exactly the right people, once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.types import Button
from events_helpers import make_event, people, publish_fr  # noqa: F401 (fixture)
from jobs import events_digest, events_reminders
from storage.models import OutboxMessage
from storage.models.events import Event

THURSDAY = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)  # 18:30 in Paris


async def _setup(app, people, capacity: int = 1):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await people.link(host, "-100hangar")
    await publish_fr(host, capacity=str(capacity))
    async with app.db.session() as session:
        event_id = (await session.execute(select(Event.id))).scalar_one()
    going = await people.member("1", "Going")
    waiting = await people.member("2", "Waiting")
    outsider = await people.member("3", "Outsider")
    await going.press(Button("x", "rsvp", f"{event_id}:y"))
    await waiting.press(Button("x", "rsvp", f"{event_id}:y"))
    await app.dispatcher.drain()
    return host, event_id, going, waiting, outsider


async def test_a_change_of_time_is_sent_once_per_change_to_people_going(app, memory, people):
    host, event_id, going, waiting, outsider = await _setup(app, people)
    await host.send("/evenement modifier")
    await host.press("jeu. 26 nov.")
    await host.press("Date et heure")
    preview = await host.send("vendredi 18h30")
    assert "ven. 27 nov. 18h30–20h" in preview[0].text
    assert "Complet" in preview[0].text and "places libres" not in preview[0].text  # as in the notice
    assert "2 personnes" in (await host.press("Enregistrer"))[0].text  # going and waiting
    await app.dispatcher.drain()
    [notice] = going.inbox()
    assert notice.reply.title == "Changement : Repair café" and "ven. 27 nov." in notice.text
    assert notice.text.endswith("Tu ne peux plus venir ? Touche « Je ne viens pas » pour libérer ta place.")
    assert len(waiting.inbox()) == 1 and outsider.inbox() == [] and host.inbox() == []
    [waiting_notice] = waiting.inbox()
    assert "sur liste d'attente" in waiting_notice.text and "libérer ta place" not in waiting_notice.text
    assert waiting_notice.text.endswith("pour quitter la liste d'attente.")
    # A change of the description only is not a change of time or place: nobody is told.
    await host.send(f"/evenement modifier {event_id}")
    await host.press("Description")
    await host.send("Nouvelle description")
    await host.press("Enregistrer")
    # A second move is a second change: told again, once.
    await host.send(f"/evenement modifier {event_id}")
    await host.press("Date et heure")
    await host.send("samedi 10h")
    await host.press("Enregistrer")
    await app.dispatcher.drain()
    assert len(going.inbox()) == 2 and len(waiting.inbox()) == 2 and outsider.inbox() == []


async def test_cancelling_tells_people_going_and_the_chats_once_and_closes_rsvps(app, memory, people):
    host, event_id, going, waiting, outsider = await _setup(app, people)
    await host.send("/evenement annuler")
    confirm = await host.press("jeu. 26 nov.")
    assert "Annuler « Repair café »" in confirm[0].text
    done = await host.press("Oui, annuler")
    assert "est annulé" in done[0].text
    await app.dispatcher.drain()
    assert [d.reply.title for d in going.inbox()] == ["Annulé : Repair café"]
    assert len(waiting.inbox()) == 1 and outsider.inbox() == []
    assert [d.reply.title for d in memory.to_chat("-100hangar")] == ["Nouvel événement : Repair café",
                                                                      "Annulé : Repair café"]
    # Pressing the old confirmation again, or RSVPing, changes nothing and sends nothing.
    assert "déjà annulé" in (await host.press(Button("x", "ev.cxy", str(event_id))))[0].text
    assert "annulé" in (await outsider.press(Button("x", "rsvp", f"{event_id}:y")))[0].text
    await app.dispatcher.drain()
    assert len(going.inbox()) == 1 and len(memory.to_chat("-100hangar")) == 2


async def test_forged_edit_and_cancel_buttons_are_refused(app, memory, people):
    host, event_id, going, waiting, outsider = await _setup(app, people)
    other_host = await people.member("11", "Other", host_of=("fabrique",))
    for who, expected in ((outsider, "réservée aux hôtes"), (other_host, "Seuls les hôtes")):
        for action in ("ev.ed", "ev.cx", "ev.cxy"):
            reply = (await who.press(Button("x", action, str(event_id))))[0]
            assert expected in reply.text, (action, reply.text)
    async with app.db.session() as session:
        assert (await session.get(Event, event_id)).status == "published"
    animator = memory.user("animator", "Anim")
    assert "Annuler « Repair café »" in (await animator.press(Button("x", "ev.cx", str(event_id))))[0].text


async def test_reminders_go_to_people_going_only_once_each(app, memory, people, clock):
    host, event_id, going, waiting, outsider = await _setup(app, people)
    await app.dispatcher.drain()
    for _ in range(2):  # the job runs every few minutes: each run after the first writes nothing
        await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert going.inbox() == [], "the event is 32 hours away: no reminder yet"
    clock.set(THURSDAY - timedelta(hours=23))
    for _ in range(2):
        await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [day_before] = going.inbox()
    assert day_before.reply.title == "Rappel : Repair café" and "jeu. 26 nov. 18h30" in day_before.text
    assert waiting.inbox() == [] and outsider.inbox() == [] and host.inbox() == []
    clock.set(THURSDAY - timedelta(minutes=50))
    for _ in range(2):
        await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert len(going.inbox()) == 2 and waiting.inbox() == []
    async with app.db.session() as session:
        purposes = (await session.execute(select(OutboxMessage.nudge).where(
            OutboxMessage.purpose == "event_reminder"))).scalars().all()
    assert purposes == [False, False], "reminders are wanted: not nudges"


async def test_a_member_who_just_said_going_gets_no_day_before_reminder(app, people, clock):
    event_id = await make_event(app, "Soon", clock.now() + timedelta(hours=5))
    ana = await people.member("1", "Ana")
    await ana.press(Button("x", "rsvp", f"{event_id}:y"))
    await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert ana.inbox() == []
    clock.advance(hours=4, minutes=30)
    await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox()) == 1


async def test_seats_freed_by_forget_are_given_to_the_waiting_list_by_the_job(app, memory, people, clock):
    host, event_id, going, waiting, outsider = await _setup(app, people)
    await going.send("/oublier")
    await going.press("Oui")
    await events_reminders.run(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert [d.reply.title for d in waiting.inbox()] == ["Une place s'est libérée : Repair café"]


async def test_the_weekly_digest_goes_once_to_each_linked_chat_and_skips_empty_weeks(app, memory, people, clock):
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # 9:00 in Paris
    clock.set(monday)
    host = await people.member("10", "Ana", host_of=("hangar",))
    await people.link(host, "-100hangar")
    await people.link(memory.user("animator"), "-100prog", "/lier_reseau")
    assert await events_digest.run(app.db, app.config, clock.now()) == 0  # nothing this week: skipped
    await make_event(app, "Mardi", monday + timedelta(days=1), announce=False)
    await make_event(app, "Dimanche soir", datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc), venues=("fabrique",),
                     announce=False)
    await make_event(app, "Semaine prochaine", datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc), announce=False)
    assert await events_digest.run(app.db, app.config, clock.now()) == 2
    clock.advance(hours=3)
    assert await events_digest.run(app.db, app.config, clock.now()) == 0  # once per week
    await app.dispatcher.drain()
    [digest] = memory.to_chat("-100hangar")
    assert digest.reply.title == "La semaine dans Réseau Test"
    assert "Mardi" in digest.text and "Dimanche soir (La Fabrique)" in digest.text and "prochaine" not in digest.text
    assert memory.to_chat("-100prog")[0].text == digest.text


async def test_the_jobs_are_scheduled_from_the_config(app):
    from jobs.scheduler import build_scheduler

    scheduler = build_scheduler(app)
    digest = scheduler.get_job("events_digest")
    assert digest is not None and "day_of_week='mon'" in str(digest.trigger) and "hour='9'" in str(digest.trigger)
    assert scheduler.get_job("events_reminders").trigger.interval == timedelta(minutes=5)


def test_events_config_problems_name_the_key():
    from bot.config import EventsConfig

    assert EventsConfig().problems() == []
    found = EventsConfig(programme_chat="-100123", digest_cron="every monday", reminder_hours=(24.0, 24.0)).problems()
    assert any(p.startswith("programme_chat:") for p in found)
    assert any(p.startswith("digest_cron:") for p in found)
    assert any(p.startswith("reminder_hours:") for p in found)
    assert EventsConfig(programme_chat="telegram:-100123").programme_target() == ("telegram", "-100123")


def test_a_digest_missed_while_down_is_caught_up_the_same_day_only():
    from datetime import datetime, timezone

    from jobs.events_digest import missed_fire

    utc = timezone.utc
    # Monday 2026-11-30 09:00 Paris is 08:00 UTC.
    assert missed_fire("0 9 * * mon", "Europe/Paris", datetime(2026, 11, 30, 10, 0, tzinfo=utc)) == \
        datetime(2026, 11, 30, 8, 0, tzinfo=utc)
    assert missed_fire("0 9 * * mon", "Europe/Paris", datetime(2026, 11, 30, 7, 0, tzinfo=utc)) is None  # not yet
    assert missed_fire("0 9 * * mon", "Europe/Paris", datetime(2026, 12, 2, 10, 0, tzinfo=utc)) is None  # too late


async def test_a_hosts_event_list_says_which_event_each_button_changes(app, people):
    host, event_id, *_ = await _setup(app, people)
    listing = await host.send("/mesevenements")
    rows = [[b.label for b in row] for reply in listing for row in reply.buttons
            if any(b.action in ("ev.ed", "ev.cx") for b in row)]
    # Beside "Modifier X", a bare "Annuler" read like /annuler (drop what I am doing): it names its object.
    assert rows == [["Modifier Repair café", "Annuler l'événement"]]
