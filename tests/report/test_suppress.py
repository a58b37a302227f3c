"""Small-count suppression on crafted cells, the secondary case included."""

from __future__ import annotations

from bot.report.suppress import hide_cells, hide_table


def test_primary_cells_are_hidden_zeros_are_not():
    assert hide_cells([0, 1, 4, 5, 12], 5) == [False, True, True, False, False]


def test_one_hidden_cell_takes_the_smallest_other_with_it():
    # 3 alone could be recomputed as 30 - 12 - 15: the 12 is hidden too.
    hidden, total_hidden = hide_table([12, 3, 15], 30, 5)
    assert hidden == [True, True, False] and not total_hidden


def test_a_zero_never_serves_as_the_second_cell():
    hidden, total_hidden = hide_table([0, 2, 9, 20], 31, 5)
    assert hidden == [False, True, True, False] and not total_hidden


def test_two_hidden_cells_need_nothing_more():
    hidden, total_hidden = hide_table([1, 2, 20], 23, 5)
    assert hidden == [True, True, False] and not total_hidden


def test_a_small_total_hides_the_whole_table():
    hidden, total_hidden = hide_table([1, 2, 0], 3, 5)
    assert hidden == [True, True, False] and total_hidden


def test_the_threshold_is_the_configured_one():
    assert hide_table([3, 9, 12], 24, 3) == ([False, False, False], False)
    assert hide_table([2, 9, 12], 23, 3) == ([True, True, False], False)


def test_no_reader_can_recompute_a_hidden_cell():
    """Brute force over small tables: whatever is shown, each hidden cell keeps at least two candidates."""
    import itertools

    for cells in itertools.product(range(0, 9), repeat=3):
        total = sum(cells)
        hidden, total_hidden = hide_table(list(cells), total, 5)
        if total_hidden or not any(hidden):
            continue
        shown_sum = sum(v for v, h in zip(cells, hidden) if not h)
        assert sum(hidden) >= 2, cells
        assert total - shown_sum == sum(v for v, h in zip(cells, hidden) if h)
