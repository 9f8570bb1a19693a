"""The ledger: what each source contributes to each output of the book, measured from the chapters.

For each source the book cites: its passages (:mod:`.attribution`), the
words they hold, the longest, the source's own pages (and other places)
cited, collapsed into ranges, and the share of the source reproduced when its
length is known. The extent is given for each edition and for each chapter of
it (a handout), since each is printed and counted on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..citations.load import Reference
from ..citations.resolve import citation_uses
from ..diagnostics import Diagnostics
from ..model import CiteItem, ResolvedBook, Selection
from ..selection import selected_chapters
from .attribution import Passage, passages
from .rights import Rights


@dataclass(frozen=True)
class Extent:
    """What one output (or the whole book) takes from one source."""

    passages: tuple[Passage, ...] = ()
    items: tuple[CiteItem, ...] = ()  # every citation of the source, for the places cited

    @property
    def words(self) -> int:
        return sum(p.words for p in self.passages)

    @property
    def longest(self) -> int:
        return max((p.words for p in self.passages), default=0)

    def places(self, terms: dict[str, tuple[str, str]]) -> str:
        """The places of the source cited, named with ``terms`` (``citations.terms.locator_terms``)."""
        return collapsed_locators(self.items, terms)

    def share(self, rights: Rights | None) -> float | None:
        """The fraction of the source reproduced: the words of its distinct passages, or the pages cited, over
        its length."""
        if rights is None or rights.length is None:
            return None
        unit, total = rights.length
        distinct = {p.text: p.words for p in self.passages}  # the same words quoted twice are reproduced once
        used = sum(distinct.values()) if unit == 'words' else len(_numbers(self.items, 'page'))
        return used / total


@dataclass(frozen=True)
class Scope:
    """An output the ledger is given for: an edition, or a chapter of one (a handout)."""

    edition: str
    chapter_id: str | None  # None: the whole edition
    stem: str  # its outputs' path under dist/, without suffix (its page map's name)


@dataclass(frozen=True)
class Ledger:
    references: tuple[Reference, ...]  # the sources cited, in the references file's order
    scopes: tuple[Scope, ...]
    extents: dict[tuple[Scope, str], Extent]  # (scope, reference id) -> extent

    def extent(self, scope: Scope, source: str) -> Extent:
        return self.extents.get((scope, source), Extent())

    @property
    def main(self) -> Scope:
        return self.scopes[0]


def make_ledger(whole: ResolvedBook, references: tuple[Reference, ...], stems: dict[Selection, str]) -> Ledger:
    """The ledger of each output named in ``stems`` (selection -> stem), the main edition's first."""
    scopes, extents = [], {}
    for selection, stem in stems.items():
        chapters = selected_chapters(whole, selection, Diagnostics())
        found = [p for parsed in chapters for p in passages(parsed, references, whole.config.language)]
        uses = [use for parsed in chapters for use in citation_uses(parsed.chapter.id, parsed.tokens)]
        scope = Scope(selection.edition, selection.chapters[0] if selection.chapters else None, stem)
        scopes.append(scope)
        for reference in references:
            mine = tuple(p for p in found if p.source == reference.id)
            items = tuple(item for use in uses for item in use.items if item.key == reference.id)
            if mine or items:
                extents[(scope, reference.id)] = Extent(mine, items)
    cited = {ident for _, ident in extents}
    return Ledger(tuple(r for r in references if r.id in cited), tuple(scopes), extents)


# ---- the places of a source cited ----

_RANGE = re.compile(r'^(\d+)\s*[-–—]+\s*(\d+)$')


def _numbers(items: Iterable[CiteItem], label: str) -> set[int]:
    numbers: set[int] = set()
    for item in items:
        if item.label == label and item.locator:
            for part in re.split(r',|&|\band\b', item.locator):
                part = part.strip()
                span = _RANGE.match(part)
                if span and int(span[1]) <= int(span[2]):
                    numbers.update(range(int(span[1]), int(span[2]) + 1))
                elif part.isdigit():
                    numbers.add(int(part))
    return numbers


def collapsed_locators(items: Iterable[CiteItem], terms: dict[str, tuple[str, str]]) -> str:
    """The places cited, label by label, numbers collapsed into ranges: "pp. 3–5, 9; para. 1; sec. Aftermath",
    each label's word from ``terms`` (singular and plural; the label itself where it has none)."""
    items = tuple(items)
    groups: list[str] = []
    for label in dict.fromkeys(item.label for item in items if item.label and item.locator):
        words = dict.fromkeys(item.locator for item in items if item.label == label and item.locator
                              and not _numbers((item,), label))
        numbers = _numbers(items, label)
        shown = number_runs(numbers) + [str(w) for w in words]
        singular, plural = terms.get(label, (label, label))  # type: ignore[arg-type]
        groups.append(f"{plural if len(numbers) > 1 or len(shown) > 1 else singular} {', '.join(shown)}")
    return '; '.join(groups)


def number_runs(numbers: Iterable[int], label: Callable[[int], str] = str) -> list[str]:
    """Numbers as runs, in order, each end written by ``label``: {3, 4, 5, 9} -> ['3–5', '9']."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [f'{label(a)}–{label(b)}' if a != b else label(a) for a, b in runs]
