"""Every place a command will write, checked before it starts: a run that trains for an hour and
then cannot write its model has lost the hour."""

from __future__ import annotations

import os
from pathlib import Path


class OutputError(ValueError):
    """An output location that cannot be written (one line: the option, the path, why)."""


def check_file(option: str, path: str | Path) -> None:
    """``path`` can be created or replaced: its folder exists (or can be made) and is writable."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{option} {path}: is a folder; expected a file name")
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{option} {path}: exists and is not writable")


def check_folder(option: str, path: str | Path) -> None:
    """``path`` is a writable folder or can be made one."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{option} {path}: exists and is not a folder")
    folder = _nearest_existing(path)
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: {folder} is not writable")


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
