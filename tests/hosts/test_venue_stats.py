"""/venue_stats: a host's own venue only, small counts suppressed, buttons re-checked."""

from __future__ import annotations

from datetime import timedelta

from bot.types import Button
from testkit import T0
from tests_hosts_helpers import add_event, make_host, venue_id


async def test_host_sees_their_venue_with_small_counts_suppressed(app, memory, people):
    ana = await people.add("Ana", user_id="10")
    await make_host(app, ana, "hangar")
    for i in range(5):
        await people.add(f"Membre {i}", user_id=str(20 + i))
    await people.add("Cléo", venue="fabrique", user_id="40")
    await add_event(app, "hangar", "Café", T0 + timedelta(days=3))
    reply = await memory.user("10").send("/stats_lieu")
    assert reply[0].title == "Les chiffres du Hangar" and reply[0].private
    assert "Membres : 6" in reply[0].text  # Ana and five others
    assert "moins de 5 dans les 30 prochains" in reply[0].text  # one event: suppressed
    assert "0 ces 30 derniers jours" in reply[0].text
    # not another venue, and not for a member who hosts nothing
    other = await memory.user("10").send("/stats_lieu fabrique")
    assert "Lequel de tes lieux" in other[0].text
    fabrique = await venue_id(app, "fabrique")
    assert "plus valable" in (await memory.user("10").press(Button("x", "vstats", str(fabrique))))[0].text
    refused = await memory.user("40").send("/venue_stats")
    assert "Membres" not in refused[0].text


async def test_animator_chooses_among_all_venues(app, memory):
    animator = memory.user("animator")
    asked = await animator.send("/venue_stats")
    assert "Le Moulin" in [b.label for b in asked[0].all_buttons()]
    shown = await animator.press("La Fabrique")
    assert shown[0].title == "Les chiffres de La Fabrique" and "Membres : 0" in shown[0].text
