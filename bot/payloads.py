"""Reading what a button carries. Payloads come back from the platform and can be forged: anything a
real button would not carry is refused here, before it reaches a query.

`parse_int` is the strict reader every handler uses for a number it did not write itself: ASCII
digits only (`"²".isdigit()` is true, and `int("²")` raises), within bounds (by default a database
id: 1 to PostgreSQL's int4 maximum, so no query overflows). `parse_ids` reads "12:34" at once.
"""

from __future__ import annotations

INT4_MAX = 2**31 - 1  # PostgreSQL `integer` (our primary keys): a larger id cannot name a row
MAX_ID_DIGITS = len(str(INT4_MAX))
ASCII_DIGITS = frozenset("0123456789")


def parse_int(text: str, low: int = 1, high: int = INT4_MAX) -> int | None:
    """`text` as an integer in [low, high] if it is plain ASCII digits (a leading '-' allowed when
    `low` is negative); None for anything else."""
    digits = text[1:] if text[:1] == "-" and low < 0 else text
    if not digits or len(digits) > 20 or not set(digits) <= ASCII_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(text: str) -> int | None:
    """A database id from a button payload; None for anything else (letters, signs, "²", 25 digits...)."""
    return parse_int(text, 0)


def parse_ids(payload: str, count: int, *, zero: bool = False) -> list[int] | None:
    """`count` ids separated by ':' (0 allowed as "none" when `zero`); None if anything is off."""
    parts = payload.split(":")
    if len(parts) != count:
        return None
    values = [parse_int(part, 0 if zero else 1) for part in parts]
    return None if any(value is None for value in values) else values  # type: ignore[return-value]
