"""[report]: defaults, and a line naming the key for each mistake."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from testkit import TEST_CONFIG


def problems(extra: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(TEST_CONFIG + extra, environ={})
    return raised.value.problems


def test_defaults_and_values():
    assert parse_config(TEST_CONFIG, environ={}).report.min_count == 5
    config = parse_config(TEST_CONFIG + '[report]\nmin_count = 10\naggregate_at = "02:30"\n', environ={})
    assert (config.report.min_count, config.report.aggregate_at) == (10, "02:30")


def test_each_mistake_names_its_key():
    assert problems('[report]\nmin_count = 1\naggregate_at = "25:00"\n') == [
        "report.min_count: 1 must be between 2 and 100 (5 is the usual rule)",
        'report.aggregate_at: "25:00" is not a time of day "HH:MM" (e.g. "01:15")']
    assert problems("[report]\nmin_cont = 5\n") == ["report.min_cont: unknown key (did you mean 'min_count'?)"]


def test_the_threshold_reaches_the_report():
    from bot.report.cells import Builder
    from bot.report.figures import Totals
    from bot.i18n import Translator

    builder = Builder(Translator("fr"), 10, Totals(), Totals(), 0)
    assert builder.figure("x", 7, 12)["cells"][0]["current"]["text"] == "< 10"
