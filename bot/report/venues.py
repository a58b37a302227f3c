"""What the report knows of a venue: names, kind, coordinates, and its territory when imported.

The commune fields come from the national open data (the tiers-lieux base: `POPCOM`, the commune's
population, and `COMCLASS`, its size class: "0-5000", "5000-20000", "20000-50000", "50000-100000",
"100000 et plus"), which `maillage import venues --from-cget` keeps beside the venue
(`VenueOpenData.commune_size`); venues from the config carry none, and the report says when none is
known. Sizes use the open data's own classes; rural/urban needs the population (INSEE's historical
rule: under 2,000 inhabitants) or an explicit rural field.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Venue
from storage.models.operator import VenueOpenData

POPULATION_FIELDS = ("commune_population", "population", "popcom", "pop_commune")
CLASS_FIELDS = ("commune_size_class", "commune_class", "commune_size", "comclass", "size_class")
RURAL_FIELDS = ("rural", "is_rural")
URBAN_RURAL_FIELDS = ("urban_rural", "rural_urban", "density_class")
RURAL_BELOW = 2000  # INSEE's historical threshold: a rural commune has fewer than 2,000 inhabitants
SIZE_BANDS = ((5000, "lt5k"), (20000, "5k_20k"), (50000, "20k_50k"), (100000, "50k_100k"))
TOP_BAND = "100k_plus"
OPEN_DATA_CLASSES = {"0-5000": "lt5k", "5000-20000": "5k_20k", "20000-50000": "20k_50k",
                     "50000-100000": "50k_100k", "100000 et plus": TOP_BAND}


@dataclass(frozen=True)
class VenueInfo:
    id: int
    slug: str
    name: str
    kind: str
    partner_kind: str | None
    latitude: float | None
    longitude: float | None
    size: str | None  # a size band key ("lt2k"...) or the open data's own class text
    rural: bool | None


def _first(sources: tuple, names: tuple[str, ...]):
    for source in sources:
        for name in names:
            value = getattr(source, name, None)
            if value not in (None, ""):
                return value
    return None


def size_band(population: int) -> str:
    for limit, band in SIZE_BANDS:
        if population < limit:
            return band
    return TOP_BAND


def territory(venue: Venue, open_data: VenueOpenData | None = None) -> tuple[str | None, bool | None]:
    """(size band or class, rural?) from whatever commune fields the venue and its open data carry."""
    sources = (venue,) if open_data is None else (venue, open_data)
    population = _first(sources, POPULATION_FIELDS)
    try:
        population = int(population) if population is not None else None
    except (TypeError, ValueError):
        population = None
    size = size_band(population) if population is not None else _first(sources, CLASS_FIELDS)
    if isinstance(size, str):
        size = OPEN_DATA_CLASSES.get(size.strip().lower(), size.strip())
    rural = _first(sources, RURAL_FIELDS)
    if rural is None:
        label = _first(sources, URBAN_RURAL_FIELDS)
        if isinstance(label, str):
            rural = label.strip().lower().startswith("rur")
        elif population is not None:
            rural = population < RURAL_BELOW
    return (str(size) if size is not None else None), (bool(rural) if rural is not None else None)


async def venue_infos(session: AsyncSession) -> list[VenueInfo]:
    infos = []
    open_data = {row.venue_id: row for row in (await session.execute(select(VenueOpenData))).scalars()}
    for venue in (await session.execute(select(Venue))).scalars():
        size, rural = territory(venue, open_data.get(venue.id))
        infos.append(VenueInfo(venue.id, venue.slug, venue.name, venue.kind, venue.partner_kind,
                               venue.latitude, venue.longitude, size, rural))
    return sorted(infos, key=lambda info: sort_key(info.name))


def sort_key(name: str) -> str:
    """Alphabetical as a reader expects it: "École" with the E's, "L'Usine" with the U's."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for article in ("l'", "la ", "le ", "les "):
        if plain.startswith(article):
            return plain[len(article):]
    return plain
