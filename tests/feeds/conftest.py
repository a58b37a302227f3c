"""Fixtures of the feed tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path):
    """Write an ICS file and return its path (a config source may read local files)."""

    def _write(name: str, data: bytes) -> str:
        path: Path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return _write
