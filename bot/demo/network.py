"""Where the demo network lives: its packaged configuration and its SQLite file, for `maillage
demo` and for the other commands run with `maillage --demo ...`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.config import Config, DatabaseConfig, load_config

DEMO_CONFIG = Path(__file__).resolve().parent / "demo.toml"
DEMO_DATABASE = ".maillage/demo.sqlite"  # relative: in the folder where the demo is run


def demo_config(database: str = DEMO_DATABASE) -> Config:
    """The demo's configuration, on its SQLite file (it ignores MAILLAGE_DATABASE_URL on purpose)."""
    config = load_config(DEMO_CONFIG, environ={})
    return dataclasses.replace(config, database=DatabaseConfig(url=f"sqlite+aiosqlite:///{database}"))
