"""Stage 5, render: the resolved book -> XHTML documents, one renderer for PDF and EPUB.

Chapter bodies come from markdown-it's renderer with our plugins' render
rules; the title page, the contents, chapter openings and the whole print
document come from Jinja templates with autoescaping. Nothing else in the
builder writes markup: the writers only rearrange these documents with small
named post-passes on the element tree.
"""

from __future__ import annotations

import copy
import posixpath
import re
import weakref
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .backmatter import BackMatterContext, back_matter, markdown_renderer
from .blocks import with_block_ids
from .captions import caption_labels
from .config import BookConfig
from .i18n import Catalog
from .markdown import make_parser
from .model import Caption, Chapter, Document, Heading, PageMap, PageNumbering, RenderedBook, ResolvedBook, Selection
from .citations.render import chapter_references, references_title
from .markdown.quotations import CREDITS
from .permissions.credits import rights_statement

CSS_LENGTH = re.compile(r'\d+(?:\.\d+)?(?:%|px|em|rem|cm|mm|in|pt)')

_templates = Environment(
    loader=PackageLoader('builder', 'templates'),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def prepare(config: BookConfig) -> None:
    """Compile the templates of the documents and of the print document (Jinja keeps them compiled): 0.03 s at
    the first render otherwise. Done ahead, while Pandoc formats the citations (``pipeline.check_book``, which
    gives every preparation the book's settings; these templates are every book's)."""
    for name in [*_templates.list_templates(extensions=['xhtml']), 'print.html']:
        _templates.get_template(name)


def render(resolved: ResolvedBook, pages: PageMap | None = None) -> RenderedBook:
    """Render every document; ``pages`` (from a first layout) lets back matter print page numbers.

    Rendered again from other pages, as each pass of a layout renders it, the book takes the chapters' documents it
    rendered before, but for a chapter whose reference list prints other pages (``_kept_chapters``): the chapters are
    two thirds of a rendering's time (0.1 of 0.15 s at 207 pages).
    """
    md = make_parser(resolved.config.language)
    _add_reference_rules(md)
    book = resolved.config
    strings = book.interface
    selection = resolved.selected
    bibliography = resolved.bibliography
    chapters = {c.chapter.id: c.chapter for c in resolved.chapters}
    page_reference = strings('page-reference')
    numbering = PageNumbering.of(resolved.chapter_ids, pages)
    base_env = {'targets': resolved.targets, 'page_reference': page_reference,
                'citations': bibliography.citations if bibliography else {}}
    documents = _chapter_documents(md, resolved, pages, numbering, chapters, base_env)
    back, resources, back_headings = back_matter(BackMatterContext(
        resolved, strings, _templates, markdown_renderer(md, base_env), chapters, pages, numbering))
    lists = [] if selection.is_handout else _captions_lists(book, resolved.captions, strings)
    headings = tuple(Heading(d.id, 1, d.title, d.id) for d in lists) + resolved.headings + tuple(back_headings)
    front = [*_front_matter(book, selection, headings, chapters, strings), *lists]
    documents = [*map(_with_block_ids, front), *documents, *map(_with_block_ids, back)]
    return RenderedBook(book, tuple(documents), headings, resolved.images, pages, tuple(resources), selection,
                        rights_statement(resolved, strings), numbering)


def _chapter_documents(md: MarkdownIt, resolved: ResolvedBook, pages: PageMap | None, numbering: PageNumbering,
                       chapters: dict[str, Chapter], base_env: dict[str, Any]) -> list[Document]:
    """The chapters' documents; ``base_env``: what every Markdown rendering of the book is given (the back matter's
    too), to which a chapter adds its own parse's, the figure captions and the quotations' credits."""
    strings = resolved.config.interface
    bibliography = resolved.bibliography
    references = references_title(resolved)
    captions = caption_labels(resolved.captions, strings)
    kept = _kept_chapters(resolved)
    documents = []
    for number, parsed in enumerate(resolved.chapters):
        # The pages reach a chapter through its reference list alone (``bibliography: per-chapter``)
        chapter_list = chapter_references(_templates, bibliography, parsed.chapter, references, chapters, pages,
                                          numbering, strings)
        if number in kept and kept[number][0] == chapter_list:
            documents.append(kept[number][1])
            continue
        env: dict[str, Any] = {**parsed.env, **base_env, 'captions': captions,
                               CREDITS: resolved.acknowledgements.block_credits if resolved.acknowledgements else {}}
        body = md.renderer.render(list(parsed.tokens), md.options, env)
        html = _templates.get_template('chapter.xhtml').render(t=strings.markup, chapter=parsed.chapter, body=body,
                                                               references=chapter_list)
        documents.append(_with_block_ids(Document(parsed.chapter.id, 'chapter', parsed.chapter.title, html,
                                                  landmark='bodymatter' if parsed is resolved.chapters[0] else None)))
        kept[number] = (chapter_list, documents[-1])
    return documents


# The chapters' documents of each resolved book, while it lives: a layout renders the same book again for each pass
# and page map (seven times in the 207-page book's first build), and a chapter is the same but for its reference list.
# By the id of the book, whose entry goes with it, each chapter by its place: number -> (its list, its document).
_KEPT_CHAPTERS: dict[int, dict[int, tuple[str, Document]]] = {}


def _kept_chapters(resolved: ResolvedBook) -> dict[int, tuple[str, Document]]:
    key = id(resolved)
    if key not in _KEPT_CHAPTERS:
        _KEPT_CHAPTERS[key] = {}
        weakref.finalize(resolved, _KEPT_CHAPTERS.pop, key, None)
    return _KEPT_CHAPTERS[key]


def _with_block_ids(document: Document) -> Document:
    return replace(document, body=with_block_ids(document.body, document.id))


def edition_label(book: BookConfig, selection: Selection) -> str | None:
    """'Instructor edition' for any edition but the main one, which goes without saying."""
    if selection.edition == book.main_edition:
        return None
    strings = book.interface
    if selection.edition == 'instructor':  # the usual names have their own wording in every language
        return strings('edition.instructor')
    if selection.edition == 'student':
        return strings('edition.student')
    return strings('edition.label', name=selection.edition.replace('-', ' ').capitalize())


def publication_title(rendered: RenderedBook) -> str:
    """The title of this output: the book's, with the edition and the handout's chapter when not the main book."""
    config = rendered.config
    strings = config.interface
    selection = rendered.selected
    title = config.title
    if selection.is_handout:
        chapters = [d.title for d in rendered.documents if d.kind == 'chapter']
        title = strings('handout.publication-title', chapters=', '.join(chapters), title=config.title)
    edition = edition_label(config, selection)
    return strings('edition.in-title', title=title, edition=edition.lower()) if edition else title


def _front_matter(book: BookConfig, selection: Selection, headings: tuple[Heading, ...],
                  chapters: dict[str, Chapter], strings: Catalog) -> list[Document]:
    edition = edition_label(book, selection)
    t = strings.markup
    if selection.is_handout:
        # A handout opens with a heading block, not a title page: it names the course pack it comes from.
        html = _templates.get_template('handout.xhtml').render(t=t, book=book, chapters=list(chapters.values()),
                                                               edition=edition)
        return [Document('handout', 'handout', book.title, html, landmark='titlepage')]
    title = strings('contents.title')
    return [
        Document('titlepage', 'titlepage', book.title,
                 _templates.get_template('titlepage.xhtml').render(t=t, book=book, edition=edition),
                 landmark='titlepage'),
        Document('contents', 'toc', title, _templates.get_template('contents.xhtml').render(
            t=t, title=title, entries=[h for h in headings if h.level <= book.toc_depth and h.listed],
            chapters=chapters), landmark='toc'),
    ]


# The front matter's lists (book.yaml ``lists:``): document id, kind of caption, EPUB landmark.
CAPTIONS_LISTS = {'figures': ('list-of-figures', 'figure', 'loi'), 'tables': ('list-of-tables', 'table', 'lot')}


def _captions_lists(book: BookConfig, captions: tuple[Caption, ...], strings: Catalog) -> list[Document]:
    """The lists of figures and of tables the book asks for, each after the contents, when it has any entry."""
    documents = []
    for name in book.lists:
        ident, kind, landmark = CAPTIONS_LISTS[name]
        entries = [c for c in captions if c.kind == kind]
        title = strings('figure.list') if kind == 'figure' else strings('table.list')
        if entries:
            documents.append(Document(ident, 'frontmatter', title, _templates.get_template('captions-list.xhtml').render(
                id=ident, type=landmark, title=title, captions=entries), landmark=landmark))
    return documents


def print_document(rendered: RenderedBook, stylesheets: list[str], dates: dict[str, str]) -> str:
    """The whole book as one HTML document, as WeasyPrint lays it out."""
    return _templates.get_template('print.html').render(
        book=rendered.config, title=publication_title(rendered), documents=rendered.documents,
        stylesheets=stylesheets, dates=dates, rights=rendered.rights)


def _add_reference_rules(md: MarkdownIt) -> None:
    default_image = md.renderer.rules['image']

    def link_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        href = str(tokens[idx].attrGet('href') or '')
        if not href.startswith('#'):
            return self.renderToken(tokens, idx, options, env)
        classes = ' '.join(filter(None, [str(tokens[idx].attrGet('class') or ''), 'xref']))
        # What print.css puts before the target's page, in the book's language: ", p. " (", S. " in German).
        html = self.renderToken(*_with_attrs(tokens, idx, **{'class': classes, 'data-page-prefix':
                                                             env['page_reference']}), options, env)
        if idx + 1 < len(tokens) and tokens[idx + 1].type == 'link_close':
            # An empty cross-reference reads as its target: "chapter 3", "section “…”".
            html += escapeHtml(env['targets'].get(href[1:], href[1:]))
        return html

    def image(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        # Sources are written relative to the chapter; outputs resolve them from the book folder.
        chapter_dir = PurePosixPath(env['builder'].path).parent
        src = posixpath.normpath((chapter_dir / str(tokens[idx].attrGet('src'))).as_posix())
        patched, at = _with_attrs(tokens, idx, src=src)
        # Pandoc's width=50%: XHTML's width and height take pixels only, a style any length.
        sizes = {name: str(patched[at].attrs.pop(name)) for name in ('width', 'height') if name in patched[at].attrs}
        patched[at].attrs.update({name: value for name, value in sizes.items() if value.isdigit()})
        style = '; '.join(f'{name}: {value}' for name, value in sizes.items()
                          if not value.isdigit() and CSS_LENGTH.fullmatch(value))
        if style:
            patched[at].attrs['style'] = style
        return default_image(patched, at, options, env)

    md.add_render_rule('link_open', link_open)
    md.add_render_rule('image', image)


def _with_attrs(tokens, idx, **attrs):  # type: ignore[no-untyped-def]
    """The token list with a copy of tokens[idx] carrying extra attributes: render rules never mutate tokens."""
    token = copy.copy(tokens[idx])
    token.attrs = {**tokens[idx].attrs, **attrs}
    patched = list(tokens)
    patched[idx] = token
    return patched, idx
