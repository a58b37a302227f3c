"""Bootstrapping a territory from the national tiers-lieux open data (CGET 2019, now ANCT).

`read_cget` converts the file's rows to our venue columns, filtered by département, region or
distance, and keeps the fields that matter (INSEE commune code, region, métropole, zone d'emploi,
commune size class, geocoding precision) as a `CgetPlace`. Overseas départements get their own
time zone. `apply_cget` writes them: a place seen before (same source id) is updated; a venue
already in the network with the same name close by (or in the same town, without coordinates) is
linked instead of duplicated; a new one is created **unclaimed**, with a claim code a host gives to
`/claim_venue` (listed by `maillage venues claim-codes`). The licence (Licence Ouverte 2.0) requires
citing the source and its date wherever the venues are shown: `ATTRIBUTION`.
"""

from __future__ import annotations

import csv
import math
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import VenueConfig
from bot.skills.normalize import normalize
from storage.models import Venue
from storage.models.operator import VenueOpenData
from storage.venues import upsert_venue

SOURCE = "cget-2019"
ATTRIBUTION = ("Source : CGET (aujourd'hui ANCT), recensement des tiers-lieux, données de 2019, "
               "Licence Ouverte 2.0 (data.gouv.fr)")
AGE_WARNING = ("the CGET file dates from 2019: many places opened since (and some closed); check the list with "
               "the venues themselves, and add the missing ones with `maillage import venues FILE.csv`")
LOW_PRECISION = 0.6  # below it, the file's geocoding is only the town (or worse)
SAME_PLACE_METRES = 300.0  # a venue of the same name this close is the same place
CLAIM_CODE_BYTES = 12  # 96 random bits, like join codes
KINDS = {"Tiers lieux à dominante coworking": "coworking", "Tiers lieux à dominante fablab": "fablab"}
# Overseas départements and collectivities: their own time zone (metropolitan France: the network's).
OVERSEAS_TIMEZONES = {
    "971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne", "974": "Indian/Reunion",
    "975": "America/Miquelon", "976": "Indian/Mayotte", "977": "America/St_Barthelemy", "978": "America/Marigot",
    "986": "Pacific/Wallis", "987": "Pacific/Tahiti", "988": "Pacific/Noumea",
}


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float


@dataclass
class CgetPlace:
    line: int
    row: dict[str, str]  # our venue columns, for bot.imports.venues.validate
    source_id: str
    insee_code: str | None
    department: str | None
    region: str | None
    metropole: str | None
    employment_zone: str | None
    commune_size: str | None
    precision: float | None


@dataclass
class CgetResult:
    created: list[str] = field(default_factory=list)  # slugs
    updated: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # the network's own cards: same place, or claimed


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def parse_near(text: str) -> tuple[float, float]:
    """"47.21,-1.55" -> (47.21, -1.55); ValueError with the reason otherwise."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not LAT,LON (e.g. 47.218,-1.553)")
    latitude, longitude = float(parts[0]), float(parts[1])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"{text!r}: latitude must be within ±90 and longitude within ±180")
    return latitude, longitude


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text.strip() else None
    except ValueError:
        return None


def _region_matches(wanted: str, code: str, name: str) -> bool:
    wanted = normalize(wanted)
    return wanted == normalize(code) or (bool(wanted) and wanted in normalize(name))


def read_cget(path: Path, *, limit: int | None = None, department: str | None = None, region: str | None = None,
              near: Near | None = None) -> tuple[list[CgetPlace], list[str]]:
    """The file's places passing the filters, and warnings (imprecise geocoding) with line numbers."""
    places: list[CgetPlace] = []
    warnings: list[str] = []
    seen: set[str] = set()
    department = department.strip().upper().lstrip("0") if department else None
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        for source in reader:
            get = lambda key: (source.get(key) or "").strip()  # noqa: E731 - a short local reader
            dep = get("INSEEDEP").upper()
            if department and dep.lstrip("0") != department:
                continue
            if region and not _region_matches(region, get("INSEEREG"), get("NOMREG")):
                continue
            latitude, longitude = _float(get("LAT")), _float(get("LONG"))
            if near is not None and (latitude is None or longitude is None or distance_km(
                    near.latitude, near.longitude, latitude, longitude) > near.radius_km):
                continue
            name, city = get("NOM_TL"), get("NOMCOM")
            slug = "-".join(normalize(f"{name} {city}").split())[:55].strip("-") or "lieu"
            if slug in seen:  # two places with the same name in one town: the file's id tells them apart
                slug = f"{slug}-{get('ID')}"
            seen.add(slug)
            website = get("WEB")
            if website and "://" not in website:
                website = "https://" + website
            address = " ".join(p for p in (get("ADRESSE"), get("CP") if get("CP") != "0" else "", city) if p)
            precision = _float(get("PRECISION"))
            if precision is not None and precision < LOW_PRECISION:
                warnings.append(f"line {reader.line_num}: {name} ({city or '?'}): geocoding precision {precision:.2f} "
                                f"< {LOW_PRECISION}: the map position is approximate, ask the venue")
            places.append(CgetPlace(
                line=reader.line_num,
                row={"slug": slug, "name": name, "kind": KINDS.get(get("TYPO"), "tiers-lieu"), "city": city,
                     "latitude": get("LAT"), "longitude": get("LONG"), "description": address, "website": website,
                     "timezone": OVERSEAS_TIMEZONES.get(dep, "")},
                source_id=get("ID"), insee_code=get("INSEECOM") if get("INSEECOM") not in ("", "0") else None,
                department=dep or None, region=get("NOMREG") or None, metropole=get("NOMMETRO") or None,
                employment_zone=get("NOM_ZE") or None, commune_size=get("COMCLASS") or None, precision=precision))
            if limit and len(places) >= limit:
                break
    return places, warnings


