"""Configuration: the example and demo files load; every kind of mistake is reported by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def problems_of(text: str, environ: dict | None = None) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, environ=environ or {})
    return raised.value.problems


def test_the_example_config_is_valid_and_complete():
    config = load_config(ROOT / "config.example.toml",
                         environ={"TELEGRAM_TOKEN": "123:abc", "DISCORD_TOKEN": "xyz"})
    assert config.network.name and config.venues
    assert config.telegram is not None and config.telegram.token == "123:abc"
    assert config.discord is not None and config.discord.token == "xyz"
    assert "123:abc" not in repr(config), "tokens never appear in reprs (hence logs)"


def test_the_demo_config_is_valid():
    config = load_config(ROOT / "bot" / "demo" / "demo.toml", environ={})
    kinds = {venue.kind for venue in config.venues}
    assert {"coworking", "fablab", "tiers-lieu", "partner"} <= kinds


def test_minimal_config_gets_documented_defaults():
    config = parse_config('[network]\nname = "N"\n', environ={})
    assert config.database.url.startswith("sqlite+aiosqlite:///")
    assert config.telegram is None and config.discord is None  # absent section = adapter off
    assert (config.attention.quiet_start, config.attention.quiet_end) == ("20:00", "09:00")


def test_every_problem_is_reported_at_once_with_its_key():
    problems = problems_of("""
[network]
name = "N"
timezone = "Europe/Pari"
colour = "blue"

[[venues]]
slug = "a"
name = "A"
kind = "cowork"

[[venues]]
slug = "a"
name = "B"
kind = "fablab"
latitude = 95.0
longitude = 1.0

[outbox]
max_attempts = "three"

[telegram]
token_env = "NO_SUCH_VARIABLE"
""")
    text = "\n".join(problems)
    assert "network.colour: unknown key" in text
    assert 'network.timezone: unknown time zone "Europe/Pari"' in text
    assert 'venues[0].kind: "cowork" is not one of' in text
    assert "venues[1].latitude: must be between -90 and 90" in text
    assert 'venues[1].slug: duplicate slug "a"' in text
    assert "outbox.max_attempts: expected an integer" in text
    assert "NO_SUCH_VARIABLE" not in text  # tokens are required by `maillage run` only (issue 15)


@pytest.mark.parametrize("text, expected", [
    ("", "network: missing"),
    ("[network]\n", "network.name: missing (required)"),
    ('[network]\nname = "N"\n[attention]\nquiet_start = "25:00"\n', 'attention.quiet_start: "25:00" is not a time'),
    ('[network]\nname = "N"\n[database]\nurl = "mysql://x"\n', "database.url: must start with"),
    ('[network]\nname = "N"\nanimators = ["alice"]\n', 'network.animators[0]: "alice" is not "platform:user_id"'),
    ('[network]\nname = "N"\n[telegram]\nmode = "push"\n', 'telegram.mode: "push" must be'),
    ('[network\nname = "N"\n', "not valid TOML"),
    ('[network]\nname = "N"\n[[events.feeds]]\nvenue = "nowhere"\nurl = "x.ics"\n', 'no venue with slug "nowhere"'),
    ('[network]\nname = "N"\n[telgram]\n', "telgram: unknown key (did you mean 'telegram'?)"),
])
def test_single_mistakes(text, expected):
    assert any(expected in line for line in problems_of(text)), problems_of(text)


def test_token_is_read_from_the_environment_only():
    problems = problems_of('[network]\nname = "N"\n[telegram]\ntoken = "123:abc"\n', {"TELEGRAM_TOKEN": "t"})
    assert problems == ["telegram.token: unknown key (did you mean 'token_env'?)"]


def test_database_url_override_from_environment():
    config = parse_config('[network]\nname = "N"\n', environ={"MAILLAGE_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert config.database.url == "sqlite+aiosqlite:///x.db"
    assert problems_of('[network]\nname = "N"\n', {"MAILLAGE_DATABASE_URL": "oracle://x"})[0].startswith(
        "MAILLAGE_DATABASE_URL:")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "nope.toml", environ={})
    assert "nope.toml: file not found" in raised.value.problems[0]
