"""Small-count suppression (INSEE's frequency rule), pure functions.

Primary: a cell counting between 1 and `min_count - 1` people is hidden ("< 5"). Secondary: when a
table shows its total, one hidden cell could be recomputed from it, so the smallest other non-zero
cell is hidden too; when there is none, the total is. A total itself below the threshold hides the
whole table. Zeros stay visible: nobody is exposed by a count of nobody.

Known limit: tables are protected one at a time. Two tables that share cells (venues, and venue
kinds made of several venues) could, in a rare layout, be combined to narrow a hidden cell.
"""

from __future__ import annotations

from collections.abc import Sequence


def is_small(value: int, min_count: int) -> bool:
    return 0 < value < min_count


def hide_cells(values: Sequence[int], min_count: int) -> list[bool]:
    """Primary suppression only (a list with no total shown: top skills, headline figures)."""
    return [is_small(v, min_count) for v in values]


def hide_table(values: Sequence[int], total: int, min_count: int) -> tuple[list[bool], bool]:
    """Which cells to hide, and whether to hide the total, for a table whose cells add up to `total`."""
    if is_small(total, min_count):
        return [v > 0 for v in values], True
    hidden = hide_cells(values, min_count)
    if sum(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if not hidden[i] and v > 0)
        if others:
            hidden[others[0][1]] = True
        else:
            return hidden, True
    return hidden, False
