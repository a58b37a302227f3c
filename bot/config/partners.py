"""The [partners] section of the configuration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartnersConfig:
    """[partners]: nothing to set yet."""

    def problems(self) -> list[str]:
        return []
