"""The [wall] section of the configuration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WallConfig:
    """[wall]: nothing to set yet."""

    def problems(self) -> list[str]:
        return []
