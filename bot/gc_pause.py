"""Pausing Python's cyclic garbage collector during a round's planning.

A large round is millions of long-lived objects (candidates, skill sets, graph arrays' owners) and
almost no cyclic garbage: the collector's passes over them cost a tenth of a 50,000-member round's
CPU and free nothing (reference counting still frees everything else). The collector's state is
the process's own, so nothing is kept here: each pause restores what it found. Two rounds planning
at once (a scheduled round while a one-off plans) may see the collector back a little early when
the first ends: a cost in speed only, never in memory kept for good.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
