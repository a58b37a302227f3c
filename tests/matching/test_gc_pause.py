"""The garbage collector's pause around rounds: off within, restored after, never turned on when it
was off before."""

from __future__ import annotations

import gc

import pytest

from bot.gc_pause import without_cyclic_gc


def test_the_collector_is_off_within_and_back_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with without_cyclic_gc():
            assert not gc.isenabled()
            raise RuntimeError("a round that failed")
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    try:
        with without_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
