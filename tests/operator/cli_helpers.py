"""Running `maillage` as an operator would: a subprocess with a clean environment and a config file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180  # seconds: generous, a loaded 2-core machine starts Python slowly


def maillage(args, cwd, env=None, stdin="", timeout=TIMEOUT) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("MAILLAGE_") and k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")}
    environment["PYTHONPATH"] = str(ROOT)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=environment)


def popen(args, cwd, env=None) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("MAILLAGE_") and k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")}
    environment["PYTHONPATH"] = str(ROOT)
    environment.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment)


def write_config(directory: Path, extra: str = "", database: str | None = None) -> Path:
    from testkit import TEST_CONFIG

    url = database or f"sqlite+aiosqlite:///{directory / 'maillage.sqlite'}"
    path = directory / "config.toml"
    path.write_text(f'{TEST_CONFIG}\n[database]\nurl = "{url}"\n{extra}', encoding="utf-8")
    return path
