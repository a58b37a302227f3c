"""The report of a seeded network matches the figures counted by hand (see reportkit.py)."""

from __future__ import annotations

from reportkit import figure, section, seed, table

from bot.report.service import build_report

NNBSP = "\u202f"


async def report(app, period, locale="en", venue=None):
    async with app.db.session() as session:
        return await build_report(session, app.config, period, now=app.clock.now(), locale=locale, venue_slug=venue)


async def test_members_and_their_venues(app, seeded, period):
    doc = await report(app, period)
    assert doc["period"] == {"from": "2026-11-01", "to": "2026-11-20"}
    assert doc["previous"] == {"from": "2026-10-12", "to": "2026-10-31"}
    assert figure(doc, "members", "Members") == ("18", "8", "+10")
    assert figure(doc, "members", "New members") == ("10", "8", "+2")
    assert figure(doc, "members", "Active in the last 30 days") == ("—", "—", None)  # not back-filled
    # Université (1) is hidden, and La Fabrique (7) with it: the total would give it away.
    assert table(doc, "members_by_venue") == {
        "La Fabrique": ("< 5", "< 5"), "Le Hangar": ("10", "< 5"), "Le Moulin": ("0", "0"),
        "Université": ("< 5", "0"), "Total": ("18", "8")}
    assert table(doc, "new_by_venue") == {
        "La Fabrique": ("5", "< 5"), "Le Hangar": ("< 5", "< 5"), "Le Moulin": ("0", "0"),
        "Université": ("< 5", "0"), "Total": ("10", "8")}
    assert table(doc, "members_by_kind") == {
        "Coworking": ("10", "< 5"), "Fablab": ("< 5", "< 5"), "Tiers-lieu": ("0", "0"), "Partner": ("< 5", "0"),
        "Total": ("18", "8")}
    # One university member: the whole table is hidden, total included.
    assert table(doc, "members_by_partner_kind") == {"University": ("< 5", "0"), "Total": ("< 5", "0")}
    commune = next(t for t in section(doc, "members")["tables"] if t["id"] == "members_by_commune_size")
    assert commune["rows"] == [] and "open data" in commune["note"]


async def test_programme(app, seeded, period):
    doc = await report(app, period)
    assert figure(doc, "programme", "Events") == ("2", "1", "+1")
    assert figure(doc, "programme", "Co-hosted events") == ("1", "0", "+1")
    assert figure(doc, "programme", "RSVPs") == ("13", "< 5", None)
    assert figure(doc, "programme", "Fill rate (events with limited seats)") == ("80.0%", "—", None)
    assert figure(doc, "programme", "Events that drew members of other venues") == ("2", "0", "+2")
    assert figure(doc, "programme", "Attendees from other venues") == ("6", "0", "+6")
    assert table(doc, "events_by_venue") == {
        "La Fabrique": ("2", "0"), "Le Hangar": ("1", "1"), "Le Moulin": ("0", "0"), "Université": ("0", "0")}
    assert table(doc, "events_by_audience") == {"Students": ("1", "0")}


async def test_collaborations_skills_and_light_touch(app, seeded, period):
    doc = await report(app, period)
    assert figure(doc, "collaborations", "Introductions proposed") == ("< 5", "0", None)
    # "We met" is said by each person, so the figure says it counts people, not introductions: beside
    # "Introductions accepted" it may be larger (two people, one introduction).
    assert figure(doc, "collaborations", 'People who said "we met"')[0] == "< 5"
    assert figure(doc, "collaborations", "Share across venues")[0] == "< 5"
    [link] = section(doc, "collaborations")["graph"]["links"]
    # One introduction and one co-hosted event: the small introduction count adds nothing to the width.
    assert link["introductions"] == "< 5" and link["cohosted"] == 1 and link["weight"] == 1
    assert table(doc, "skills_offered") == {"3D printing": ("6", "6"), "Accounting": ("5", "0")}
    assert table(doc, "skills_gaps") == {"Agroecology": ("9", "0")}
    # 12 nudges to 18 members over 20 days = 1.0 a month; before, 3 to 8 members.
    assert figure(doc, "light_touch", "Nudges per member per month") == ("1.0", "0.6", "+0.4")
    assert figure(doc, "light_touch", "Replies and confirmations per member per month") == ("0.5", "0.0", "+0.5")
    # 14 of 18 open to introductions: the 4 others are a small count, so the share is hidden.
    assert figure(doc, "light_touch", "Share of members open to introductions") == ("< 5", "100.0%", None)


async def test_french_numbers_and_partners(app, seeded, period):
    doc = await report(app, period, locale="fr")
    assert figure(doc, "programme", "Taux de remplissage (événements à places limitées)")[0] == f"80,0{NNBSP}%"
    assert figure(doc, "partners", "Partenaires impliqués")[0] == "1"
    assert table(doc, "partners_members") == {"Université (université)": ("< 5", "0")}


async def test_a_very_small_venue_says_so(app, seeded, period):
    doc = await report(app, period, venue="moulin")
    assert doc["small"] and "moins de 5" not in doc["small_note"] and "fewer than 5" in doc["small_note"]
    assert section(doc, "members")["figures"] == [] and section(doc, "skills")["tables"] == []
    assert figure(doc, "programme", "Events") == ("0", "0", "+0")
    hangar = await report(app, period, venue="hangar")
    # Le Hangar had 6 members before, hidden in the network table (the second cell): hidden here too.
    assert not hangar["small"] and figure(hangar, "members", "Members") == ("10", "< 5", None)


async def test_the_same_hand_counts_on_sqlite_and_postgresql(any_app, period):
    await seed(any_app)
    doc = await report(any_app, period)
    assert figure(doc, "members", "Members") == ("18", "8", "+10")
    assert figure(doc, "programme", "RSVPs") == ("13", "< 5", None)
    assert figure(doc, "programme", "Attendees from other venues") == ("6", "0", "+6")
    assert figure(doc, "light_touch", "Nudges per member per month") == ("1.0", "0.6", "+0.4")
    assert table(doc, "skills_gaps") == {"Agroecology": ("9", "0")}


async def test_a_venue_report_never_shows_what_the_network_report_hides(app, seeded, period):
    # The network's table hides La Fabrique's 7 members (the second cell protecting the university's
    # one): La Fabrique's own report must hide them too, or the two reports together would tell.
    fabrique = await report(app, period, venue="fabrique")
    assert figure(fabrique, "members", "Members") == ("< 5", "< 5", None)
    assert figure(fabrique, "members", "New members") == ("5", "< 5", None)
