"""Pausing Python's cyclic garbage collector during a round's planning.

A large round is millions of long-lived objects (candidates, skill sets, graph arrays' owners) and
almost no cyclic garbage: the collector's passes over them cost a tenth of a 50,000-member round's
CPU and free nothing (reference counting still frees everything else). The pause is counted, so
overlapping rounds (a scheduled round while a one-off or a CLI dry-run plans) re-enable it only when
the last one ends, and only if it was enabled before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
