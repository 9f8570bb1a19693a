"""Outputs replace their previous versions only when the whole build has succeeded.

Writers write into temporary files beside their targets; the build renames
them all over the old outputs at the end, or deletes them when anything
failed. A failed or killed build thus leaves the previous outputs intact, and
a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class StagedOutputs:
    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}

    def stage(self, target: Path) -> Path:
        """A temporary path to write ``target``'s new content to."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f'.{target.name}.', suffix='.part', dir=target.parent)
        os.close(fd)
        self._staged[target] = Path(name)
        return Path(name)

    def commit(self) -> list[Path]:
        for target, temporary in self._staged.items():
            temporary.chmod(0o644)
            os.replace(temporary, target)
        committed = list(self._staged)
        self._staged.clear()
        return committed

    def discard(self) -> None:
        for temporary in self._staged.values():
            temporary.unlink(missing_ok=True)
        self._staged.clear()


@contextlib.contextmanager
def staged_outputs() -> Iterator[StagedOutputs]:
    staged = StagedOutputs()
    try:
        yield staged
    finally:
        staged.discard()  # whatever was not committed
