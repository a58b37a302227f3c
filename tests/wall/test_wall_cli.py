"""`maillage wall ...`: URLs with a private venue's token, hiding and bringing back items."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.app import build_app
from bot.cli import main
from storage.db import Database
from storage.models.wall import WallChange, WallHidden
from testkit import T0, make_config
from wall_helpers import event


def test_wall_url_prints_the_network_wall_and_a_private_venue_token(config_file, capsys):
    with open(config_file, "a", encoding="utf-8") as file:
        file.write('\n[web]\npublic_url = "https://mur.example"\n[wall]\nprivate_venues = ["hangar"]\n')
    assert main(["--config", config_file, "wall", "url"]) == 0
    assert capsys.readouterr().out.strip() == "https://mur.example/wall"
    assert main(["--config", config_file, "wall", "url", "fabrique"]) == 0
    assert capsys.readouterr().out.strip() == "https://mur.example/wall/fabrique"
    assert main(["--config", config_file, "wall", "url", "hangar"]) == 0
    first = capsys.readouterr().out.strip()
    assert first.startswith("https://mur.example/wall/hangar?token=") and len(first) > 50
    assert main(["--config", config_file, "wall", "url", "hangar"]) == 0
    assert capsys.readouterr().out.strip() == first  # stable
    assert main(["--config", config_file, "wall", "url", "nowhere"]) == 1
    assert "no venue with slug 'nowhere'" in capsys.readouterr().err


def test_hide_and_show_log_a_change_for_the_screens(config_file, sqlite_url, clock, capsys):
    async def setup() -> int:
        app = await build_app(make_config(sqlite_url), clock=clock, migrate=False)
        try:
            return await event(app, "Soirée", T0 + timedelta(hours=5))
        finally:
            await app.close()

    async def state(url: str):
        db = Database(url)  # not an app: building one would write reference data (and a change)
        try:
            async with db.session() as session:
                items = set((await session.execute(select(WallHidden.item))).scalars())
                changes = len((await session.execute(select(WallChange.id))).all())
            return items, changes
        finally:
            await db.dispose()

    event_id = asyncio.run(setup())
    before = asyncio.run(state(sqlite_url))[1]
    assert main(["--config", config_file, "wall", "hide", f"e{event_id}"]) == 0
    assert f"hidden: e{event_id} Soirée" in capsys.readouterr().out
    items, changes = asyncio.run(state(sqlite_url))
    assert items == {f"event:{event_id}"} and changes == before + 1
    assert main(["--config", config_file, "wall", "hidden"]) == 0
    assert f"e{event_id}\tSoirée\tcli" in capsys.readouterr().out
    assert main(["--config", config_file, "wall", "show", f"event:{event_id}"]) == 0
    assert "back on the wall" in capsys.readouterr().out
    assert asyncio.run(state(sqlite_url))[0] == set()
    assert main(["--config", config_file, "wall", "hide", "banana"]) == 2
    assert "not an item" in capsys.readouterr().err
    assert main(["--config", config_file, "wall", "hide", "m424242"]) == 1
