"""Chapters parsed by the earlier builds of one process, for ``coursepack watch``: a rebuild parses again only
the chapters that changed.

Parsing every chapter is the largest step of a rebuild before the layout (1.2 s of a one-paragraph edit's 5.4 s
at 824 pages); a process that rebuilds on every save keeps each chapter's parse, under the hash of all that it
reads: the parser's settings, the chapter (its number, title, file), its text and every chapter's file and id.

A parse is kept pickled, and each build gets tokens of its own: later stages change them (links settled across
chapters), and a parse kept as objects would carry one build's changes into the next. Its diagnostics are kept
with it and reported again, as a parse would report them; the build's collection of diagnostics, which the
chapter's env refers to for later stages, is left out of the pickle and given back as the current build's.
Nothing is written to disk: a pickle in the book folder could run code.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import pickle
from collections.abc import Callable
from typing import Any, BinaryIO

from markdown_it.token import Token

from .diagnostics import Diagnostics
from .model import PICKLED_COMPACTLY

Parse = Callable[[Diagnostics], tuple[list[Token], dict[str, Any]]]  # the chapter parsed, its problems told
BUILDS_DIAGNOSTICS = 'diagnostics'  # the pickle's name for the build's collection of diagnostics


def digest(*inputs: object) -> bytes:
    """The hash of what a parse reads (a digest among them stands for what it was made of)."""
    return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).digest()


class KeptParses:
    """The last build's parse of each chapter, pickled, by the :func:`digest` of what it read."""

    def __init__(self) -> None:
        self._kept: dict[bytes, bytes] = {}
        self._used: dict[bytes, bytes] = {}

    def parsed(self, key: bytes, parse: Parse, diagnostics: Diagnostics) -> tuple[list[Token], dict[str, Any]]:
        """``parse(diagnostics)``, or the same tokens and env from a build whose parse read the same."""
        kept = self._kept.get(key)
        if kept is None:
            found = Diagnostics()
            tokens, env = parse(found)
            stream = io.BytesIO()
            _Pickler(stream, found).dump((tokens, env, list(found)))
            kept = stream.getvalue()
        else:
            tokens, env, found = _Unpickler(io.BytesIO(kept), diagnostics).load()
        self._used[key] = kept
        diagnostics.extend(found)
        env['builder'].diagnostics = diagnostics
        return tokens, env

    def __bool__(self) -> bool:
        """Whether any parse is kept."""
        return bool(self._kept)

    def keep_only_this_builds(self) -> None:
        """Forget the parses this build did not use: of chapters edited since, or gone."""
        self._kept, self._used = self._used, {}


class _Pickler(pickle.Pickler):
    dispatch_table = {**copyreg.dispatch_table, **PICKLED_COMPACTLY}

    def __init__(self, file: BinaryIO, diagnostics: Diagnostics) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.diagnostics = diagnostics

    def persistent_id(self, obj: object) -> str | None:
        return BUILDS_DIAGNOSTICS if obj is self.diagnostics else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, diagnostics: Diagnostics) -> None:
        super().__init__(file)
        self.diagnostics = diagnostics

    def persistent_load(self, name: str) -> Diagnostics:
        return self.diagnostics
