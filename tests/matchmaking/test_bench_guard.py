"""Benchmarks fail loudly (exit status 3) when they measured nothing."""

from __future__ import annotations

import pytest

from bench.guard import EMPTY_WORK, require


def test_empty_work_exits_with_status_3(capsys):
    with pytest.raises(SystemExit) as stopped:
        require(0, "listed profiles")
    assert stopped.value.code == EMPTY_WORK == 3
    assert "listed profiles = 0" in capsys.readouterr().err


def test_enough_work_passes():
    require(5, "pairs", 5)
    with pytest.raises(SystemExit):
        require(4, "pairs", 5)
