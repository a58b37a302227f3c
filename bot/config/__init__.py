"""Maillage's configuration: one TOML file, loaded into frozen dataclasses and validated once.

`load_config()` either returns a complete, checked `Config` or raises `ConfigError` carrying one line
per problem, each naming the key (`venues[1].timezone: unknown time zone "Europe/Pari"`). Secrets are
read from the environment variables the file names, never from the file itself.
Environment overrides: `MAILLAGE_CONFIG` (the file), `MAILLAGE_DATABASE_URL` (the database),
`MAILLAGE_WEB_HOST` (the address the web face listens on, when [web] is present).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.campaigns import CampaignsConfig
from bot.config.events import EventsConfig, FeedConfig
from bot.config.matchmaking import MatchmakingConfig
from bot.config.partners import PartnersConfig
from bot.config.platforms import DiscordConfig, TelegramConfig
from bot.config.report import ReportConfig
from bot.config.schema import ConfigError, build
from bot.config.wall import WallConfig
from bot.config.sections import (
    AttentionConfig,
    ConversationConfig,
    DatabaseConfig,
    NetworkConfig,
    OutboxConfig,
    SchedulerConfig,
    VenueConfig,
    WebConfig,
)

__all__ = [
    "AttentionConfig", "Config", "ConfigError", "ConversationConfig", "DatabaseConfig", "DiscordConfig",
    "EventsConfig", "FeedConfig", "MatchmakingConfig", "NetworkConfig", "OutboxConfig",
    "SchedulerConfig", "TelegramConfig", "VenueConfig", "WebConfig", "load_config", "missing_secrets",
    "parse_config",
]

DEFAULT_PATH = "config.toml"


@dataclass(frozen=True)
class Config:
    network: NetworkConfig
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    venues: tuple[VenueConfig, ...] = ()
    telegram: TelegramConfig | None = None
    discord: DiscordConfig | None = None
    web: WebConfig | None = None
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    attention: AttentionConfig = field(default_factory=AttentionConfig)
    conversations: ConversationConfig = field(default_factory=ConversationConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    matchmaking: MatchmakingConfig = field(default_factory=MatchmakingConfig)

    campaigns: CampaignsConfig = field(default_factory=CampaignsConfig)

    wall: WallConfig = field(default_factory=WallConfig)

    report: ReportConfig = field(default_factory=ReportConfig)

    partners: PartnersConfig = field(default_factory=PartnersConfig)

    source: str = field(default="", compare=False)

    def problems(self) -> list[str]:
        found = []
        seen: dict[str, int] = {}
        for i, venue in enumerate(self.venues):
            if venue.slug in seen:
                found.append(f'venues[{i}].slug: duplicate slug "{venue.slug}" (also venues[{seen[venue.slug]}])')
            seen.setdefault(venue.slug, i)
        for i, feed in enumerate(self.events.feeds):
            if feed.venue not in seen:
                found.append(f'events.feeds[{i}].venue: no venue with slug "{feed.venue}" in [[venues]]')
        found += self.partners.venue_problems(self.venues)
        return found


def missing_secrets(config: Config, platforms: tuple[str, ...] = ("telegram", "discord")) -> list[str]:
    """One line per secret a connecting command needs and the environment lacks (platforms it starts)."""
    found = []
    for name in platforms:
        section = getattr(config, name, None)
        if section is not None and not section.token:
            found.append(f"{name}.token_env: environment variable {section.token_env} is not set")
    telegram = config.telegram
    if "telegram" in platforms and telegram is not None and telegram.webhook_secret_env and not telegram.webhook_secret:
        found.append(f"telegram.webhook_secret_env: environment variable {telegram.webhook_secret_env} is not set")
    return found


def config_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("MAILLAGE_CONFIG") or DEFAULT_PATH)


def load_config(path: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None,
                tokens_for: tuple[str, ...] = ()) -> Config:
    """Read, validate and complete the configuration file (see the module docstring)."""
    file = config_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{file}: file not found (copy config.example.toml, or set MAILLAGE_CONFIG)"], str(file))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{file}: cannot read: {error}"], str(file))
    return parse_config(text, source=str(file), environ=environ, tokens_for=tokens_for)


def parse_config(text: str, source: str = "<config>", environ: Mapping[str, str] | None = None,
                 tokens_for: tuple[str, ...] = ()) -> Config:
    """Parse and check `text`; `tokens_for` names the platforms whose tokens must be set (`run`)."""
    env = os.environ if environ is None else environ
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{source}: not valid TOML: {error}"], source)
    problems: list[str] = []
    if "network" not in table:
        problems.append("network: missing (required: at least network.name)")
    config = build(Config, table, "", problems)
    if config is None:
        raise ConfigError(problems, source)
    if env.get("MAILLAGE_DATABASE_URL"):
        override = DatabaseConfig(url=env["MAILLAGE_DATABASE_URL"])
        problems += [f"MAILLAGE_DATABASE_URL: {line.partition(': ')[2]}" for line in override.problems()]
        config = dataclasses.replace(config, database=override)
    if env.get("MAILLAGE_WEB_HOST") and config.web is not None:
        # A container listens on every interface, whatever the mounted file says (compose.yaml sets it).
        config = dataclasses.replace(config, web=dataclasses.replace(config.web, host=env["MAILLAGE_WEB_HOST"]))
    # Tokens are read here but required only by the commands that connect (`require_tokens`):
    # `db upgrade`, `import`, `venues list`... work on a machine that has none.
    for name in ("telegram", "discord"):
        section = getattr(config, name)
        if section is not None:
            object.__setattr__(section, "token", env.get(section.token_env, ""))
    telegram = config.telegram
    if telegram is not None and telegram.webhook_secret_env:
        object.__setattr__(telegram, "webhook_secret", env.get(telegram.webhook_secret_env, ""))
    problems += missing_secrets(config, tokens_for)
    if problems:
        raise ConfigError(problems, source)
    return dataclasses.replace(config, source=source)
