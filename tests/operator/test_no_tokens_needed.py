"""Issue 15: only `maillage run` needs platform tokens, and only for the adapters it starts; every
command sees the config's reference data (venues, feeds, taxonomy) in the database (issue 19.4)."""

from __future__ import annotations

import sqlite3

from cli_helpers import maillage, write_config

PLATFORMS = '\n[telegram]\ntoken_env = "OP_TEST_TG"\n\n[discord]\ntoken_env = "OP_TEST_DC"\n'


def test_commands_that_do_not_connect_work_without_tokens(tmp_path):
    write_config(tmp_path, PLATFORMS)
    for args in (["db", "upgrade"], ["venues", "list"], ["skills", "list"], ["members", "codes"]):
        result = maillage(args, tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        assert "is not set" not in result.stderr


def test_run_names_each_missing_token_of_the_adapters_it_starts(tmp_path):
    write_config(tmp_path, PLATFORMS)
    both = maillage(["run"], tmp_path)
    assert both.returncode == 2 and "Traceback" not in both.stderr
    assert "telegram.token_env: environment variable OP_TEST_TG is not set" in both.stderr
    assert "discord.token_env: environment variable OP_TEST_DC is not set" in both.stderr
    discord_only = maillage(["run", "--only", "discord"], tmp_path, env={"OP_TEST_DC": ""})
    assert discord_only.returncode == 2
    assert "OP_TEST_DC" in discord_only.stderr and "OP_TEST_TG" not in discord_only.stderr


def test_db_upgrade_leaves_venues_and_the_taxonomy_in_the_database(tmp_path):
    write_config(tmp_path)
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "maillage.sqlite") as connection:
        slugs = {row[0] for row in connection.execute("SELECT slug FROM venues")}
        skills = connection.execute("SELECT count(*) FROM skills WHERE custom = 0").fetchone()[0]
    assert slugs == {"hangar", "fabrique", "moulin", "universite"}
    assert skills > 50


def test_an_import_before_the_first_run_resolves_skills_against_the_taxonomy(tmp_path):
    write_config(tmp_path)
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    (tmp_path / "members.csv").write_text("name,venue,offers\nAna,hangar,comptabilité\nBob,fabrique,compta\n",
                                          encoding="utf-8")
    result = maillage(["import", "members", "members.csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "maillage.sqlite") as connection:
        custom = connection.execute("SELECT count(*) FROM skills WHERE custom = 1").fetchone()[0]
    assert custom == 0


def test_a_venue_added_to_the_config_is_seen_by_the_next_command(tmp_path):
    write_config(tmp_path)
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    write_config(tmp_path, '\n[[venues]]\nslug = "grange"\nname = "La Grange"\nkind = "tiers-lieu"\n'
                           '\n[[events.feeds]]\nvenue = "grange"\nurl = "https://example.org/grange.ics"\n')
    result = maillage(["feeds", "status"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unknown venue" not in result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "maillage.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM venues WHERE slug = 'grange'").fetchone()[0] == 1


def test_a_command_on_a_database_never_migrated_says_so_in_one_line(tmp_path):
    write_config(tmp_path, '\n[[events.feeds]]\nvenue = "hangar"\nurl = "https://example.org/h.ics"\n')
    result = maillage(["feeds", "sync"], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("maillage: the database is not ready (never migrated); "
                                     "run `maillage db upgrade` first")


def test_run_only_web_serves_healthz_without_any_token(tmp_path):
    import json
    import socket
    import time
    import urllib.request

    from cli_helpers import popen

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_config(tmp_path, PLATFORMS + f"\n[web]\nport = {port}\n\n[scheduler]\nenabled = false\n")
    process = popen(["run", "--only", "web"], tmp_path)
    try:
        deadline, health = time.monotonic() + 120, None
        while health is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    health = json.load(response)
            except OSError:
                time.sleep(0.2)
        assert health == {"status": "ok", "network": "Réseau Test"}, process.poll()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
    assert "is not set" not in err and "Traceback" not in err


def test_the_upgrade_hint_names_the_database_the_command_line_named(tmp_path):
    # With --config or --demo, the hint is the command that upgrades that database, not ./config.toml's.
    write_config(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "config.toml").rename(tmp_path / "elsewhere" / "network.toml")
    result = maillage(["--config", "elsewhere/network.toml", "events", "list"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("run `maillage --config elsewhere/network.toml db upgrade` first")
    from argparse import Namespace

    from bot.cli import upgrade_command
    assert upgrade_command(Namespace(demo=True, config=None)) == "maillage --demo db upgrade"
    assert upgrade_command(Namespace(demo=False, config="my file.toml")) == "maillage --config 'my file.toml' db upgrade"
