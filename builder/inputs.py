"""The files a build reads: every one it could (for the cache), and those it does (for watch mode and ``check``).

Listed from the book folder's layout rather than from a build, so that they
are known even when the book is broken. A build could read any file of the
book folder but outputs, tool folders and dot folders (:func:`book_files`):
the cache compares them all, so that no change is missed. Of those, it reads
book.yaml and the data files beside it, everything under ``chapters/`` and
``styles/``, and the images and CSL styles anywhere in the book folder
(:func:`input_files`): watch mode rebuilds when one of them changes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .containment import contained

DATA_SUFFIXES = ('.yaml', '.yml', '.json', '.bib', '.csl')
# Files a book may keep in any folder: images, and CSL styles named by citation-style.
ANYWHERE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.gif', '.svg', '.csl')
INPUT_FOLDERS = ('chapters', 'styles')
# Folders of tools and outputs, which a book never reads from (dot folders, the cache's too, neither).
SKIPPED_FOLDERS = frozenset({'dist', 'node_modules', '__pycache__', 'venv'})


def book_files(root: Path, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Every file a build of ``root`` could read: the book folder but outputs (``skip``), tool and dot folders."""
    skipped = {p.resolve() for p in skip}
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.') and d not in SKIPPED_FOLDERS
                         and (Path(folder) / d).resolve() not in skipped)
        found.extend(Path(folder) / f for f in sorted(files) if not f.startswith('.'))
    return found


def input_files(root: Path, out_dir: Path) -> list[Path]:
    """The files a build of ``root`` reads: book.yaml and the data files beside it, everything
    under chapters/ and styles/, and the images and CSL styles anywhere else in the book folder."""
    found = [p for p in root.iterdir() if p.is_file() and p.suffix in DATA_SUFFIXES]
    for path in book_files(root, (out_dir,)):
        if not path.is_file():  # a named pipe would be read for ever
            continue
        top = path.relative_to(root).parts[0]
        if top in INPUT_FOLDERS or path.suffix.lower() in ANYWHERE_SUFFIXES:
            found.append(path)
    return sorted(set(found))  # a .csl beside book.yaml is found twice


def inputs_digest(root: Path, out_dir: Path) -> str:
    """A hash of the inputs' names and contents: equal digests, equal builds."""
    digest = hashlib.sha256()
    for path in input_files(root, out_dir):
        digest.update(path.relative_to(root).as_posix().encode() + b'\0')
        if contained(root, path) is None:  # a link out of the book, refused by the build: never read
            digest.update(f'link to {path.resolve()}'.encode())
            continue
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:  # deleted between listing and reading: the next event rebuilds
            digest.update(b'unreadable')
    return digest.hexdigest()


def newest_input(root: Path, out_dir: Path) -> tuple[Path, float] | None:
    """The most recently modified input and its modification time."""
    times = [(path, path.stat().st_mtime) for path in input_files(root, out_dir)]
    return max(times, key=lambda item: item[1], default=None)

