"""Issue 17: a venue's opening hours in the choice of a meeting place (a closed venue, or one open on
no day of the fortnight, is never suggested) and in the meeting-place line of the proposal and the
reveal, in French and English, on Telegram and Discord, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from sqlalchemy import update

from adapters.discord.convert import render as discord_render
from adapters.telegram.convert import render as telegram_render
from bot.matchmaking import meeting_place
from bot.matchmaking.meeting_place import EventInfo, Place, Places
from bot.matchmaking.run import run_round
from storage.models import Venue
from tests.features.matchmaking.conftest import any_net  # noqa: F401 -- the fixture, on SQLite and PostgreSQL
from tests.matchmaking.test_meet_place import A, B, MIDDLE, NEAR_A, THURSDAY, add_venues, pair, the_intro


def grid(points, events=None, unavailable=()) -> Places:
    ids = sorted(points)
    return Places(ids, meeting_place.distances([points[i] for i in ids]), np.ones(len(ids), dtype=bool),
                  events or {}, frozenset(unavailable))


def test_a_closed_venue_is_never_suggested_not_even_for_its_event_or_as_ones_own():
    soon = EventInfo(9, "Apéro", THURSDAY, "Europe/Paris")
    assert grid({1: A, 2: B, 3: MIDDLE}).choose([1, 2], ["in_person"] * 2).venue_id == 3
    chosen = grid({1: A, 2: B, 3: MIDDLE, 4: (0.1, 0.5)}, events={4: [soon]}, unavailable={3, 4})
    closed_middle = chosen.choose([1, 2], ["in_person"] * 2)
    assert (closed_middle.venue_id, closed_middle.event) == (1, None)  # a home venue: tie by id
    assert grid({1: A, 4: NEAR_A}, unavailable={4}).choose([4, 4], ["either"] * 2).venue_id == 1
    # Nowhere open: by video for those who said either, nowhere known for those who want to meet in person.
    assert grid({1: A}, unavailable={1}).choose([1, 1], ["either"] * 2) == Place("video")
    assert grid({1: A}, unavailable={1}).choose([1, 1], ["in_person", "either"]) == Place("in_person", None, None,
                                                                                            (None, None))
    # Without coordinates, their own venue, unless it is closed.
    assert grid({1: A}, events={7: [soon]}, unavailable={7}).choose([8, 7], ["either"] * 2).venue_id == 8


def test_the_venues_not_to_suggest_are_those_closed_or_open_on_no_day_of_the_fortnight():
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    rows = [(1, "Sa 10:00-13:00", "Europe/Paris"), (2, "off", "Europe/Paris"), (3, "Mo-Su off", None),
            (4, "24/7", "America/Cayenne"), (5, "illisible", "Europe/Paris"),  # 5: unknown, so open
            (6, "Mo-Fr 09:00-18:00; Dec 01-Dec 31 off", "Europe/Paris"), (7, "Dec 01-Dec 18 off", None)]
    assert meeting_place.unavailable(rows, monday) == {2, 3, 6}  # 7 opens again on the 19th


async def test_hours_are_shown_where_they_decide_and_a_closed_venue_is_skipped(any_app, any_net, clock):
    app, net = any_app, any_net  # on SQLite and on PostgreSQL
    venues = await add_venues(app, "halle", "relais")
    async with app.db.session() as session:  # La Halle, nearest both, is closed for the season
        await session.execute(update(Venue).where(Venue.slug == "halle").values(hours="off"))
        await session.execute(update(Venue).where(Venue.slug == "relais")
                              .values(hours="Mo-Fr 09:00-18:00; Sa 10:00-13:00"))
    ana, hugo = await pair(net)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [to_ana], [to_hugo] = ana.inbox(), hugo.inbox()
    fr = ("Vous pourriez vous retrouver au Relais (ouvert du lundi au vendredi, 9h–18h ; le samedi, 10h–13h) "
          "— 18 km pour toi, 35 km pour Hugo.")
    en = ("You could meet at Le Relais (open Monday to Friday, 9:00–18:00; Saturday, 10:00–13:00) "
          "— 35 km for you, 18 km for Ana.")
    assert fr in to_ana.text and en in to_hugo.text
    assert (await the_intro(app)).meet_venue_id == venues["relais"]
    assert fr in "".join(telegram_render(to_ana.reply).chunks)
    assert en in discord_render(to_hugo.reply)[-1].content

    await ana.user.press(to_ana.reply.all_buttons()[0])
    [revealed] = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert en in revealed.text  # the presser's own reveal, in English
    await app.dispatcher.drain()
    [reveal] = ana.inbox("Voici comment joindre")
    assert fr in reveal.text
    assert fr in "".join(telegram_render(reveal.reply).chunks) and fr in discord_render(reveal.reply)[-1].content
