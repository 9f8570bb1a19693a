"""Chapters parsed by earlier builds, kept for the next: a build parses again only the chapters that changed.

Parsing every chapter is the largest step of a one-paragraph edit before the layout (1.3 s of an 824-page book's
edit); each chapter's parse is kept under the hash of all that it reads: the parser's settings, the chapter (its
number, title, file), its text and every chapter's file and id. So is each note's (a glossary definition, a
chronology event, their sources): its text, its place, its id, the book's language and glossary.

A parse is kept pickled, and each build gets tokens of its own: later stages change them (links settled across
chapters), and a parse kept as objects would carry one build's changes into the next. Its diagnostics are kept
with it and reported again, as a parse would report them; the build's collection of diagnostics, which the
chapter's env refers to for later stages, is left out of the pickle and given back as the current build's.

Parses are kept in the book's cache (``.coursepack-cache/parses/``), keyed also by the builder and the libraries
it runs on (``cache.builder_key``), and a watcher keeps them in its memory too. A book folder is someone else's
files, and a pickle can call anything it names; the one read here may name only markdown-it's ``Token`` and the
builder's data classes and enumerations, which have no code to run but their fields' assignment, and nothing it
names is imported (:class:`_Unpickler`). A kept parse that cannot be read is parsed again.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import enum
import hashlib
import io
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from .cache import builder_key, cache_dir, keep_recent, mark_used, write_bytes
from .diagnostics import Diagnostic, Diagnostics
from .markdown.state import ChapterEnv
from .model import PICKLED_COMPACTLY

Parse = Callable[[Diagnostics], tuple[list[Token], dict[str, Any]]]  # the chapter parsed, its problems told
FOLDER = 'parses'  # in the book's cache folder
SUFFIX = '.pickle'
# Parses of the cache folder kept for each parse of the last build (a chapter's, a note's): an edit's and the one before
KEPT_EACH = 2


def digest(*inputs: object) -> bytes:
    """The hash of what a parse reads (a digest among them stands for what it was made of). A string is hashed as
    UTF-8 of its own encoding: pickle's would be kept inside the string for as long as it lives (CPython's UTF-8
    cache), and the chapters' texts live for the whole build (2.9 MB of an 824-page book's)."""
    hashed = hashlib.sha256()
    for value in inputs:
        data = value.encode('utf-8', 'surrogatepass') if isinstance(value, str) else \
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        hashed.update(f'{type(value).__name__}:{len(data)}:'.encode())
        hashed.update(data)
    return hashed.digest()


def cache_folder(root: Path) -> Path:
    """Where the parses of the book in ``root`` are kept between builds (unless ``--no-cache``)."""
    return cache_dir(root) / FOLDER


class KeptParses:
    """The parse of each chapter by earlier builds, pickled, by the :func:`digest` of what it read: in ``folder``
    (none: not on disk), and in this object's memory when ``remember`` (a watcher's, which builds again)."""

    def __init__(self, folder: Path | None = None, *, remember: bool = True) -> None:
        self._folder = folder
        self._salt = builder_key('parses').encode() if folder else b''
        self._remember = remember
        self._kept: dict[bytes, bytes] = {}
        self._used: dict[bytes, bytes] = {}
        self._asked = 0  # parses asked for since the last build's were kept
        self._unwritten: dict[bytes, bytes] = {}  # made since, for the folder: written as the build's are kept

    def parsed(self, key: bytes, parse: Parse, diagnostics: Diagnostics, files: dict[str, str],
               made: bytes | None = None) -> tuple[list[Token], dict[str, Any]]:
        """``parse(diagnostics)``, or the same tokens and env from a build whose parse read the same; ``files``:
        every chapter's file and id, which the env of each chapter holds (one dict for the whole book); ``made``:
        the parse pickled by a copy of this build (:func:`pickled`), kept as if this build had made it."""
        self._asked += 1
        kept = self._kept.get(key) or self._read(key)
        loaded = _loaded(kept) if kept else None
        if loaded is None and made is not None:
            kept, loaded = made, _loaded(made)
            if loaded is not None:
                self._write(key, made)
        if loaded is None:
            found = Diagnostics()
            tokens, env = parse(found)
            kept = pickled(tokens, env, list(found)) if self._folder or self._remember else None
            if kept is not None:
                self._write(key, kept)
        else:
            tokens, env, found = loaded
        if self._remember and kept is not None:
            self._used[key] = kept
        diagnostics.extend(found)
        env['builder'].diagnostics = diagnostics
        env['builder'].chapter_files = files
        return tokens, env

    def has(self, key: bytes) -> bool:
        """Whether a parse under ``key`` is kept (in memory, or in the folder, where it may yet be unreadable)."""
        path = self._path(key)
        return key in self._kept or key in self._unwritten or (path is not None and path.is_file())

    def __bool__(self) -> bool:
        """Whether any parse is kept in memory."""
        return bool(self._kept)

    def keep_only_this_builds(self) -> None:
        """Write the parses this build made to the cache folder, and forget those it did not use: of chapters or
        notes edited since, or gone (in the cache folder, all but the most recently used).

        Written here, not as each is parsed: a build calls this while Pandoc formats its citations
        (``pipeline.check_book``), and a first build of the 50-page benchmark book writes 280 notes and 4 chapters
        (0.1 s)."""
        self._kept, self._used = self._used, {}
        asked, self._asked = self._asked, 0
        unwritten, self._unwritten = self._unwritten, {}
        if self._folder:
            for key, data in unwritten.items():
                self._write_now(key, data)
            with contextlib.suppress(OSError):
                keep_recent(self._folder, f'*{SUFFIX}', KEPT_EACH * asked)

    def _path(self, key: bytes) -> Path | None:
        return self._folder / f'{hashlib.sha256(self._salt + key).hexdigest()}{SUFFIX}' if self._folder else None

    def _read(self, key: bytes) -> bytes | None:
        if key in self._unwritten:
            return self._unwritten[key]
        path = self._path(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        mark_used(path)
        return data

    def _write(self, key: bytes, data: bytes) -> None:
        if self._folder:
            self._unwritten[key] = data

    def _write_now(self, key: bytes, data: bytes) -> None:
        path = self._path(key)
        if path is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
                write_bytes(path, data)


def pickled(tokens: list[Token], env: dict[str, Any], found: list[Diagnostic]) -> bytes | None:
    """A parse pickled, without what belongs to the build it was made in (given back when it is read): the env's
    collection of diagnostics, and every chapter's file and id, one dict that each chapter's env holds (a copy each
    took 2.6 MB of an 824-page book's parses once read). None if the parse holds the build's diagnostics elsewhere
    too: read, it would report into a copy."""
    try:
        stream = io.BytesIO()
        _Pickler(stream, pickle.HIGHEST_PROTOCOL).dump((tokens, {**env, 'builder': dataclasses.replace(
            env['builder'], diagnostics=None, chapter_files={})}, found))
    except pickle.PicklingError:
        return None
    return stream.getvalue()


def _loaded(data: bytes) -> tuple[list[Token], dict[str, Any], list[Diagnostic]] | None:
    """A kept parse's tokens, env and problems; None if it cannot be read as one (damaged, or not a parse)."""
    try:
        tokens, env, found = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001  (a damaged pickle raises nearly anything: it is parsed again)
        return None
    if isinstance(tokens, list) and all(isinstance(token, Token) for token in tokens) and isinstance(env, dict) \
            and isinstance(env.get('builder'), ChapterEnv) and isinstance(found, list) \
            and all(isinstance(problem, Diagnostic) for problem in found):
        return tokens, env, found
    return None


def _not_kept(diagnostics: Diagnostics) -> tuple:
    raise pickle.PicklingError('a parse that holds the build\'s diagnostics is not kept')


class _Pickler(pickle.Pickler):
    # No persistent ids: the pickler would call one for every object (1.5 million at 824 pages: 0.7 s)
    dispatch_table = {**copyreg.dispatch_table, **PICKLED_COMPACTLY, Diagnostics: _not_kept}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        """Only markdown-it's ``Token`` and the builder's data classes and enumerations, of modules already
        imported (importing one can run code)."""
        imported = sys.modules.get(module)
        found = getattr(imported, name, None) if imported is not None and '.' not in name else None
        if found is Token or (module.split('.')[0] == 'builder' and isinstance(found, type)
                              and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum))):
            return found
        raise pickle.UnpicklingError(f'a kept parse may not name {module}.{name}')
