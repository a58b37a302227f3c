"""Publishing the slash commands only when they changed: a hash of the payload, kept in the database.

Discord limits command updates (200 a day per guild) and a global update takes a while to show, so
`maillage run` must not re-publish an unchanged set at every start. The hash covers exactly what
would be sent (names, descriptions, options, French localisations), per scope: "global" or one guild.
The hash is remembered through the core (`bot.platform_state`), in the database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any



def payload_hash(payload: list[dict[str, Any]]) -> str:
    ordered = sorted(payload, key=lambda command: command.get("name", ""))
    return hashlib.sha256(json.dumps(ordered, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def scope_key(guild_id: str | None) -> str:
    return f"commands:guild:{guild_id}" if guild_id else "commands:global"
