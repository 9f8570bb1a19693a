"""The generated back matter: the glossary and the chronology with its timeline figure.

Both are rendered from Jinja templates (``templates/glossary.xhtml``,
``templates/chronology.xhtml``) with the definitions and event texts rendered
by the chapters' own Markdown renderer. Where each term or event is used is
printed twice: as page numbers when a page map is known ("12, 34–36", each a
link to the first use on that page) and as links back to every use; the print
and EPUB stylesheets each show the one that suits their medium.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from markdown_it import MarkdownIt

from .chronology.timeline import draw_timeline
from .glossary.terms import letter_groups
from .model import Document, Fragment, PageMap, Resource, ResolvedBook, Use
from .pagerefs import page_runs
from .resolve import CHRONOLOGY_TITLE, GLOSSARY_TITLE

TIMELINE_PATH = 'generated/timeline{n}.svg'


def back_matter(resolved: ResolvedBook, md: MarkdownIt, templates: Environment, base_env: dict[str, Any],
                pages: PageMap | None) -> tuple[list[Document], list[Resource]]:
    documents: list[Document] = []
    resources: list[Resource] = []
    uses = _UseLinks(resolved, pages)

    def render(fragment: Fragment) -> str:
        return md.renderer.render(list(fragment.tokens), md.options, {**fragment.env, **base_env})

    if resolved.glossary:
        body = templates.get_template('glossary.xhtml').render(
            title=GLOSSARY_TITLE, groups=letter_groups(resolved.glossary), render=render, uses=uses,
            terms={e.term.key: e for e in resolved.glossary})
        documents.append(Document('glossary', 'backmatter', GLOSSARY_TITLE, body, landmark='glossary'))
    if resolved.chronology:
        language = resolved.config.language
        panels = draw_timeline(resolved.chronology, language, f'Timeline: {resolved.config.title}')
        figures = []
        for n, panel in enumerate(panels, start=1):
            path = TIMELINE_PATH.format(n='' if len(panels) == 1 else f'-{n}')
            resources.append(Resource(path, 'image/svg+xml', panel.svg))
            figures.append((path, panel))
        body = templates.get_template('chronology.xhtml').render(
            title=CHRONOLOGY_TITLE, entries=resolved.chronology, render=render, uses=uses, language=language,
            figures=figures)
        documents.append(Document('chronology', 'backmatter', CHRONOLOGY_TITLE, body))
    return documents, resources


class _UseLinks:
    """What the templates print for the uses of a term or an event."""

    def __init__(self, resolved: ResolvedBook, pages: PageMap | None) -> None:
        self.pages = pages
        self.labels = {c.chapter.id: resolved.targets[c.chapter.id] for c in resolved.chapters}

    def page_runs(self, uses: tuple[Use, ...]):  # type: ignore[no-untyped-def]
        return page_runs((u.id for u in uses), self.pages)

    def by_chapter(self, uses: tuple[Use, ...]) -> list[tuple[str, list[Use]]]:
        groups: list[tuple[str, list[Use]]] = []
        for use in uses:
            if not groups or groups[-1][0] != self.labels[use.chapter_id]:
                groups.append((self.labels[use.chapter_id], []))
            groups[-1][1].append(use)
        return groups
