"""Laid-out parts of the PDF, kept under ``BOOK/.coursepack-cache/parts/`` by the hash of what decides their layout."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import write_bytes, write_json

PART = 'part-result'  # a part's ``PartResult``, pickled beside its PDF
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
    # The pages it compressed for the join to draw their folio over: index -> where the start of its contents' stream
    # ends, which the join carries on (page_contents.py)
    ends: dict[int, int] = field(default_factory=dict)


class PartStore:
    """Laid-out parts by content hash: of their HTML, and of the ``salt`` (builder, styles, images)."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.salt = salt
        self.found: dict[str, PartResult | None] = {}  # a part is looked up twice: its layout's slots, then itself

    def key(self, html: str) -> str:
        return hashlib.sha256(f'{self.salt}\n{html}'.encode()).hexdigest()

    def pdf_path(self, key: str) -> Path:
        return self.folder / f'{key}.pdf'

    def get(self, key: str) -> PartResult | None:
        if key not in self.found:
            self.found[key] = self._read(key)
        return self.found[key]

    def _read(self, key: str) -> PartResult | None:
        try:
            with open(self.folder / f'{key}.{PART}', 'rb') as file:
                fields = _PlainData(file).load()
            found = PartResult(**fields)
        except Exception:  # noqa: BLE001  (a damaged pickle raises nearly anything: the part is laid out again)
            return None
        return found if self.pdf_path(key).is_file() else None

    def put(self, part: PartResult) -> None:
        # Pickled: read back as JSON, the 69 parts of an 824-page book's edit took 0.33 s of the build, before its
        # edited part was laid out (their links' lists). A pickle keeps too what the part's objects share: each
        # slot's glyphs of the digits (``stamped_digits.Slot``), one dict for many slots, were a dict each as JSON
        # read them (8.8 MiB of the builder for the 8,600 slots of the 824-page book's parts; 2.1 MiB shared).
        write_bytes(self.folder / f'{part.key}.{PART}', pickle.dumps(vars(part), pickle.HIGHEST_PROTOCOL))
        self.found[part.key] = part

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


class _PlainData(pickle.Unpickler):
    """A kept part: a dict of strings, numbers, lists, tuples and dicts. A book folder is someone else's files, and
    a pickle can call anything it names: this one may name nothing."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f'a kept part may not name {module}.{name}')
