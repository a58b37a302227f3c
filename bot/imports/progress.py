"""Progress of long work on the operator's terminal: a bar redrawn in place on a TTY, a plain line
per 10 % otherwise (a log file or a pipe should not fill with carriage returns)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class Progress:
    """`progress(done, total)` as often as convenient; `finish()` ends the bar's line."""

    def __init__(self, label: str, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.last_tenth = 0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        share = min(done / total, 1.0)
        elapsed = time.monotonic() - self.started
        if self.tty:
            filled = round(BAR_WIDTH * share)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                              f"{done}/{total} ({share:.0%}, {elapsed:.0f} s)")
            self.stream.flush()
            self.drawn = True
            return
        tenth = int(share * 10)
        if tenth > self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(f"{self.label}: {done}/{total} ({tenth * 10} %, {elapsed:.0f} s)\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
