"""Outputs replace their previous versions only when the whole build has succeeded.

Writers write into hidden temporary files beside their targets
(``dist/.coursepack-book.pdf.k3j9x2ab.part``); the build renames them all over
the old outputs at the end, or deletes them when anything failed. A failed
build thus leaves the previous outputs intact, and a reader never sees half a
file.

A build killed outright (SIGKILL, a power cut) cannot delete its temporaries,
so the next build of the same output folder does, before anything else. While
a build writes, it holds an advisory lock on the output folder, so that a
second build started meanwhile neither deletes the first one's temporaries
nor interleaves its outputs with them: it waits for the first to finish.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent builds of one folder are not guarded there
    fcntl = None  # type: ignore[assignment]

PREFIX = '.coursepack-'
SUFFIX = '.part'


def unwritable(folder: Path) -> str | None:
    """Why outputs cannot be written in ``folder`` (made when missing), or None: checked before a build
    lays anything out, so that the author reads one line, not an OSError, and nothing is touched."""
    existing = next(f for f in (folder, *folder.parents) if f.exists())
    if not existing.is_dir():
        return f"'{existing}' is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"'{existing}' is read-only"
    return None


def discard_interrupted(out_dir: Path) -> list[Path]:
    """Delete the temporaries that killed builds left in ``out_dir``; return what was deleted."""
    if not out_dir.is_dir():
        return []
    with _folder_lock(out_dir):
        stale = sorted(out_dir.rglob(f'{PREFIX}*{SUFFIX}'))
        for path in stale:
            _remove(path)
    return stale


def target_name(path: Path) -> str:
    """The name of the output that ``path`` is written for: its own, or, staged, its target's."""
    name = path.name
    if name.startswith(PREFIX) and name.endswith(SUFFIX):
        return name[len(PREFIX):-len(SUFFIX)].rsplit('.', 1)[0]  # mkstemp's random part goes last
    return name


class StagedOutputs:
    def __init__(self, out_dir: Path, stack: contextlib.ExitStack) -> None:
        self._out_dir = out_dir
        self._stack = stack
        self._locked = False
        self._staged: dict[Path, Path] = {}
        self._created: list[Path] = []  # folders made for the outputs, removed again if the build fails

    def stage(self, target: Path, *, folder: bool = False) -> Path:
        """A temporary path to write ``target``'s new content to: a file, or a folder (the web edition)."""
        missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        self._created.extend(missing)
        if not self._locked:
            self._out_dir.mkdir(parents=True, exist_ok=True)
            self._stack.enter_context(_folder_lock(self._out_dir))
            self._locked = True
        if folder:
            name = tempfile.mkdtemp(prefix=f'{PREFIX}{target.name}.', suffix=SUFFIX, dir=target.parent)
        else:
            fd, name = tempfile.mkstemp(prefix=f'{PREFIX}{target.name}.', suffix=SUFFIX, dir=target.parent)
            os.close(fd)
        self._staged[target] = Path(name)
        return Path(name)

    def commit(self) -> list[Path]:
        for temporary in self._staged.values():
            for path in (temporary, *sorted(temporary.rglob('*'))):
                path.chmod(0o755 if path.is_dir() else 0o644)
                _sync(path)  # the content is on disk before the name points at it
        for target, temporary in self._staged.items():
            if temporary.is_dir() and target.is_dir():
                # A folder cannot be renamed over a full one: the old one is moved aside, then deleted.
                old = Path(tempfile.mkdtemp(prefix=f'{PREFIX}{target.name}.', suffix=SUFFIX, dir=target.parent))
                os.replace(target, old)
                os.replace(temporary, target)
                shutil.rmtree(old)
            else:
                os.replace(temporary, target)
        for folder in {target.parent for target in self._staged}:
            _sync(folder)
        committed = list(self._staged)
        self._staged.clear()
        self._created.clear()
        return committed

    def discard(self) -> None:
        for temporary in self._staged.values():
            _remove(temporary)
        self._staged.clear()
        for folder in sorted(self._created, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                folder.rmdir()
        self._created.clear()


@contextlib.contextmanager
def staged_outputs(out_dir: Path) -> Iterator[StagedOutputs]:
    """Outputs under ``out_dir`` staged for one build; whatever is not committed is deleted on exit."""
    with contextlib.ExitStack() as stack:
        staged = StagedOutputs(out_dir, stack)
        try:
            yield staged
        finally:
            staged.discard()


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel too when a killed build's process ends
        yield
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
