"""The README's table of commands names every command the bot registers, in both languages.

A command added without a line there is a command nobody reads about: the table was found
missing eleven commands (campaigns, the wall, the report, partners...) two issues after they landed.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import build_registry

README = Path(__file__).resolve().parents[2] / "README.md"


def command_table() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("| who | commands (English / French) |")
    return text[start:text.index("\n\n", start)]


def test_every_registered_command_and_its_french_alias_is_in_the_readme_table():
    named = set(re.findall(r"/([a-z_]+)", command_table()))
    missing = [f"/{name}" for command in build_registry().sorted_commands()
               for name in {command.name, command.alias} if name not in named]
    assert not missing, f"README.md's command table lacks {', '.join(sorted(missing))}"
