"""The command line: help everywhere, configuration errors exit 2 without a traceback, the console
script mode, and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run(args, cwd, stdin="", env=None, timeout=180):  # generous: a loaded two-core machine
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=environment)


def subcommand_paths(parser, prefix=()):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield prefix + (name,)
                yield from subcommand_paths(sub, prefix + (name,))


def test_every_subcommand_has_help(capsys):
    paths = list(subcommand_paths(build_parser()))
    assert {("run",), ("demo",), ("console",), ("db", "upgrade")} <= set(paths)
    for path in paths:
        with pytest.raises(SystemExit) as exited:
            main([*path, "--help"])
        assert exited.value.code == 0
        assert "usage: maillage" in capsys.readouterr().out


def test_broken_config_prints_every_problem_and_exits_2(tmp_path):
    (tmp_path / "config.toml").write_text(
        '[network]\nname = "N"\ntimezone = "Mars/Olympus"\n[[venues]]\nslug = "x"\nname = "X"\nkind = "bar"\n'
        '[telegram]\ntoken_env = "MAILLAGE_TEST_NO_TOKEN"\n', encoding="utf-8")
    result = run(["run"], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert 'network.timezone: unknown time zone "Mars/Olympus"' in result.stderr
    assert 'venues[0].kind: "bar" is not one of' in result.stderr
    assert "telegram.token_env: environment variable MAILLAGE_TEST_NO_TOKEN is not set" in result.stderr


def test_missing_config_exits_2(tmp_path):
    result = run(["db", "upgrade"], tmp_path)
    assert result.returncode == 2 and "config.toml: file not found" in result.stderr


def test_db_upgrade_then_console_script(tmp_path):
    (tmp_path / "config.toml").write_text(
        '[network]\nname = "Réseau Script"\n[database]\nurl = "sqlite+aiosqlite:///net.sqlite"\n', encoding="utf-8")
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    result = run(["console", "--as", "Zoé", "--lang", "en"], tmp_path, stdin="/help\n/langue\npress 1\n/aide\n/hlep\npress 9\n/hlep\n1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> /help\n< Réseau Script — what I can do" in out
    assert "< C'est noté : je te parlerai en français." in out
    assert "< Réseau Script — ce que je sais faire" in out
    assert "Tu voulais dire /aide ?" in out
    assert "< (pas de bouton 9 ici)" in out, "the console's own lines follow the session's language"
    last = out.rsplit("> 1\n", 1)[1]
    assert last.startswith("< Je ne comprends que les commandes."), "a bare number is text"
    assert "\033[" not in out, "script mode has no colours"


def test_demo_seeds_a_network_and_chats(tmp_path):
    result = run(["demo", "--database", str(tmp_path / "demo.sqlite")], tmp_path, stdin="/aide\n/start\n")
    assert result.returncode == 0, result.stderr
    assert "Maillage Loire-Atlantique — ce que je sais faire" in result.stdout
    again = run(["demo", "--database", str(tmp_path / "demo.sqlite"), "--as", "Léa Bernard"], tmp_path, stdin="/help\n")
    assert again.returncode == 0 and "Traceback" not in again.stderr
