"""The cells, rows and tables of the report document, formatted and suppressed (see document.py).

A cell is `{"value": n or None when hidden, "text": "12" or "< 5"}`; a row has a label and one
`{"current", "previous", "change"}` per column; a change is only given when both sides are shown
(a difference would otherwise reveal a hidden count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.i18n import Translator
from bot.report import numbers
from bot.report.figures import Totals
from bot.report.suppress import hide_cells, hide_table, is_small
from bot.report.venues import VenueInfo

COUNT, PERCENT, RATIO = "count", "percent", "ratio"
TOP_SKILLS = 10
VENUE_KINDS = ("coworking", "fablab", "tiers-lieu", "partner")


class Builder:
    """Formats and suppresses cells for one report (one language, one threshold, two periods)."""

    def __init__(self, t: Translator, min_count: int, current: Totals, previous: Totals, venue: int,
                 compare: bool = True) -> None:
        self.t = t
        self.min_count = min_count
        self.cur = current
        self.prev = previous
        self.venue = venue
        self.compare = compare  # False: the previous period precedes the network, nothing to compare

    # -- cells -------------------------------------------------------------------------------
    def text(self, value: float, kind: str) -> str:
        locale = self.t.locale
        if kind == PERCENT:
            return numbers.percent(value, locale)
        if kind == RATIO:
            return numbers.decimal(value, locale)
        return numbers.integer(int(value), locale)

    def cell(self, value: float | None, hidden: bool, kind: str = COUNT) -> dict[str, Any]:
        if value is None:
            return {"value": None, "text": "—"}
        if hidden:
            return {"value": None, "text": self.t("report.small", n=self.min_count)}
        return {"value": round(value, 4) if kind != COUNT else int(value), "text": self.text(value, kind)}

    def pair(self, cur: float | None, prev: float | None, hide_cur: bool, hide_prev: bool,
             kind: str = COUNT) -> dict[str, Any]:
        if not self.compare:
            prev = None
        change = None
        if cur is not None and prev is not None and not hide_cur and not hide_prev:
            delta = cur - prev
            if kind == PERCENT:
                change = numbers.signed(numbers.decimal(100 * delta, self.t.locale), delta < 0) + " " + \
                    self.t("report.points")
            else:
                change = numbers.signed(self.text(delta, kind), delta < 0)
        return {"current": self.cell(cur, hide_cur, kind), "previous": self.cell(prev, hide_prev, kind),
                "change": change}

    def small(self, value: float | None) -> bool:
        return value is not None and is_small(int(value), self.min_count)

    def figure(self, label: str, cur: float | None, prev: float | None, *, people: bool = True,
               forced: tuple[bool, bool] = (False, False)) -> dict[str, Any]:
        return {"label": label, "cells": [self.pair(cur, prev, (people and self.small(cur)) or forced[0],
                                                   (people and self.small(prev)) or forced[1])]}

    def share(self, label: str, part: tuple[int, int], whole: tuple[int, int], *,
              rest_is_people: bool = True) -> dict[str, Any]:
        """part/whole as a percentage, hidden when the part, the whole or (when it counts people too)
        the rest is a small count: 80 % of 10 tells the 2 others as well."""
        def hidden(p: int, w: int) -> bool:
            return any(is_small(n, self.min_count) for n in (p, w - p if rest_is_people else 0, w if rest_is_people else 0))

        cur = part[0] / whole[0] if whole[0] else None
        prev = part[1] / whole[1] if whole[1] else None
        return {"label": label, "cells": [self.pair(cur, prev, hidden(part[0], whole[0]),
                                                   hidden(part[1], whole[1]), PERCENT)]}

    # -- tables ------------------------------------------------------------------------------
    def table(self, table_id: str, title: str, items: Sequence[tuple[str, int, int]], *,
              total: tuple[str, int, int] | None = None, people: bool = True, note: str | None = None,
              forced: tuple[Sequence[bool], Sequence[bool]] | None = None,
              total_forced: tuple[bool, bool] = (False, False)) -> dict[str, Any]:
        """A one-column table. With a total, the cells must add up to it (give a remainder row).
        `forced` (current, previous) hides cells another table hides (see suppress.py)."""
        cur = [c for _, c, _ in items]
        prev = [p for _, _, p in items]
        force_cur, force_prev = forced or ([False] * len(items), [False] * len(items))
        if people and total is not None:
            hide_cur, hide_total_cur = hide_table(cur, total[1], self.min_count, force_cur)
            hide_prev, hide_total_prev = hide_table(prev, total[2], self.min_count, force_prev)
            hide_total_cur, hide_total_prev = hide_total_cur or total_forced[0], hide_total_prev or total_forced[1]
        elif people:
            hide_cur = [h or bool(f) for h, f in zip(hide_cells(cur, self.min_count), force_cur)]
            hide_prev = [h or bool(f) for h, f in zip(hide_cells(prev, self.min_count), force_prev)]
            hide_total_cur = hide_total_prev = False
        else:
            hide_cur = hide_prev = [False] * len(items)
            hide_total_cur = hide_total_prev = False
        rows = [{"label": label, "cells": [self.pair(c, p, hc, hp)]}
                for (label, c, p), hc, hp in zip(items, hide_cur, hide_prev)]
        total_row = None
        if total is not None:
            total_row = {"label": total[0], "cells": [self.pair(total[1], total[2], hide_total_cur, hide_total_prev)]}
        return {"id": table_id, "title": title, "people": people, "rows": rows, "total": total_row, "note": note}


def grouped(infos: Sequence[VenueInfo], key: Callable[[VenueInfo], str | None],
             value: Callable[[int], tuple[int, int]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for info in infos:
        group = key(info)
        if group is not None:
            cur, prev = value(info.id)
            groups.setdefault(group, [0, 0])
            groups[group][0] += cur
            groups[group][1] += prev
    return groups
