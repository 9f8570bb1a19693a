"""``coursepack new DIR``: a new book folder, copied from the example book in ``builder/scaffold/``.

The scaffold is a real book kept as package data, so it is built and checked
by the tests like any other: what an author starts from always builds.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

SKIPPED = ('dist', '__pycache__')


def new_book(target: Path) -> None:
    """Copy the scaffold to ``target``; raise FileExistsError if it exists and holds anything."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(target)
    _copy(files('builder') / 'scaffold', target)


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name in SKIPPED:
            continue
        if entry.is_dir():
            _copy(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
