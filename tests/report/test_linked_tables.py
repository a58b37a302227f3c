"""Tables of the same members are linked: what the per-venue table hides, no other table tells."""

from __future__ import annotations

from collections import Counter
from datetime import date

from reportkit import table

from bot.i18n import Translator
from bot.report.days import Period
from bot.report.document import build
from bot.report.figures import Totals
from bot.report.venues import VenueInfo


def test_a_kind_of_venue_or_a_partner_never_tells_a_hidden_venue():
    infos = [VenueInfo(1, "atelier", "Atelier", "coworking", None, None, None, None, None),
             VenueInfo(2, "bureau", "Bureau", "coworking", None, None, None, None, None),
             VenueInfo(3, "campus", "Campus", "partner", "university", None, None, None, None),
             VenueInfo(4, "dock", "Dock", "fablab", None, None, None, None, None)]
    members = {1: 3, 2: 20, 3: 7, 4: 30}
    stocks = {("members.total", v, ""): n for v, n in members.items()} | {("members.total", 0, ""): 60}
    doc = build(Translator("en"), network="N", infos=infos, period=Period(date(2026, 9, 1), date(2026, 11, 30)),
                current=Totals(flows=Counter(), stocks=stocks), previous=Totals(flows=Counter(), stocks={}),
                min_count=5, skill_labels={}, generated_at="now")
    # Atelier (3) is hidden, Campus (7) with it as the second cell.
    assert {k: v[0] for k, v in table(doc, "members_by_venue").items()} == {
        "Atelier": "< 5", "Bureau": "20", "Campus": "< 5", "Dock": "30", "Total": "60"}
    # Coworking 23 minus Bureau 20 would give Atelier away; Partner 7 would give Campus away.
    assert {k: v[0] for k, v in table(doc, "members_by_kind").items()} == {
        "Coworking": "< 5", "Fablab": "30", "Partner": "< 5", "Total": "60"}
    assert table(doc, "partners_members") == {"Campus (university)": ("< 5", "0")}
    assert table(doc, "members_by_partner_kind")["Total"][0] == "< 5"
