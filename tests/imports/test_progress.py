"""Progress of long imports: a bar redrawn in place on a terminal, a line per 10 % otherwise."""

from __future__ import annotations

import io

from bot.imports.progress import Progress


def test_a_pipe_gets_one_line_per_tenth():
    stream = io.StringIO()
    progress = Progress("importing members", stream, tty=False)
    for done in range(0, 10_001, 250):
        progress(done, 10_000)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in stream.getvalue()
    assert lines[0].startswith("importing members: 1000/10000 (10 %") and "(100 %" in lines[-1]


def test_a_terminal_gets_a_bar_redrawn_in_place():
    stream = io.StringIO()
    progress = Progress("importing members", stream, tty=True)
    progress(500, 1000)
    progress(1000, 1000)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    assert "[" + "#" * 15 + "." * 15 + "] 500/1000 (50%" in text
