"""Issue 15: `--log-format json` writes one JSON object per log line, tracebacks included."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_helpers import ROOT

SCRIPT = """
import logging, sys
from bot.cli import setup_logging
setup_logging(log_format=sys.argv[1])
log = logging.getLogger("bot.test")
log.info("sent %d message(s) to %s", 3, "Léa")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("the dispatcher failed")
"""


def _logs(log_format: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", SCRIPT, log_format], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_json_logs_are_one_object_per_line():
    lines = _logs("json")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "bot.test" and first["message"] == "sent 3 message(s) to Léa"
    assert first["time"].endswith("+00:00")
    assert second["message"] == "the dispatcher failed" and "ZeroDivisionError" in second["exception"]


def test_text_logs_stay_the_default():
    assert " INFO bot.test: sent 3 message(s) to Léa" in _logs("text")[0]
