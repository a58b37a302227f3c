"""Named fault-injection points, for tests that kill whole processes at a chosen moment (issue 18).

Off unless the environment names them: `MAILLAGE_FAILPOINTS="matchmaking.round_before_commit=pause"`
makes a `maillage run` process log "failpoint matchmaking.round_before_commit reached" when it gets
there and then wait (up to ten minutes), so a test can SIGKILL it *inside* that moment — for the
round, inside its write transaction, before the commit — instead of hoping a random delay lands in a
window that lasts a second. Read once per process; a point not named costs one dictionary lookup.
"""

from __future__ import annotations

import asyncio
import logging
import os
from functools import cache

log = logging.getLogger(__name__)

VARIABLE = "MAILLAGE_FAILPOINTS"
PAUSE_SECONDS = 600.0


@cache
def _armed() -> dict[str, str]:
    armed: dict[str, str] = {}
    for item in os.environ.get(VARIABLE, "").split(","):
        name, _, action = item.strip().partition("=")
        if name:
            armed[name] = action.strip() or "pause"
    return armed


async def reach(name: str) -> None:
    """Marks the point `name`; when it is armed, says so in the log and pauses there."""
    action = _armed().get(name)
    if action is None:
        return
    log.warning("failpoint %s reached (%s)", name, action)
    if action == "pause":
        await asyncio.sleep(PAUSE_SECONDS)
