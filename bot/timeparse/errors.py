"""The one error the date and duration parsers raise, with a machine-readable reason.

No user-facing text lives here: the chat layer turns `reason` (and, where it helps, `detail`) into a
localised message with an example ("essaie « jeudi 18h30 » ou « 12/12 à 9h »").
"""

from __future__ import annotations

from typing import Literal, get_args

Reason = Literal["unparsable", "past", "ambiguous", "impossible_date"]
REASONS: frozenset[str] = frozenset(get_args(Reason))


class WhenError(ValueError):
    """A date, time, end or duration that cannot be used.

    reason:
      unparsable      - not a date or duration we can read (garbage, empty, unknown words)
      past            - before now (for an end: not after the start)
      ambiguous       - readable two ways; ask again (e.g. "at 6" am or pm, "lundi 8 décembre"
                        when the 8th is a Tuesday, "minuit")
      impossible_date - well-formed but does not exist (31/02, 25h, a time skipped by a DST change,
                        a zero or over-long duration)
    detail: an optional finer tag for a better message, e.g. "dst_gap", "am_pm", "weekday_mismatch".
    """

    def __init__(self, reason: Reason, detail: str | None = None) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown WhenError reason {reason!r}")
        super().__init__(reason if detail is None else f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail
