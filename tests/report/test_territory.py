"""Members by commune size and rural/urban, from the open-data fields venues may carry.

Venues imported from the national open data keep its commune fields in `VenueOpenData` (migration
0014); `territory` also reads other names a future import may use, so most tests give it plain
objects with those attributes and build the document from totals directly; one reads a real row.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

from reportkit import table

from bot.i18n import Translator
from bot.report.days import Period
from bot.report.document import build
from bot.report.figures import Totals
from sqlalchemy import select

from bot.report.venues import VenueInfo, size_band, territory, venue_infos
from storage.models import Venue
from storage.models.operator import VenueOpenData


def test_territory_from_whatever_fields_the_venue_carries():
    assert territory(SimpleNamespace(commune_population=1500)) == ("lt5k", True)
    assert territory(SimpleNamespace(population="298029")) == ("100k_plus", False)
    # The open data's own class (COMCLASS) without the population: a size, but rural is not known.
    assert territory(SimpleNamespace(comclass="20000-50000")) == ("20k_50k", None)
    assert territory(SimpleNamespace(commune_size_class="100000 et plus")) == ("100k_plus", None)
    assert territory(SimpleNamespace(commune_class="0-5000", urban_rural="Rural")) == ("lt5k", True)
    assert territory(SimpleNamespace(commune_class="autre classe")) == ("autre classe", None)
    assert territory(SimpleNamespace(name="no open data")) == (None, None)
    assert [size_band(n) for n in (0, 4999, 5000, 19999, 20000, 49999, 50000, 99999, 100000)] == [
        "lt5k", "lt5k", "5k_20k", "5k_20k", "20k_50k", "20k_50k", "50k_100k", "50k_100k", "100k_plus"]


def info(venue_id, name, population):
    size, rural = territory(SimpleNamespace(commune_population=population))
    return VenueInfo(venue_id, name.lower(), name, "tiers-lieu", None, None, None, size, rural)


def test_members_by_commune_size_and_rural_urban_with_suppression():
    infos = [info(1, "Bourg", 900), info(2, "Village", 1800), info(3, "Ville", 45000), info(4, "Métropole", 300000)]
    current = Totals(stocks={("members.total", 0, ""): 60, ("members.total", 1, ""): 3, ("members.total", 2, ""): 9,
                             ("members.total", 3, ""): 20, ("members.total", 4, ""): 25}, flows=Counter())
    previous = Totals(stocks={("members.total", 0, ""): 40, ("members.total", 3, ""): 15,
                              ("members.total", 4, ""): 25}, flows=Counter())
    doc = build(Translator("en"), network="N", infos=infos, period=Period(date(2026, 9, 1), date(2026, 11, 30)),
                current=current, previous=previous, min_count=5, skill_labels={}, generated_at="now")
    # 3 + 9 in small communes; 3 members have no home venue: "Not known" (3) is hidden, and the
    # smallest other cell (12) with it, so the total gives nothing away.
    assert table(doc, "members_by_commune_size") == {
        "Under 5,000 inhabitants": ("< 5", "0"), "20,000 to 50,000 inhabitants": ("20", "15"),
        "100,000 inhabitants and more": ("25", "25"), "Not known": ("< 5", "0"), "Total": ("60", "40")}
    assert table(doc, "members_rural_urban") == {
        "Rural communes (under 2,000 inhabitants)": ("< 5", "0"), "Urban communes": ("45", "40"),
        "Not known": ("< 5", "0"), "Total": ("60", "40")}


async def test_an_imported_venue_s_commune_class_reaches_the_report(app):
    async with app.db.session() as session:
        hangar = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
        session.add(VenueOpenData(venue_id=hangar.id, source="cget-2019", source_id="42", commune_size="20000-50000"))
    async with app.db.session() as session:
        by_slug = {venue.slug: venue for venue in await venue_infos(session)}
    assert (by_slug["hangar"].size, by_slug["hangar"].rural) == ("20k_50k", None)
    assert {by_slug[slug].size for slug in by_slug if slug != "hangar"} == {None}
