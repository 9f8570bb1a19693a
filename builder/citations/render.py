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

from ..model import Chapter, Document, Heading, PageMap
from ..pagerefs import page_runs
from .format import Entry, Formatted

BIBLIOGRAPHY_ID = 'bibliography'


@dataclass(frozen=True)
class CitedOn:
    lead: str  # "Cited on p.", "Cited in"
    links: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # (label, href, ((n, href), …))


def title_of(bibliography: Formatted, override: str | None) -> str:
    return override or bibliography.title


def bibliography_document(templates: Environment, bibliography: Formatted, title: str,
                          chapters: dict[str, Chapter], pages: PageMap | None) -> Document | None:
    """The back-matter bibliography, or None when the book lists its references per chapter or has none."""
    entries = bibliography.entries.get('')
    if not entries:
        return None
    body = templates.get_template('bibliography.xhtml').render(
        title=title, list=reference_list(templates, entries, bibliography, chapters, pages))
    return Document(BIBLIOGRAPHY_ID, 'backmatter', title, body, landmark='bibliography')


def bibliography_heading(title: str) -> Heading:
    return Heading(BIBLIOGRAPHY_ID, 1, title, BIBLIOGRAPHY_ID)


def chapter_references(templates: Environment, bibliography: Formatted | None, chapter: Chapter, title: str,
                       chapters: dict[str, Chapter], pages: PageMap | None) -> Markup:
    """The reference list at the end of ``chapter`` (``bibliography: per-chapter``), or nothing."""
    entries = bibliography.entries.get(chapter.id) if bibliography else None
    if not entries:
        return Markup('')
    return Markup(templates.get_template('chapter-references.xhtml').render(
        title=title, chapter=chapter, list=reference_list(templates, entries, bibliography, chapters, pages)))


def reference_list(templates: Environment, entries: tuple[Entry, ...], bibliography: Formatted,
                   chapters: dict[str, Chapter], pages: PageMap | None) -> Markup:
    return Markup(templates.get_template('references.xhtml').render(
        entries=[(entry, Markup(entry.html), cited_on(entry, bibliography, chapters, pages)) for entry in entries]))


def cited_on(entry: Entry, bibliography: Formatted, chapters: dict[str, Chapter],
             pages: PageMap | None) -> CitedOn | None:
    if not entry.citations:
        return None
    if pages is not None and all(c in pages for c in entry.citations):
        runs = page_runs(entry.citations, pages)
        single = len(runs) == 1 and runs[0].first == runs[0].last
        return CitedOn('Cited on p.' if single else 'Cited on pp.', tuple(
            (str(r.first) if r.first == r.last else f'{r.first}–{r.last}', '#' + r.first_id, ()) for r in runs))
    by_chapter: dict[str, list[str]] = {}
    for ident in entry.citations:
        by_chapter.setdefault(bibliography.groups.get(ident, ''), []).append(ident)
    links = []
    for group, idents in by_chapter.items():
        chapter = chapters.get(group)
        label = chapter.label.lower() if chapter and chapter.number else (chapter.title if chapter else group)
        more = tuple((str(n), '#' + i) for n, i in enumerate(idents, start=1)) if len(idents) > 1 else ()
        links.append((label, '#' + idents[0], more))
    return CitedOn('Cited in', tuple(links))
