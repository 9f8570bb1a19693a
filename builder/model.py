"""The frozen values that flow between the stages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown_it.token import Token

from .config import BookConfig
from .diagnostics import SourceLocation

if TYPE_CHECKING:
    from .bibliography import Formatted, Style
    from .references import Reference


@dataclass(frozen=True)
class SourceFile:
    """A chapter file as read from the book folder."""

    path: str  # relative to the book folder, with forward slashes
    text: str


@dataclass(frozen=True)
class Book:
    """What the load stage gives: the manifest and the chapter sources, in reading order."""

    config: BookConfig
    sources: tuple[SourceFile, ...]
    references: tuple[Reference, ...] = ()
    style: Style | None = None  # the citation style, found and checked

    @property
    def root(self) -> Path:
        return self.config.root


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    short_title: str
    summary: str | None
    number: int | None  # None for unnumbered chapters (preface)
    path: str
    location: SourceLocation

    @property
    def label(self) -> str:
        return f'Chapter {self.number}' if self.number is not None else self.title


@dataclass(frozen=True)
class CiteItem:
    """One work cited in a Pandoc citation: ``[see @key, p. 12]`` or ``@key``."""

    key: str
    prefix: str = ''
    suffix: str = ''
    label: str | None = None  # a CSL locator label: page, chapter, section, paragraph …
    locator: str | None = None
    suppress_author: bool = False  # [-@key]


@dataclass(frozen=True)
class ParsedChapter:
    chapter: Chapter
    tokens: tuple[Token, ...]
    env: dict[str, Any]


@dataclass(frozen=True)
class Heading:
    id: str
    level: int
    title: str
    chapter_id: str
    listed: bool = True  # False for Pandoc's {.unlisted}: kept out of the contents


@dataclass(frozen=True)
class ResolvedBook:
    """The parsed book with every cross-chapter reference checked and its targets known."""

    config: BookConfig
    chapters: tuple[ParsedChapter, ...]
    headings: tuple[Heading, ...]
    # id -> the label a cross-reference to it prints ("chapter 3", "section 2.1 …")
    targets: dict[str, str]
    # id of any element -> id of the chapter that holds it
    chapter_of: dict[str, str]
    images: tuple[str, ...]  # book-relative paths of the images used
    bibliography: Formatted | None = None  # formatted citations and reference lists


@dataclass(frozen=True)
class Document:
    """One rendered XHTML document: a chapter, the title page, the contents or a back-matter part."""

    id: str
    kind: str  # titlepage | toc | chapter | backmatter
    title: str
    body: str  # a well-formed XHTML fragment: one <section> element
    landmark: str | None = None  # EPUB landmark type (bodymatter, toc, glossary …)

    @property
    def file_name(self) -> str:
        return f'{self.id}.xhtml'


class PageMap(dict[str, int]):
    """Element id -> the printed page it falls on, read from WeasyPrint's laid-out book.

    The renderer prints page numbers from it where CSS ``target-counter()``
    cannot: collapsed lists of pages ("12, 34–36"), the EPUB page-list.
    """

    def pages_of(self, ids: list[str]) -> list[int]:
        return sorted({self[i] for i in ids if i in self})


@dataclass(frozen=True)
class RenderedBook:
    config: BookConfig
    documents: tuple[Document, ...]
    headings: tuple[Heading, ...]
    images: tuple[str, ...]
    pages: PageMap | None = None  # the page map this rendering printed, if any
