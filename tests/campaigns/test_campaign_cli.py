"""`maillage campaign ...` mirrors the chat: create with the chat's words, preview, stats as JSON,
pause / resume / cancel, and clear errors naming the option."""

from __future__ import annotations

import asyncio
import json

from bot.app import build_app
from bot.cli import main
from testkit import TEST_CONFIG, make_config


def _config(tmp_path, url: str) -> str:
    async def sync_venues() -> None:  # what starting the bot does once
        app = await build_app(make_config(url), adapters=[], migrate=False)
        await app.close()

    asyncio.run(sync_venues())
    path = tmp_path / "config.toml"
    path.write_text(TEST_CONFIG.replace('[network]', '[database]\nurl = "%s"\n\n[network]' % url, 1))
    return str(path)


def test_create_preview_stats_and_cancel(tmp_path, sqlite_url, capsys):
    config = _config(tmp_path, sqlite_url)
    assert main(["--config", config, "campaign", "create", "--author", "memory:animator", "--fr", "Bonjour",
                 "--audience", "lieu: hangar ; langue: en", "--at", "2030-01-07T10:00", "--poll", "Oui / Non"]) == 0
    assert "campaign 1: scheduled, sends at 2030-01-07T09:00:00+00:00" in capsys.readouterr().out
    assert main(["--config", config, "campaign", "preview", "1"]) == 0
    assert "0 members" in capsys.readouterr().out
    assert main(["--config", config, "campaign", "stats", "1", "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["status"] == "scheduled" and stats["answers"] == {"Oui": 0, "Non": 0}
    assert main(["--config", config, "campaign", "pause", "1"]) == 0
    assert main(["--config", config, "campaign", "resume", "1"]) == 0
    assert main(["--config", config, "campaign", "cancel", "1"]) == 0
    assert main(["--config", config, "campaign", "cancel", "1"]) == 2
    assert "is cancelled" in capsys.readouterr().err
    assert main(["--config", config, "campaign", "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "cancelled"


def test_errors_name_the_option(tmp_path, sqlite_url, capsys):
    config = _config(tmp_path, sqlite_url)
    assert main(["--config", config, "campaign", "create", "--author", "telegram:1", "--fr", "x"]) == 2
    assert "--author" in capsys.readouterr().err
    assert main(["--config", config, "campaign", "create", "--author", "memory:animator", "--fr", "x",
                 "--audience", "planète: mars"]) == 2
    assert '--audience: I don\'t know the filter "planète"' in capsys.readouterr().err
    assert main(["--config", config, "campaign", "create", "--author", "memory:animator", "--fr", "x",
                 "--at", "hier"]) == 2
    assert "--at:" in capsys.readouterr().err
    assert main(["--config", config, "campaign", "stats", "42"]) == 2
    assert "no campaign 42" in capsys.readouterr().err
