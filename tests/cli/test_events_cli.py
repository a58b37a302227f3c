"""`maillage events list`: days typed as people type them, and a table that cuts nothing."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from bot.cli import main
from bot.cli.events import day_argument, programme_table

WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize("typed, expected", [
    ("2026-12-24", date(2026, 12, 24)), ("24/12", date(2026, 12, 24)), ("24/12/27", date(2027, 12, 24)),
    ("today", WEDNESDAY), ("aujourd'hui", WEDNESDAY), ("demain", date(2026, 12, 3)), ("Tomorrow", date(2026, 12, 3)),
    ("vendredi", date(2026, 12, 4)), ("wednesday", WEDNESDAY), ("lundi", date(2026, 12, 7)),
])
def test_days_are_read_in_iso_french_and_english(typed, expected):
    assert day_argument(typed, WEDNESDAY) == expected


def test_a_wrong_day_is_named_with_examples_not_a_python_message(config_file, capsys):
    with pytest.raises(argparse.ArgumentTypeError, match="try 2026-12-03, 03/12, today, demain or vendredi"):
        day_argument("bientôt", WEDNESDAY)
    with pytest.raises(SystemExit) as exit_:
        main(["--config", config_file, "events", "list", "--from", "bientôt"])
    error = capsys.readouterr().err
    assert exit_.value.code == 2 and "--from" in error and "fromisoformat" not in error and "demain" in error


def test_the_table_cuts_no_venue_name():
    rows = [{"start": "2026-12-03T18:30:00+01:00", "end": "2026-12-03T20:00:00+01:00", "status": "published",
             "source": "chat", "venues": ["la-fabrique-de-saint-nazaire", "le-hangar"], "title": "Repair café"}]
    table = programme_table(rows).splitlines()
    assert "la-fabrique-de-saint-nazaire,le-hangar" in table[1]
    assert table[0].index("title") == table[1].index("Repair café")
