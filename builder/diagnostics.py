"""Problems as values: located diagnostics, collected, then reported together.

A stage never prints or raises on the first problem it finds. It adds a
:class:`Diagnostic` to the :class:`Diagnostics` it was given and goes on, so
that an author sees every problem of a build at once, compiler-style::

    chapters/02-geneva.md:14:3: error[cite-unknown]: no reference 'kalinovsky2011'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = 'error'
    WARNING = 'warning'


@dataclass(frozen=True, order=True, slots=True)  # slots: 170,000 of them at 824 pages
class SourceLocation:
    """A place in a book file: the path relative to the book folder, 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ':'.join(parts)

    def __reduce__(self) -> tuple[type[SourceLocation], tuple[str, int | None, int | None]]:
        # Pickled as its fields (the book that handouts' workers read, ``workers.py``), not as the list of them
        # a frozen dataclass makes for each (``model.token_as_fields`` says why).
        return SourceLocation, (self.path, self.line, self.column)


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    code: str
    message: str
    location: SourceLocation | None = None

    def __str__(self) -> str:
        where = f'{self.location}: ' if self.location else ''
        return f'{where}{self.level.value}[{self.code}]: {self.message}'


class Diagnostics:
    """An append-only collection of diagnostics, shared by the stages of one build."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def error(self, code: str, message: str, location: SourceLocation | None = None) -> None:
        self._items.append(Diagnostic(Level.ERROR, code, message, location))

    def warning(self, code: str, message: str, location: SourceLocation | None = None) -> None:
        self._items.append(Diagnostic(Level.WARNING, code, message, location))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self._items.extend(items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.level is Level.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._items if d.level is Level.WARNING]

    def has_errors(self, *, strict: bool = False) -> bool:
        return any(d.level is Level.ERROR or strict for d in self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in reading order: by file, then line; unlocated ones last."""
        def reading_order(d: Diagnostic) -> tuple:
            where = d.location or SourceLocation('')
            # A line or column may be unknown (None), which does not compare with a number: it sorts first.
            return (d.location is None, where.path, where.line or 0, where.column or 0, d.code)

        return sorted(self._items, key=reading_order)


class BuildError(Exception):
    """Raised once, after a stage, when the collected diagnostics contain errors."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(f'{len(diagnostics.errors)} error(s)')
        self.diagnostics = diagnostics


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for a misspelt name, or ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ''
