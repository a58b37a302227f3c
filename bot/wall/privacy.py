"""What the wall may say about people: first names of those who chose it, and no small counts.

A count under `MIN_COUNT` could point at someone ("1 introduction between La Fabrique and Le
Hangar this week"): it is shown as "< 3", and a venue pair that small is not shown at all.
"""

from __future__ import annotations

MIN_COUNT = 3


def shown_count(count: int) -> int | None:
    """The count, or None when it is too small to show (the page prints "< 3")."""
    return count if count >= MIN_COUNT else None


def first_name(display_name: str) -> str:
    """The first word of a display name ("Ana Martin" -> "Ana"), at most 24 characters."""
    words = display_name.split()
    return words[0][:24] if words else "?"
