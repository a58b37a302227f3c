"""Small-count suppression (INSEE's frequency rule), pure functions.

Primary: a cell counting between 1 and `min_count - 1` people is hidden ("< 5"). Secondary: when a
table shows its total, one hidden cell could be recomputed from it, so the smallest other non-zero
cell is hidden too; when there is none, the total is. A total itself below the threshold hides the
whole table. Zeros stay visible: nobody is exposed by a count of nobody.

Tables made of the same people (members per venue, per kind of venue, per commune size) are linked:
a group of venues is hidden when exactly one of its venues is hidden in the per-venue table, since
its count minus the venues shown would give that venue away. Known limit: this is not a full audit
(as tau-argus does); groups holding two hidden venues each could, in a rare layout, be combined to
narrow a hidden cell.
"""

from __future__ import annotations

from collections.abc import Sequence


def is_small(value: int, min_count: int) -> bool:
    return 0 < value < min_count


def hide_cells(values: Sequence[int], min_count: int) -> list[bool]:
    """Primary suppression only (a list with no total shown: top skills, headline figures)."""
    return [is_small(v, min_count) for v in values]


def hide_table(values: Sequence[int], total: int, min_count: int,
               forced: Sequence[bool] | None = None) -> tuple[list[bool], bool]:
    """Which cells to hide, and whether to hide the total, for a table whose cells add up to `total`.

    `forced` cells are hidden whatever their count: another table already hides what they would
    tell (a kind of venue made of one hidden venue and others shown).
    """
    if is_small(total, min_count):
        return [v > 0 for v in values], True
    hidden = [small or bool(force) for small, force in zip(hide_cells(values, min_count), forced or [False] * len(values))]
    if sum(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if not hidden[i] and v > 0)
        if others:
            hidden[others[0][1]] = True
        else:
            return hidden, True
    return hidden, False