def new_claim_code() -> str:
    return secrets.token_urlsafe(CLAIM_CODE_BYTES)


async def _same_place(session: AsyncSession, venue: VenueConfig, known: list[Venue]) -> Venue | None:
    """An existing venue with the same name, close by (or in the same town when a position is missing)."""
    name = normalize(venue.name)
    for other in known:
        if normalize(other.name) != name:
            continue
        if None not in (venue.latitude, venue.longitude, other.latitude, other.longitude):
            if distance_km(venue.latitude, venue.longitude, other.latitude, other.longitude) * 1000 <= SAME_PLACE_METRES:
                return other
        elif normalize(other.city or "") == normalize(venue.city or ""):
            return other
    return None


async def apply_cget(session: AsyncSession, places: list[CgetPlace], venues: list[VenueConfig],
                     default_timezone: str, now: datetime, *, dry_run: bool = False) -> CgetResult:
    """Create, update or link each place (see the module docstring); with `dry_run`, only count."""
    result = CgetResult()
    origins = {o.source_id: o for o in (await session.execute(
        select(VenueOpenData).where(VenueOpenData.source == SOURCE))).scalars()}
    known = list((await session.execute(select(Venue))).scalars())
    slugs = {v.slug for v in known}
    for place, venue in zip(places, venues):
        origin = origins.get(place.source_id)
        if origin is not None:
            row = await session.get(Venue, origin.venue_id)
            if origin.claimed_at is not None:  # a claimed card is its host's (or the network's): left as it is
                result.linked.append(row.slug)
            else:
                result.updated.append(row.slug)
                if not dry_run:
                    await upsert_venue(session, replace(venue, slug=row.slug), default_timezone)
            if not dry_run:
                _keep_fields(origin, place)
            continue
        twin = await _same_place(session, venue, known)
        if twin is not None:
            result.linked.append(twin.slug)
            if not dry_run and await session.get(VenueOpenData, twin.id) is None:
                # Already the network's (the config, an earlier CSV): its card stays as it is.
                origin = VenueOpenData(venue_id=twin.id, source=SOURCE, source_id=place.source_id,
                                       claim_code=None, claimed_at=now, imported_at=now)
                _keep_fields(origin, place)
                session.add(origin)
            continue
        slug = venue.slug if venue.slug not in slugs else f"{venue.slug[:50]}-{place.source_id}"
        slugs.add(slug)
        result.created.append(slug)
        if dry_run:
            continue
        row, _ = await upsert_venue(session, replace(venue, slug=slug), default_timezone)
        known.append(row)
        origin = VenueOpenData(venue_id=row.id, source=SOURCE, source_id=place.source_id,
                               claim_code=new_claim_code(), imported_at=now)
        _keep_fields(origin, place)
        session.add(origin)
        await session.flush()
    return result


def _keep_fields(origin: VenueOpenData, place: CgetPlace) -> None:
    origin.insee_code, origin.department, origin.region = place.insee_code, place.department, place.region
    origin.metropole, origin.employment_zone = place.metropole, place.employment_zone
    origin.commune_size, origin.precision = place.commune_size, place.precision
