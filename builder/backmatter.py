"""The back matter: the sections after the chapters, registered in :data:`SECTIONS` in the order they print.

Each section is one line there: its id (that of its document, its heading in
the contents and the EPUB's navigation, its landmark's target), its heading
(from the interface catalog, or as the book chooses it), the function that
renders its body, and its EPUB landmark. A section whose function gives no
body (a book without a glossary) is left out. Adding a section, an index say,
is a module with its render function and one line in :data:`SECTIONS`.

The glossary and the chronology with its timeline figure are rendered here
from Jinja templates (``templates/glossary.xhtml``, ``templates/chronology.xhtml``),
their definitions and event texts by the chapters' own Markdown renderer;
the bibliography by :mod:`builder.citations.render`. Where each term or
event is used is printed twice: as page numbers when a page map is known
("12, 34–36", each a link to the first use on that page) and as links back
to every use; the print and EPUB stylesheets each show the one that suits
their medium.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markdown_it import MarkdownIt

from .captions import TIMELINE, caption_labels
from .chronology.timeline import draw_timeline
from .citations.render import bibliography_body, references_title
from .glossary.terms import FORM_KINDS, letter_groups
from .i18n import Catalog
from .index.render import index_body
from .model import Chapter, Document, Fragment, Heading, PageMap, PageNumbering, Resource, ResolvedBook, Use
from .page_runs import page_runs
from .permissions.credits import credit_lines

TIMELINE_PATH = 'generated/timeline{n}.svg'


@dataclass(frozen=True)
class BackMatterContext:
    """What a section is rendered from: the resolved book and the renderer's tools."""

    resolved: ResolvedBook
    strings: Catalog  # the interface strings of the book's language
    templates: Environment
    markdown: Callable[[Fragment], str]  # Markdown from a data file, rendered as the chapters are
    chapters: dict[str, Chapter]  # by id
    pages: PageMap | None  # from a first layout: back matter can print page numbers
    numbering: PageNumbering  # the numbers they print


@dataclass(frozen=True)
class SectionBody:
    html: str  # one <section> element, with the section's id
    resources: tuple[Resource, ...] = ()  # files it generates (the timeline figure)


@dataclass(frozen=True)
class BackMatterSection:
    id: str
    heading: Callable[[BackMatterContext], str]
    render: Callable[[BackMatterContext, str], SectionBody | None]  # (context, heading) -> body, or None: no section
    landmark: str | None = None  # its EPUB landmark type


def glossary_section(context: BackMatterContext, title: str) -> SectionBody | None:
    glossary = context.resolved.glossary
    if not glossary:
        return None
    t = context.strings.markup
    kinds = {kind for kind in FORM_KINDS if kind != 'variant'}  # a variant goes without saying
    groups = letter_groups(glossary, context.strings('glossary.digits'), context.resolved.config.language)
    return SectionBody(context.templates.get_template('glossary.xhtml').render(
        t=t, title=title, groups=groups,
        render=context.markdown, uses=_UseLinks(context), terms={e.term.key: e for e in glossary}, form_kinds=kinds))


def chronology_section(context: BackMatterContext, title: str) -> SectionBody | None:
    chronology = context.resolved.chronology
    if not chronology:
        return None
    config = context.resolved.config
    panels = draw_timeline(chronology, config.language,
                           context.strings('chronology.timeline.title', title=config.title), context.strings)
    resources, figures = [], []
    for n, panel in enumerate(panels, start=1):
        path = TIMELINE_PATH.format(n='' if len(panels) == 1 else f'-{n}')
        resources.append(Resource(path, 'image/svg+xml', panel.svg))
        figures.append((path, panel))
    label = caption_labels(context.resolved.captions, context.strings).get(TIMELINE)  # "Figure 1."
    return SectionBody(context.templates.get_template('chronology.xhtml').render(
        t=context.strings.markup, title=title, entries=chronology, render=context.markdown, uses=_UseLinks(context),
        language=config.language, figures=figures, label=label), tuple(resources))


def bibliography_section(context: BackMatterContext, title: str) -> SectionBody | None:
    bibliography = context.resolved.bibliography
    html = bibliography and bibliography_body(context.templates, bibliography, title, context.chapters,
                                              context.pages, context.numbering, context.strings)
    return SectionBody(html) if html else None


def permissions_section(context: BackMatterContext, title: str) -> SectionBody | None:
    lines = credit_lines(context.resolved, context.strings)
    if not lines:
        return None
    return SectionBody(context.templates.get_template('permissions.xhtml').render(
        t=context.strings.markup, title=title, lines=lines))


def index_section(context: BackMatterContext, title: str) -> SectionBody | None:
    index = context.resolved.index
    return SectionBody(index_body(context.templates, index, title, _UseLinks(context), context.strings,
                                  context.resolved.config.language)) if index else None


SECTIONS: tuple[BackMatterSection, ...] = (
    BackMatterSection('glossary', lambda c: c.strings('glossary.title'), glossary_section, landmark='glossary'),
    BackMatterSection('chronology', lambda c: c.strings('chronology.title'), chronology_section),
    BackMatterSection('bibliography', lambda c: references_title(c.resolved), bibliography_section,
                      landmark='bibliography'),
    BackMatterSection('permissions', lambda c: c.strings('permissions.title'), permissions_section,
                      landmark='acknowledgments'),
    BackMatterSection('index', lambda c: c.strings('index.title'), index_section, landmark='index'),
)


def back_matter(context: BackMatterContext) -> tuple[list[Document], list[Resource], list[Heading]]:
    """The back matter's documents in order, the files they generate, and their headings for the contents."""
    documents: list[Document] = []
    resources: list[Resource] = []
    for section in SECTIONS:
        title = section.heading(context)
        body = section.render(context, title)
        if body is not None:
            documents.append(Document(section.id, 'backmatter', title, body.html, landmark=section.landmark))
            resources.extend(body.resources)
    return documents, resources, [Heading(d.id, 1, d.title, d.id) for d in documents]


def markdown_renderer(md: MarkdownIt, base_env: dict[str, Any]) -> Callable[[Fragment], str]:
    """Render a data file's Markdown with the chapters' renderer and the book's targets and citations."""
    def render(fragment: Fragment) -> str:
        return md.renderer.render(list(fragment.tokens), md.options, {**fragment.env, **base_env})

    return render


class _UseLinks:
    """What the templates print for the uses of a term or an event."""

    def __init__(self, context: BackMatterContext) -> None:
        self.pages = context.pages
        self.numbering = context.numbering
        self.labels = {c.chapter.id: context.resolved.targets[c.chapter.id] for c in context.resolved.chapters}

    def page_runs(self, uses: tuple[Use, ...]):  # type: ignore[no-untyped-def]
        return page_runs((u.id for u in uses), self.pages, self.numbering)

    @staticmethod
    def page_count(runs) -> int:  # type: ignore[no-untyped-def]
        """How many pages the runs cover: "p." for one, "pp." for more."""
        return sum(run.last - run.first + 1 for run in runs)

    def by_chapter(self, uses: tuple[Use, ...]) -> list[tuple[str, list[Use]]]:
        groups: list[tuple[str, list[Use]]] = []
        for use in uses:
            if not groups or groups[-1][0] != self.labels[use.chapter_id]:
                groups.append((self.labels[use.chapter_id], []))
            groups[-1][1].append(use)
        return groups
