"""Issue 15: bootstrapping a territory from the CGET 2019 open data: filters, the fields kept,
overseas time zones, unclaimed venues and their claim codes, no duplicates on re-import, the
source cited, the 2019 and geocoding warnings."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.cli import main
from bot.imports.cget import distance_km
from storage.db import Database
from storage.models import Venue
from storage.models.operator import VenueOpenData

HEADER = ("ID,NOM_TL,ADRESSE,CP,COMINIT,INSEECOM,NOMCOM,WEB,TWITTER,FACEBOOK,TYPO,LAT,LONG,GEOCOD,PRECISION,METRO,"
          "NOMMETRO,INSEEREG,NOMREG,INSEEMETRO,INSEEDEP,NOMCOMMETRO,POPCOM,COMCLASS,INSEE_ZE,NOM_ZE,CLASS_ZE,POP_ZE\n")
ROWS = [
    # Nantes, precise; the config's "Le Hangar" 60 m away under the same name: the same place.
    "1,ADE Coworking,9 Rue du Petit Châtelier,44300,Nantes,44109,Nantes,www.ade-coworking.net,,,Tiers lieux à "
    "dominante coworking,47.245935,-1.505602,x,0.94,1,Nantes Métropole,52,Pays de la Loire,44109,44,Nantes,298029,"
    "100000 et plus,5203,NANTES,500 000-6 000 000,1061271",
    "2,Le Hangar,1 quai,44000,Nantes,44109,Nantes,,,,Tiers lieux à dominante coworking,47.2070,-1.5630,x,0.9,1,"
    "Nantes Métropole,52,Pays de la Loire,44109,44,Nantes,298029,100000 et plus,5203,NANTES,x,1",
    # Saint-Nazaire, imprecise geocoding.
    "3,La Cale,,44600,Saint-Nazaire,44184,Saint-Nazaire,,,,Tiers lieux à dominante fablab,47.27,-2.21,x,0.45,0,,52,"
    "Pays de la Loire,,44,,71000,50000-100000,5204,SAINT-NAZAIRE,x,1",
    # Guyane.
    "4,Kaz Coworking,,97300,Cayenne,97302,Cayenne,,,,Tiers lieux à dominante coworking,4.93,-52.33,x,0.9,0,,03,"
    "Guyane,,973,,61000,50000-100000,0302,CAYENNE,x,1",
    # Lyon.
    "5,La Myne,,69100,Villeurbanne,69266,Villeurbanne,,,,,45.77,4.88,x,0.95,1,Métropole de Lyon,84,Auvergne et "
    "Rhône-Alpes,,69,,150000,100000 et plus,8201,LYON,x,1",
]


def _write(tmp_path, rows=ROWS):
    path = tmp_path / "cget.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _read(url: str):
    async def go():
        db = Database(url)
        try:
            async with db.session() as session:
                rows = await session.execute(select(Venue, VenueOpenData).outerjoin(
                    VenueOpenData, VenueOpenData.venue_id == Venue.id))
                return {venue.slug: (venue, origin) for venue, origin in rows}
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_distance():
    assert 330 < distance_km(48.8566, 2.3522, 45.7640, 4.8357) < 400  # Paris-Lyon


def test_filters_by_department_region_and_distance(tmp_path, config_file, sqlite_url, capsys):
    source = _write(tmp_path)
    assert main(["--config", config_file, "import", "venues", source, "--from-cget", "--department", "973",
                 "--dry-run"]) == 0
    assert "would create 1 unclaimed venue(s)" in capsys.readouterr().out
    assert main(["--config", config_file, "import", "venues", source, "--from-cget", "--region", "pays de la loire",
                 "--dry-run"]) == 0
    assert "would create 2 unclaimed venue(s), would update 0, 1 already in the network" in capsys.readouterr().out
    assert main(["--config", config_file, "import", "venues", source, "--from-cget", "--near", "45.76,4.84",
                 "--radius-km", "10", "--dry-run"]) == 0
    assert "would create 1 unclaimed venue(s)" in capsys.readouterr().out
    assert main(["--config", config_file, "import", "venues", source, "--from-cget", "--near", "45.76"]) == 2
    assert "--near LAT,LON and --radius-km N go together" in capsys.readouterr().err
    assert main(["--config", config_file, "import", "venues", source, "--department", "44"]) == 2  # no --from-cget


def test_import_keeps_fields_warns_cites_and_never_duplicates(tmp_path, config_file, sqlite_url, capsys):
    source = _write(tmp_path)
    assert main(["--config", config_file, "import", "venues", source, "--from-cget"]) == 0
    captured = capsys.readouterr()
    assert "create 4 unclaimed venue(s), update 0, 1 already in the network" in captured.out
    assert "CGET" in captured.out and "Licence Ouverte" in captured.out  # attribution
    assert "2019" in captured.err and "geocoding precision 0.45" in captured.err and "La Cale" in captured.err
    venues = _read(sqlite_url)
    ade, origin = venues["ade-coworking-nantes"]
    assert (origin.insee_code, origin.department, origin.region, origin.metropole, origin.employment_zone,
            origin.commune_size, origin.precision) == ("44109", "44", "Pays de la Loire", "Nantes Métropole", "NANTES",
                                                       "100000 et plus", 0.94)
    assert origin.claim_code and origin.claimed_at is None  # unclaimed, with a code
    assert venues["kaz-coworking-cayenne"][0].timezone == "America/Cayenne"
    assert ade.timezone == "Europe/Paris"
    hangar, hangar_origin = venues["hangar"]
    assert hangar.name == "Le Hangar" and hangar_origin.source_id == "2" and hangar_origin.claim_code is None
    assert "le-hangar-nantes" not in venues  # matched by name and distance, not duplicated
    count = len(venues)

    renamed = [ROWS[0].replace("ADE Coworking,", "ADE Coworking Nantes,"), *ROWS[1:]]
    assert main(["--config", config_file, "import", "venues", _write(tmp_path, renamed), "--from-cget"]) == 0
    assert "create 0 unclaimed venue(s), update 4, 1 already in the network" in capsys.readouterr().out
    venues = _read(sqlite_url)
    assert len(venues) == count and venues["ade-coworking-nantes"][0].name == "ADE Coworking Nantes"  # by source id

    assert main(["--config", config_file, "venues", "claim-codes", "--department", "44"]) == 0
    listed = capsys.readouterr()
    assert f"/claim_venue {venues['ade-coworking-nantes'][1].claim_code}" in listed.out
    assert "kaz-coworking" not in listed.out and "CGET" in listed.err
    assert main(["--config", config_file, "venues", "list"]) == 0
    assert "CGET" in capsys.readouterr().err
