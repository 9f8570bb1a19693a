"""The one place that decides whether a build may read a file.

A book folder is someone else's files: a chapter, image, stylesheet or font
may be a symbolic link, or a path with ``..``, that leads anywhere on the
machine (``chapters/notes.md -> /etc/passwd`` would otherwise be printed in
the book). Every file a build reads is therefore resolved first, symlinks
followed, and read only when its real path lies inside the real path of the
folder it belongs to: the book folder, or the package's bundled styles.
"""

from __future__ import annotations

from pathlib import Path


def contained(folder: Path, path: Path) -> Path | None:
    """The real path of ``path`` (symlinks followed, ``..`` collapsed) if it lies inside ``folder``; else None."""
    real = path.resolve()
    return real if real.is_relative_to(folder.resolve()) else None

