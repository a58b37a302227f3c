"""The guard every benchmark calls on what it measured: a benchmark of empty work fails loudly.

A benchmark whose set-up silently produced nothing (no listed profile, no candidate, no send) prints
fast figures that mean nothing — the directory benchmark once measured an empty directory for weeks.
`require` stops the benchmark with exit status 3 and a line naming what was empty; `python -m bench`
passes the status on, so `make bench` fails too.
"""

from __future__ import annotations

import sys

EMPTY_WORK = 3


def require(count: float, what: str, minimum: float = 1) -> None:
    """Exit with status 3 unless `count` (listed profiles, matches, candidates, sends...) >= minimum."""
    if not count >= minimum:
        print(f"\nBENCHMARK MEASURED EMPTY WORK: {what} = {count} (need at least {minimum})", file=sys.stderr,
              flush=True)
        raise SystemExit(EMPTY_WORK)
