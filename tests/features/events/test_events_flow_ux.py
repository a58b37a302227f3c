"""The /event conversation says what it understood and what it needs: a date without a time is a
question, "all day" is explicit, a past day is "past", typing at a button step says so, the preview
warns about overnight or long events, and the final messages never count zero."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.types import Button
from events_helpers import make_event, people, publish_fr  # noqa: F401 (fixture)
from jobs import events_digest, events_reminders
from storage.models.events import Event

NO_TIME = "À quelle heure ? Par exemple « jeudi 19h » ou « demain 14h30 »."


async def _event(app) -> Event:
    async with app.db.session() as session:
        return (await session.execute(select(Event).order_by(Event.id.desc()))).scalars().first()


async def test_a_date_without_a_time_asks_for_it_and_all_day_is_said_explicitly(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    asked = (await host.send("/evenement Repair café"))[0]
    assert asked.text.startswith("Titre : « Repair café ». Quand ?")
    for text in ("jeudi soir", "demain", "12/12"):
        assert (await host.send(text))[0].text.startswith(NO_TIME), text
    for text in ("hier 18h", "avant-hier", "Hier à 10h"):
        assert "déjà passée" in (await host.send(text))[0].text, text
    venues = (await host.send("jeudi toute la journée"))[0]
    assert venues.text.startswith("Où ?")  # no end to ask for an all-day event
    await host.press("Terminé")
    await host.press("Pas de description")
    await host.press("Pas de lien")
    await host.press("Pas de limite")
    preview = (await host.press("Terminé"))[0]
    assert "jeu. 26 nov. (toute la journée)" in preview.text and "Attention" not in preview.text
    await host.press("Publier")
    event = await _event(app)
    assert event.all_day and event.starts_at == datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)
    assert event.ends_at == datetime(2026, 11, 26, 23, 0, tzinfo=timezone.utc)


async def test_english_all_day_and_yesterday(app, people):
    host = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await host.send("/event Laser cutting")
    assert (await host.send("thursday evening"))[0].text.startswith("At what time? For example \"thursday 7pm\"")
    assert "already passed" in (await host.send("yesterday 6pm"))[0].text
    assert (await host.send("Friday, all day"))[0].text.startswith("Where?")


async def test_the_end_question_gives_the_default_length_in_hours(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement Repair café")
    assert (await host.send("jeudi 18h"))[0].text.endswith("Par défaut : 2 h.")
    bob = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await bob.send("/event Repair café")
    assert (await bob.send("thursday 6pm"))[0].text.endswith("Default: 2 hours.")


async def test_typing_at_a_button_step_says_to_use_the_buttons(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement Repair café")
    await host.send("jeudi 18h")
    await host.send("20h")
    hint = (await host.send("bonjour"))[0]
    assert hint.text == "Ici, touche un bouton : coche tes lieux puis « Terminé »."
    assert "Terminé" in [b.label for b in hint.all_buttons()]
    ticked = (await host.send("la fabrique"))[0]  # a venue's name is ticked, as the button would
    assert "✓ La Fabrique" in [b.label for b in ticked.all_buttons()]
    await host.press("Terminé")
    await host.press("Pas de description")
    await host.press("Pas de lien")
    tags = (await host.press("Pas de limite"))[0]
    assert "Étudiant·es" in [b.label for b in tags.all_buttons()]  # capitalised like every button
    assert (await host.send("étudiants"))[0].text.startswith("Ici, touche un bouton : coche les publics")
    await host.press("Terminé")
    again = (await host.send("oui"))[0]
    assert again.text == "Ici, touche un des boutons." and "Publier" in [b.label for b in again.all_buttons()]
    await host.press("Publier")
    bob = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await bob.send("/event Repair café")
    await bob.send("thursday 6pm")
    await bob.send("8pm")
    assert (await bob.send("hello"))[0].text == 'Here, tap a button: tick your venues, then "Done".'


async def test_the_preview_warns_about_long_or_overnight_events_and_edits_say_save(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement Soirée jeux")
    await host.send("jeudi 21h")
    await host.send("demain 1h")
    for label in ("Terminé", "Pas de description", "Pas de lien", "Pas de limite"):
        await host.press(label)
    preview = (await host.press("Terminé"))[0]
    assert preview.text.startswith("Attention : ça dure 4 h, jusqu'au ven. 27 nov. 1h. C'est bien ça ?")
    assert preview.text.endswith("On publie ?")
    await host.press("Publier")
    event = await _event(app)
    await host.send(f"/evenement modifier {event.id}")
    await host.press("Date et heure")
    moved = (await host.send("jeudi 18h"))[0]  # it keeps its 4 hours: 18:00-22:00, nothing to warn about
    assert "Attention" not in moved.text and moved.text.endswith("Voici l'aperçu. On enregistre ?")
    await host.press("Modifier")
    await host.press("Fin ou durée")
    long = (await host.send("10h"))[0]
    assert long.text.startswith("Attention : ça dure 10 h, jusqu'au ") and "nov. 4h." in long.text
    bob = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await bob.send(f"/event edit {event.id}")
    await bob.press("End or length")
    assert "Careful: it lasts 9.5 hours" in (await bob.send("9h30"))[0].text


async def test_final_messages_never_count_zero(app, memory, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    assert "que tu puisses annuler" in (await host.send("/evenement annuler"))[0].text
    published = (await publish_fr(host))[0]
    assert published.text == ("C'est publié : « Repair café » est dans le programme. Aucun groupe n'est lié à "
                              "ton lieu : ajoute-moi au groupe et tape /lier_lieu là-bas.")
    event = await _event(app)
    await host.send(f"/evenement modifier {event.id}")
    await host.press("Date et heure")
    await host.send("vendredi 18h30")
    assert (await host.press("Enregistrer"))[0].text == "C'est enregistré. Personne n'était inscrit·e."
    await host.send(f"/evenement modifier {event.id}")
    await host.press("Titre")
    await host.send("Repair café géant")
    assert (await host.press("Enregistrer"))[0].text == "C'est enregistré : « Repair café géant » est à jour."
    confirm = (await host.send(f"/evenement annuler {event.id}"))[0]
    assert confirm.text == "Annuler « Repair café géant » ? Personne n'est inscrit·e pour l'instant."
    assert (await host.press("Oui, annuler"))[0].text == "« Repair café géant » est annulé."


async def test_cancelling_counts_people_and_groups_separately(app, memory, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await people.link(host, "-100hangar")
    await publish_fr(host)
    event = await _event(app)
    for user_id in ("1", "2"):
        member = await people.member(user_id, f"M{user_id}")
        await member.press(Button("x", "rsvp", f"{event.id}:y"))
    assert "les 2 personnes" in (await host.send(f"/evenement annuler {event.id}"))[0].text
    done = (await host.press("Oui, annuler"))[0]
    assert done.text == ("« Repair café » est annulé. J'ai prévenu les 2 personnes inscrites. "
                         "Je l'ai signalé dans 1 groupe.")


async def test_notices_name_the_button_and_group_posts_say_why_they_are_there(app, memory, people, clock):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await people.link(host, "-100hangar")
    now = clock.now()
    event_id = await make_event(app, "Apéro", now + timedelta(hours=30))
    ana = await people.member("1", "Léa")
    await ana.press(Button("x", "rsvp", f"{event_id}:y"))
    clock.advance(hours=7)  # the day-before reminder is due
    async with app.db.session() as session:
        await events_reminders.remind(session, app.config, clock.now())
        await events_digest.digest(session, app.config, clock.now())
    await app.dispatcher.drain()
    [reminder] = ana.inbox()
    assert reminder.text.endswith("Tu ne peux plus venir ? Touche « Je ne viens pas » pour libérer ta place.")
    announcement, digest = memory.to_chat("-100hangar")
    assert announcement.text.endswith("Annoncé ici car ce groupe suit Le Hangar. Un·e hôte peut arrêter avec /delier.")
    assert digest.text.endswith("Ce résumé arrive chaque lundi car ce groupe est lié au réseau ; "
                                "un·e hôte peut l'arrêter avec /delier.")
