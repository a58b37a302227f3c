"""`maillage import venues`, `maillage venues list` and `maillage venues qr`, run in-process on a
migrated SQLite database; venue rows derived from the CGET 2019 tiers-lieux open data."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from storage.db import Database
from storage.models import Venue

CGET_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "tierslieux" / "CGET_TiersLieux_2019.csv"

# Five real rows of CGET_TiersLieux_2019.csv: two "Anticafé" in Paris, a fablab, a row without a type,
# and a row without a town.
CGET_SAMPLE = """\
ID,NOM_TL,ADRESSE,CP,COMINIT,INSEECOM,NOMCOM,WEB,TWITTER,FACEBOOK,TYPO,LAT,LONG,GEOCOD,PRECISION,METRO,NOMMETRO,INSEEREG,NOMREG,INSEEMETRO,INSEEDEP,NOMCOMMETRO,POPCOM,COMCLASS,INSEE_ZE,NOM_ZE,CLASS_ZE,POP_ZE
1,ADE Coworking,9 Rue du Petit Châtelier,44300,Nantes,44109,Nantes,www.ade-coworking.net,,,Tiers lieux à dominante coworking,47.245935,-1.505602,9 Rue du Petit Châtelier 44300 Nantes,0.94,1,Nantes Métropole,52,Pays de la Loire,44109,44,Nantes,298029,100000 et plus,5203,NANTES,500 000-6 000 000,1061271
2,Anticafé,6 Rue du Château d'Eau,75010,Paris,75110,Paris,www.anticafe.eu,,,Tiers lieux à dominante coworking,48.869483,2.361539,6 Rue du Château d'Eau 75010 Paris,0.95,1,Métropole du Grand Paris,11,Île-de-France,75056,75,Paris,2220445,100000 et plus,1101,PARIS,500 000-6 000 000,5981175
451,Anticafé,79 Rue Quincampoix,75003,Paris,75103,Paris,www.anticafe.eu,,,Tiers lieux à dominante coworking,48.862272,2.351069,79 Rue Quincampoix 75003 Paris,0.94,1,Métropole du Grand Paris,11,Île-de-France,75056,75,Paris,2220445,100000 et plus,1101,PARIS,500 000-6 000 000,5981175
1126,Labo Arts & Techs / Stereolux,4 boulevard Léon Bureau,44100,Nantes,44109,Nantes,http://www.stereolux.org/labo-arts-techs/presentation,https://twitter.com/StereoluxLab,https://www.facebook.com/stereolux.nantes,Tiers lieux à dominante fablab,47.206011,-1.563948,4 Boulevard Léon Bureau 44200 Nantes,0.84,1,Nantes Métropole,52,Pays de la Loire,44109,44,Nantes,298029,100000 et plus,5203,NANTES,500 000-6 000 000,1061271
1464,La REcyclerie,,0,,0,,,,,,48.8976225,2.3440378,,,1,Métropole du Grand Paris,11,Île-de-France,75056,75,Paris,2220445,100000 et plus,1101,PARIS,500 000-6 000 000,5981175
"""

# The same places in our own columns, as an animator would prepare them.
VENUES = """\
slug,name,kind,partner_kind,city,latitude,longitude,timezone,description,website
ade-coworking-nantes,ADE Coworking,coworking,,Nantes,47.245935,-1.505602,,9 Rue du Petit Châtelier,https://www.ade-coworking.net
stereolux-lab,Labo Arts & Techs / Stereolux,fablab,,Nantes,47.206011,-1.563948,Europe/Paris,,http://www.stereolux.org
univ-nantes,Nantes Université,partner,university,Nantes,,,,,
"""


def venues_in(url: str) -> dict[str, Venue]:
    async def read() -> dict[str, Venue]:
        db = Database(url)
        try:
            async with db.session() as session:
                return {v.slug: v for v in (await session.execute(select(Venue))).scalars()}
        finally:
            await db.dispose()

    return asyncio.run(read())


CONFIG_SLUGS = {"hangar", "fabrique", "moulin", "universite"}  # every command syncs the config's venues


def imported_in(url: str) -> dict[str, Venue]:
    return {slug: venue for slug, venue in venues_in(url).items() if slug not in CONFIG_SLUGS}


def write(tmp_path, text: str, name: str = "venues.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_then_updates_without_duplicates(tmp_path, config_file, sqlite_url, capsys):
    csv_file = write(tmp_path, VENUES)
    assert main(["--config", config_file, "import", "venues", csv_file, "--dry-run"]) == 0
    assert "would create 3 venue(s)" in capsys.readouterr().out and imported_in(sqlite_url) == {}
    assert main(["--config", config_file, "import", "venues", csv_file]) == 0
    first = imported_in(sqlite_url)
    assert first["univ-nantes"].partner_kind == "university" and first["stereolux-lab"].kind == "fablab"
    assert first["ade-coworking-nantes"].timezone == "Europe/Paris"  # the network's, when empty
    write(tmp_path, VENUES.replace("ADE Coworking,", "ADE Coworking Nantes,"))
    assert main(["--config", config_file, "import", "venues", csv_file]) == 0
    assert "created 0 venue(s), updated 3" in capsys.readouterr().out
    second = imported_in(sqlite_url)
    assert len(second) == 3 and second["ade-coworking-nantes"].name == "ADE Coworking Nantes"
    assert second["ade-coworking-nantes"].join_code == first["ade-coworking-nantes"].join_code


def test_a_bad_file_lists_every_problem_with_line_numbers_and_writes_nothing(tmp_path, config_file, sqlite_url, capsys):
    bad = VENUES + ("bad slug,Bar,bar,,Nantes,91,2,Mars/Olympus,,\n"
                    "ade-coworking-nantes,Again,coworking,,Nantes,abc,,,,\n"
                    ",No slug,coworking,,,,,,,\n")
    assert main(["--config", config_file, "import", "venues", write(tmp_path, bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err
    for expected in ('line 5: slug: "bad slug" must be lowercase', 'line 5: kind: "bar" is not one of',
                     "line 5: latitude: must be between -90 and 90", 'line 5: timezone: unknown time zone',
                     'line 6: latitude: "abc" is not a number', "line 7: slug: required"):
        assert expected in err
    assert imported_in(sqlite_url) == {}
    assert main(["--config", config_file, "import", "venues", write(tmp_path, "name,city\nX,Y\n", "h.csv")]) == 1
    assert "line 1: missing column(s): slug, kind" in capsys.readouterr().err


def test_import_from_cget_rows(tmp_path, config_file, sqlite_url, capsys):
    source = write(tmp_path, CGET_SAMPLE, "cget.csv")
    assert main(["--config", config_file, "import", "venues", source, "--from-cget"]) == 0
    venues = imported_in(sqlite_url)
    assert set(venues) == {"ade-coworking-nantes", "anticafe-paris", "anticafe-paris-451",
                           "labo-arts-techs-stereolux-nantes", "recyclerie"}
    assert venues["labo-arts-techs-stereolux-nantes"].kind == "fablab"
    assert venues["recyclerie"].kind == "tiers-lieu" and venues["recyclerie"].city == ""
    assert venues["ade-coworking-nantes"].website == "https://www.ade-coworking.net"
    assert main(["--config", config_file, "import", "venues", source, "--from-cget"]) == 0
    assert "create 0 unclaimed venue(s), update 5" in capsys.readouterr().out


@pytest.mark.skipif(not CGET_FILE.is_file(), reason="the shared open data is not on this machine")
def test_import_a_department_of_the_real_cget_file(config_file, sqlite_url, capsys):
    assert main(["--config", config_file, "import", "venues", str(CGET_FILE), "--from-cget", "--department",
                 "44", "--dry-run"]) == 0
    assert "would create 44 unclaimed venue(s)" in capsys.readouterr().out
    assert main(["--config", config_file, "import", "venues", str(CGET_FILE), "--from-cget", "--limit", "300"]) == 0
    assert len(imported_in(sqlite_url)) == 300


def test_list_and_qr(tmp_path, config_file, sqlite_url, capsys):
    assert main(["--config", config_file, "venues", "list", "--bot-username", "@maillage_bot"]) == 0
    out = capsys.readouterr().out
    hangar = venues_in(sqlite_url)["hangar"]
    assert f"hangar\tLe Hangar\tcoworking\tNantes\ttelegram: https://t.me/maillage_bot?start={hangar.join_code}" in out
    assert f"discord: /join {hangar.join_code}" in out and "universite\tUniversité\tpartner (university)" in out
    png = tmp_path / "hangar.png"
    assert main(["--config", config_file, "venues", "qr", "hangar", "-o", str(png), "--bot-username", "maillage_bot"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png.unlink()
    assert main(["--config", config_file, "venues", "qr", "hangar", "-o", str(png)]) == 2  # no user name: why
    captured = capsys.readouterr()
    assert f"/start {hangar.join_code}" in captured.out and "--bot-username" in captured.err and not png.exists()
    assert main(["--config", config_file, "venues", "qr", "hangar", "-o", str(png), "--code-only"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"/start {hangar.join_code}" in capsys.readouterr().out
    assert main(["--config", config_file, "venues", "qr", "nowhere"]) == 1
    assert "no venue with slug 'nowhere'" in capsys.readouterr().err


def test_join_codes_are_random_and_long_enough(config_file, sqlite_url):
    main(["--config", config_file, "venues", "list"])
    codes = [v.join_code for v in venues_in(sqlite_url).values()]
    assert len(set(codes)) == len(codes) and all(len(code) >= 16 for code in codes)  # 96 bits, base64url
