"""The reference lists: one bibliography after the chapters, or one at the end of each chapter.

Each entry says where the work is cited. With a page map (the PDF's layout)
that is "Cited on pp. 3, 17–19", each page a link to the first citation on it;
without one (an EPUB-only build) it is "Cited in chapter 2 (1, 2)", links back
to each citation. The markup is the templates'; the formatted entries are
:mod:`.format`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from ..i18n import Catalog
from ..model import Chapter, PageMap, PageNumbering, ResolvedBook
from ..page_runs import page_runs
from .format import Entry, Formatted


@dataclass(frozen=True)
class CitedOn:
    lead: str  # "Cited on p.", "Cited in"
    links: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # (label, href, ((n, href), …))
    pages: bool = False  # the links' labels are page numbers, or runs of them ("3–5")


def references_title(resolved: ResolvedBook) -> str:
    """The heading of the reference lists: book.yaml's ``bibliography-title``, else the style's."""
    bibliography = resolved.bibliography
    return (resolved.config.bibliography_title or bibliography.title) if bibliography else ''


def bibliography_body(templates: Environment, bibliography: Formatted, title: str, chapters: dict[str, Chapter],
                      pages: PageMap | None, numbering: PageNumbering, strings: Catalog) -> str | None:
    """The back-matter bibliography, or None when the book lists its references per chapter or has none."""
    entries = bibliography.entries.get('')
    if not entries:
        return None
    return templates.get_template('bibliography.xhtml').render(
        title=title, list=reference_list(templates, entries, bibliography, chapters, pages, numbering,
                                                          strings))


def chapter_references(templates: Environment, bibliography: Formatted | None, chapter: Chapter, title: str,
                       chapters: dict[str, Chapter], pages: PageMap | None, numbering: PageNumbering,
                       strings: Catalog) -> Markup:
    """The reference list at the end of ``chapter`` (``bibliography: per-chapter``), or nothing."""
    entries = bibliography.entries.get(chapter.id) if bibliography else None
    if not entries:
        return Markup('')
    return Markup(templates.get_template('chapter-references.xhtml').render(
        title=title, chapter=chapter, list=reference_list(templates, entries, bibliography, chapters, pages,
                                                          numbering, strings)))


def reference_list(templates: Environment, entries: tuple[Entry, ...], bibliography: Formatted,
                   chapters: dict[str, Chapter], pages: PageMap | None, numbering: PageNumbering,
                   strings: Catalog) -> Markup:
    return Markup(templates.get_template('references.xhtml').render(
        entries=[(entry, Markup(entry.html), cited_on(entry, bibliography, chapters, pages, numbering, strings))
                 for entry in entries]))


def cited_on(entry: Entry, bibliography: Formatted, chapters: dict[str, Chapter],
             pages: PageMap | None, numbering: PageNumbering, strings: Catalog) -> CitedOn | None:
    if not entry.citations:
        return None
    if pages is not None and all(c in pages for c in entry.citations):
        runs = page_runs(entry.citations, pages, numbering)
        pages_cited = sum(run.last - run.first + 1 for run in runs)
        return CitedOn(strings.plural('references.cited-on', pages_cited), tuple(
            (r.first_label if r.first == r.last else f'{r.first_label}–{r.last_label}', '#' + r.first_id, ())
            for r in runs), pages=True)
    by_chapter: dict[str, list[str]] = {}
    for ident in entry.citations:
        by_chapter.setdefault(bibliography.groups.get(ident, ''), []).append(ident)
    links = []
    for group, idents in by_chapter.items():
        chapter = chapters.get(group)
        label = strings('chapter.in-text', number=chapter.number) if chapter and chapter.number else \
            (chapter.title if chapter else group)
        more = tuple((str(n), '#' + i) for n, i in enumerate(idents, start=1)) if len(idents) > 1 else ()
        links.append((label, '#' + idents[0], more))
    return CitedOn(strings('references.cited-in'), tuple(links))
