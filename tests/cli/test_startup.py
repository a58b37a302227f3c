"""The command line's quick start-up (issue 17): the command table that lets `maillage X` import one
module is true, `maillage --help` imports no command module, and the migration check that every
command makes agrees with Alembic without importing it."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.cli import COMMANDS, LISTING, build_parser, command_word
from bot.plugins import modules_with
from storage.db import Database
from storage.migrate import alembic_config, current_revisions, head_revisions, upgrade

ROOT = Path(__file__).resolve().parents[2]


def _commands(parser: argparse.ArgumentParser) -> dict[str, str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {choice.dest: choice.help for choice in sub._choices_actions}


def test_the_command_table_names_every_command_its_module_and_help():
    found = {}
    for module in modules_with("bot.cli", "add_commands"):
        parser = argparse.ArgumentParser()
        module.add_commands(parser.add_subparsers())
        for name, text in _commands(parser).items():
            found[name] = (module.__name__.rsplit(".", 1)[1], text)
    assert found == COMMANDS
    assert _commands(build_parser(LISTING)) == _commands(build_parser())


def test_one_command_builds_from_its_module_alone():
    for name in COMMANDS:
        assert name in _commands(build_parser(name))
    assert set(_commands(build_parser("match"))) == {"match"}


@pytest.mark.parametrize("argv, word", [
    ([], LISTING), (["--help"], LISTING), (["-v", "-h", "match"], LISTING),
    (["match", "--dry-run"], "match"), (["--config", "match", "feeds"], "feeds"),
    (["--log-format", "json", "-v", "db", "upgrade"], "db"), (["--config=x.toml", "wall"], "wall"),
    (["-v"], None), (["--demo", "nosuch"], "nosuch"),
])
def test_the_command_word_is_found_past_the_global_options(argv, word):
    assert command_word(argv) == word


def test_help_lists_every_command_without_importing_them():
    code = ("import sys; from bot.cli import main\n"
            "try: main(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('bot.cli.', 'sqlalchemy', 'storage'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *shown, imported = done.stdout.strip().splitlines()
    assert imported == "[]"
    assert all(name in "\n".join(shown) for name in COMMANDS)


def test_an_unknown_command_is_still_refused_with_the_choices(capsys):
    from bot.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["matc"])
    assert exited.value.code == 2
    assert "invalid choice: 'matc'" in capsys.readouterr().err


def test_head_revisions_agree_with_alembic():
    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_current_revisions_of_a_new_and_a_migrated_database(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite")
    try:
        assert await current_revisions(db) == set()
        await upgrade(db)
        assert await current_revisions(db) == head_revisions()
    finally:
        await db.dispose()
