"""How long a job holds the database's write lock: every write transaction timed, BEGIN to COMMIT.

On SQLite a transaction that is not a `read_session` begins IMMEDIATE (storage.db), so the time from
its BEGIN to its COMMIT or ROLLBACK is the time every other writer (a chat command) waits. The meter
listens to the engine's own begin/commit/rollback events: nothing in the measured code changes.
Used by bench/bench_long_jobs.py (the table) and by tests that count a job's write transactions.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from storage.db import READ_ONLY, Database


@dataclass
class WriteLockMeter:
    """Seconds of each write transaction (read-only snapshots are not counted)."""

    held: list[float] = field(default_factory=list)
    _open: dict[int, float] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.held)

    @property
    def longest(self) -> float:
        return max(self.held, default=0.0)

    @property
    def total(self) -> float:
        return sum(self.held)

    def _begin(self, connection) -> None:
        if not connection.get_execution_options().get(READ_ONLY, False):
            self._open[id(connection)] = time.perf_counter()

    def _end(self, connection) -> None:
        started = self._open.pop(id(connection), None)
        if started is not None:
            self.held.append(time.perf_counter() - started)


@contextmanager
def write_lock_meter(db: Database):
    """Time every write transaction of `db` inside the block."""
    meter = WriteLockMeter()
    engine = db.engine.sync_engine
    hooks = (("begin", meter._begin), ("commit", meter._end), ("rollback", meter._end))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield meter
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)
