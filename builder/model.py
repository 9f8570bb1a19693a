"""The frozen values that flow between the stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown_it.token import Token

from .config import BookConfig
from .diagnostics import SourceLocation
from .chronology.dates import EventDate

if TYPE_CHECKING:
    from .citations.format import Formatted
    from .citations.load import Reference
    from .citations.styles import Style
    from .permissions.attribution import Acknowledgements


@dataclass(frozen=True)
class SourceFile:
    """A chapter file as read from the book folder."""

    path: str  # relative to the book folder, with forward slashes
    text: str


@dataclass(frozen=True)
class TermForm:
    """Another form of a glossary term that may appear in the text."""

    form: str
    kind: str  # plural | abbreviation | spelled-out | variant | French …
    lang: str | None = None


@dataclass(frozen=True)
class Term:
    """A ``glossary.yaml`` entry as written: the definition is still Markdown source."""

    key: str
    term: str
    forms: tuple[TermForm, ...]
    definition: str
    see_also: tuple[str, ...]
    sources: str | None  # a Pandoc citation string, "[@a, p. 3; @b]"
    location: SourceLocation  # the entry
    definition_at: SourceLocation
    sources_at: SourceLocation
    see_also_at: tuple[SourceLocation, ...]


@dataclass(frozen=True)
class Event:
    """A ``chronology.yaml`` entry as written: the text is still Markdown source."""

    key: str
    date: EventDate
    text: str
    sources: str | None
    tags: tuple[str, ...]
    label: str | None  # a short label for the timeline figure
    location: SourceLocation
    text_at: SourceLocation
    sources_at: SourceLocation


@dataclass(frozen=True)
class Book:
    """What the load stage gives: the manifest, the chapter sources in reading order, the data files."""

    config: BookConfig
    sources: tuple[SourceFile, ...]
    references: tuple[Reference, ...] = ()
    style: Style | None = None  # the citation style, found and checked
    terms: tuple[Term, ...] = ()
    events: tuple[Event, ...] = ()
    # Data files ('references', 'glossary', 'chronology') that had errors: the build stops anyway, and a
    # key a chapter names may be one of the entries dropped, so "unknown key" would be no news to the author.
    broken: frozenset[str] = frozenset()

    def knows_all(self, data: str) -> bool:
        """Whether an unknown key of this data file is a real mistake, worth reporting."""
        return data not in self.broken

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


def token_as_fields(token: Token) -> tuple[type[Token], tuple[Any, ...]]:
    """How a token is pickled (the checked book that handouts' workers read, ``workers.py``): its fields, in the order
    ``Token`` takes them. By default pickle makes a dict of them for each token, which its memo holds until the
    whole book is written: the 66,000 tokens of an 824-page book took the builder from 121 to 181 MiB."""
    return Token, tuple(getattr(token, name) for name in Token.__slots__)


# Reductions (``pickle.Pickler.dispatch_table``) for the checked book's most numerous objects of other libraries
PICKLED_COMPACTLY = {Token: token_as_fields}


def marked(chapters: tuple[ParsedChapter, ...], token_type: str) -> Iterator[tuple[ParsedChapter, object]]:
    """Every term or event token of the chapters, in reading order."""
    for parsed in chapters:
        for block in parsed.tokens:
            for child in block.children or ():
                if child.type == token_type:
                    yield parsed, child


@dataclass(frozen=True)
class Fragment:
    """Markdown from a data file (a definition, an event), parsed like a chapter.

    Kept with its env and location so that later resolvers (citations) can
    walk it exactly as they walk the chapters' token streams.
    """

    tokens: tuple[Token, ...]
    env: dict[str, Any]
    location: SourceLocation


@dataclass(frozen=True)
class Notes:
    """The Markdown of the data files, parsed: definitions, event texts and their sources, by key."""

    definitions: dict[str, Fragment] = field(default_factory=dict)
    term_sources: dict[str, Fragment] = field(default_factory=dict)
    events: dict[str, Fragment] = field(default_factory=dict)
    event_sources: dict[str, Fragment] = field(default_factory=dict)

    def streams(self) -> list[tuple[str, tuple[Token, ...]]]:
        """(group, tokens) of every fragment, glossary first, for resolvers that walk token streams (citations)."""
        return [*(('glossary', f.tokens) for f in (*self.definitions.values(), *self.term_sources.values())),
                *(('chronology', f.tokens) for f in (*self.events.values(), *self.event_sources.values()))]


@dataclass(frozen=True)
class Use:
    """One marked use of a term or an event in a chapter: its element id, for links and page numbers."""

    id: str
    chapter_id: str
    text: str  # the words marked, as they read in the chapter
    location: SourceLocation


@dataclass(frozen=True)
class GlossaryEntry:
    term: Term
    definition: Fragment
    sources: Fragment | None  # the sources citation string, parsed inline
    uses: tuple[Use, ...]

    @property
    def id(self) -> str:
        return f'glossary-{self.term.key}'


@dataclass(frozen=True)
class ChronologyEntry:
    event: Event
    text: Fragment
    sources: Fragment | None
    uses: tuple[Use, ...]

    @property
    def id(self) -> str:
        return f'chronology-{self.event.key}'


@dataclass(frozen=True)
class IndexEntry:
    """An entry of the back-of-book index: its heading, the passages it points to, its sub-entries."""

    term: str  # as printed
    id: str  # of the entry in the index, the target of "see" links
    uses: tuple[Use, ...]  # in reading order
    see: tuple[tuple[str, str], ...] = ()  # (the entry's words, its id): "see …", instead of pages
    see_also: tuple[tuple[str, str], ...] = ()  # (the entry's words, its id): "see also …"
    entries: tuple[IndexEntry, ...] = ()  # sub-entries, in collation order


@dataclass(frozen=True)
class Heading:
    id: str
    level: int
    title: str
    chapter_id: str
    listed: bool = True  # False for Pandoc's {.unlisted}: kept out of the contents


@dataclass(frozen=True)
class Selection:
    """What one output holds: an edition of the whole book, or of a handout of some chapters."""

    edition: str
    chapters: tuple[str, ...] | None = None  # chapter ids of a handout; None for the whole book
    first_page: int = 1  # its first page as its page map counts it (a handout may keep the course pack's): what
    # it prints is the numbering's (PageNumbering)
    folios_apart: bool = False  # folios marked, not printed: drawn over the joined parts (layout/furniture.py)

    @property
    def is_handout(self) -> bool:
        return self.chapters is not None


@dataclass(frozen=True)
class ResolvedBook:
    """The parsed book with every cross-chapter reference checked and its targets known."""

    config: BookConfig
    chapters: tuple[ParsedChapter, ...]
    headings: tuple[Heading, ...]  # the chapters' (the renderer adds the back matter's)
    # id -> the label a cross-reference to it prints ("chapter 3", "section 2.1 …")
    targets: dict[str, str]
    # id of any element -> id of the chapter that holds it
    chapter_of: dict[str, str]
    images: tuple[str, ...]  # book-relative paths of the images used
    bibliography: Formatted | None = None  # formatted citations and reference lists
    glossary: tuple[GlossaryEntry, ...] = ()  # in the book language's collation order
    chronology: tuple[ChronologyEntry, ...] = ()  # in date order
    captions: tuple[Caption, ...] = ()  # the numbered figures and tables, in reading order
    index: tuple[IndexEntry, ...] = ()  # in the book language's collation order
    selection: Selection | None = None  # set by the select stage; None for the whole book as written
    acknowledgements: Acknowledgements | None = None  # the sources quoted, and their credit lines

    @property
    def selected(self) -> Selection:
        """What this book holds (the whole main edition unless a selection was made)."""
        return self.selection or Selection(self.config.main_edition)

    @property
    def chapter_ids(self) -> tuple[str, ...]:
        """The chapters' ids, in reading order: where ``PageNumbering`` looks for the body's first page."""
        return tuple(c.chapter.id for c in self.chapters)


@dataclass(frozen=True)
class Caption:
    """A numbered figure or table: what its caption, the cross-references to it and the lists print."""

    id: str
    kind: str  # 'figure' or 'table'
    number: str  # "3.2": the chapter's number, then the running number in the chapter
    label: str  # "Figure 3.2", as a cross-reference prints it
    text: str  # the caption's words, as the list of figures or tables prints them
    chapter_id: str


@dataclass(frozen=True)
class Resource:
    """A file the renderer generates (the timeline figure), written into the EPUB and served to WeasyPrint."""

    path: str  # book-relative, as documents refer to it
    media_type: str
    content: bytes


@dataclass(frozen=True)
class Document:
    """One rendered XHTML document: a chapter, the title page, the contents or a back-matter part."""

    id: str
    kind: str  # titlepage | toc | frontmatter | chapter | backmatter | handout
    title: str
    body: str  # a well-formed XHTML fragment: one <section> element
    landmark: str | None = None  # EPUB landmark type (bodymatter, toc, glossary …)

    @property
    def file_name(self) -> str:
        return f'{self.id}.xhtml'


class PageMap(dict[str, int]):
    """Element id -> the page it falls on, counted from the output's first page, read from WeasyPrint's
    laid-out book.

    The renderer prints page numbers from it (as :class:`PageNumbering` says)
    where CSS ``target-counter()`` cannot: collapsed lists of pages
    ("12, 34–36"), the EPUB page-list.
    """

    def printed(self, anchor: str, numbering: PageNumbering) -> str:
        """The page of ``anchor`` as ``numbering`` prints it; nothing where it is not known."""
        page = self.get(anchor)
        return '' if page is None else numbering.label(page)


ROMAN = ((1000, 'm'), (900, 'cm'), (500, 'd'), (400, 'cd'), (100, 'c'), (90, 'xc'), (50, 'l'), (40, 'xl'),
         (10, 'x'), (9, 'ix'), (5, 'v'), (4, 'iv'), (1, 'i'))


def lower_roman(number: int) -> str:
    """``number`` (1 or more) in lowercase roman numerals, as the front matter of a printed book is numbered."""
    digits = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return ''.join(digits)


@dataclass(frozen=True)
class PageNumbering:
    """The number printed for each page, as printed books number theirs: the body from 1, the front matter before
    it (title page, contents, lists of figures) from i. So the body's numbers do not depend on how long the
    contents are, and a part of the body laid out alone prints the same numbers wherever the front matter ends."""

    body: str | None = None  # the id of the body's first document (its first chapter)
    start: int = 1  # the page (as the page map counts it) printed "1": the body's first, after front matter

    @classmethod
    def of(cls, chapters: Iterable[str], pages: PageMap | None) -> PageNumbering:
        """The numbering of an output whose body begins with the first of ``chapters`` (ids, in reading order)
        that ``pages`` has: front matter, if a page comes before that chapter's (a handout has none)."""
        if not pages:
            return cls()
        body = next((chapter for chapter in chapters if chapter in pages), None)
        if body is None or pages[body] <= min(pages.values()):
            return cls(body)
        return cls(body, pages[body])

    def on(self, pages: PageMap) -> PageNumbering:
        """The numbering of the same body, beginning where ``pages`` has it."""
        return PageNumbering.of([self.body] if self.body else [], pages)

    def number(self, page: int) -> int:
        """The number page ``page`` (as the page map counts it) prints: from 1 at the body, as counted before it."""
        return page - self.start + 1 if page >= self.start else page

    def label(self, page: int) -> str:
        """What page ``page`` prints as its number: the front matter's in roman numerals."""
        return str(self.number(page)) if page >= self.start else lower_roman(page)

    def pdf_ranges(self, first_page: int) -> tuple[tuple[int, str, int], ...]:
        """The PDF's page labels, as (page index, style, first number) from each index on: ``r`` lowercase roman,
        ``D`` decimal; nothing when the pages print as they are counted from 1."""
        if self.start > first_page:
            return (0, 'r', first_page), (self.start - first_page, 'D', 1)
        number = self.number(first_page)
        return () if number == 1 else ((0, 'D', number),)


@dataclass(frozen=True)
class RenderedBook:
    config: BookConfig
    documents: tuple[Document, ...]
    headings: tuple[Heading, ...]
    images: tuple[str, ...]
    pages: PageMap | None = None  # the page map this rendering printed, if any
    resources: tuple[Resource, ...] = ()
    selection: Selection | None = None
    rights: str | None = None  # the rights metadata: the book's statement and each quoted source's credit line
    numbering: PageNumbering = PageNumbering()  # the numbers ``pages`` prints

    @property
    def selected(self) -> Selection:
        """What this rendering holds (the whole main edition unless a selection was made)."""
        return self.selection or Selection(self.config.main_edition)
