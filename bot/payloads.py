"""Reading what a button carries. Payloads come back from the platform and can be forged: anything a
real button would not carry is refused here, before it reaches a query."""

from __future__ import annotations

MAX_ID_DIGITS = 12  # far above any real row id, far below SQLite's 64-bit integer limit


def parse_id(text: str) -> int | None:
    """A database id from a button payload; None for anything else (letters, signs, 25 digits...)."""
    return int(text) if text.isdigit() and len(text) <= MAX_ID_DIGITS else None
