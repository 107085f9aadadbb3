"""Fixtures for the pure core's tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def folder_hash() -> Callable[[Path], dict[str, str]]:
    """Name -> SHA-256 of every entry in a folder, links not followed, to prove nothing changed."""

    def digest(folder: Path) -> dict[str, str]:
        out = {}
        for path in sorted(folder.iterdir()):
            stat = path.lstat()
            data = (
                path.readlink().as_posix().encode()
                if path.is_symlink()
                else (path.read_bytes() if path.is_file() else b"dir")
            )
            out[path.name] = f"{hashlib.sha256(data).hexdigest()}:{stat.st_mtime_ns}"
        return out

    return digest
