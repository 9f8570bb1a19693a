"""Laid-out parts of the PDF, kept under ``BOOK/.coursepack-cache/parts/`` by the hash of what decides their layout."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..cache import write_json

DOCUMENTS = 'documents.json'  # what the parts of the last build were made of (``PartStore.remember_documents``)


@dataclass(frozen=True)
class PartResult:
    """A laid-out part of the PDF (``parts.py``): what joining it into the book needs."""

    key: str
    pages: int
    anchors: dict[str, int]  # id -> page within the part, from 1
    links: list[tuple[int, tuple[float, float, float, float], str]]  # page index, PDF rectangle, target id
    size: tuple[float, float]  # width and height of its pages, in PDF points
    pdf: str | None  # the part's PDF, if it was written
    messages: list[tuple[int, str]]  # WeasyPrint's log: (level, first line)
    folios: list[int]  # the pages (indices) that carry a folio, when the folios are drawn apart (furniture.py)
    # Laid out from placeholders: where each page reference's digits are stamped in (stamped_digits.py)
    slots: list | None = None


class PartStore:
    """Laid-out parts by content hash: of their HTML, and of the ``salt`` (builder, styles, images)."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.salt = salt

    def key(self, html: str) -> str:
        return hashlib.sha256(f'{self.salt}\n{html}'.encode()).hexdigest()

    def pdf_path(self, key: str) -> Path:
        return self.folder / f'{key}.pdf'

    def get(self, key: str) -> PartResult | None:
        try:
            data = json.loads((self.folder / f'{key}.json').read_text())
        except (OSError, ValueError):
            return None
        if not self.pdf_path(key).is_file():
            return None
        return PartResult(**{**data, 'links': [(i, tuple(r), t) for i, r, t in data['links']],
                             'size': tuple(data['size']), 'messages': [tuple(m) for m in data['messages']],
                             'slots': _glyphs_shared(data['slots'])})

    def put(self, part: PartResult) -> None:
        # Its fields as they are: JSON writes tuples as lists (``dataclasses.asdict`` copied every link: 30 ms a part)
        write_json(self.folder / f'{part.key}.json', vars(part))

    def template(self, key: str, make: Callable[[], tuple[str, list[str]]]) -> tuple[str, list[str]]:
        """A part's print document with placeholders for its page numbers, and their targets (``part_template``),
        kept under ``key``, the hash of what it is made of: an edit, in a new process, made again the templates of
        the parts it did not change, to look their layouts up (0.55 s of the 824-page book's edit, beside its part)."""
        path = self.folder / f'{key}.template'
        try:
            template, targets = json.loads(path.read_text())
            return template, targets
        except (OSError, ValueError):
            made = make()
            write_json(path, list(made))
            return made

    def prune(self, keep: set[str]) -> None:
        """Keep only the parts of the last build."""
        for path in self.folder.iterdir():
            if path.stem not in keep and path.name != DOCUMENTS:
                path.unlink(missing_ok=True)

    def last_documents(self) -> set[str]:
        """The digests of the documents of each part of the last build."""
        try:
            return set(json.loads((self.folder / DOCUMENTS).read_text()))
        except (OSError, ValueError, TypeError):
            return set()

    def remember_documents(self, digests: list[str]) -> None:
        write_json(self.folder / DOCUMENTS, digests)


def _glyphs_shared(slots: list | None) -> list | None:
    """A part's slots (``stamped_digits.Slot``), the glyphs of the ten digits one dict for the slots of one font
    and size, as the layout made them: a dict for each slot, as JSON reads them, the 8,600 slots of the 824-page
    book's parts (7,300 of them the page numbers of its glossary, chronology and bibliography) took 8.8 MiB of the
    builder, 2.1 MiB shared."""
    if slots is None:
        return None
    glyphs: dict[tuple, dict[str, str]] = {}
    return [(page, places, glyphs.setdefault(tuple(digits.items()), digits)) for page, places, digits in slots]
