"""The garbage collector's pause around rounds: counted, so overlapping rounds end it once, and never
turned on when it was off before the first began."""

from __future__ import annotations

import gc

from bot.gc_pause import without_cyclic_gc


def test_overlapping_pauses_enable_the_collector_when_the_last_ends():
    assert gc.isenabled()
    first, second = without_cyclic_gc(), without_cyclic_gc()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled(), "the other round still plans"
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    try:
        with without_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
