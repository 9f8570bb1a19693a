"""The web edition's pages: the rendered documents, one page each, through named post-passes.

The title page and the contents make ``index.html``; each chapter and
back-matter section its own page. The documents are the renderer's, as in
the EPUB: links across documents, image names and print page markers (from
the page map, when the build knows the print edition's pages) come from the
EPUB's passes (:mod:`builder.write.documents`); then the web's own passes:
:func:`web_links` (page names), :func:`html_attributes` (HTML has no
``epub:type``), :func:`print_page_numbers` (markers as text) and
:func:`notes_heading`. Around each document the page template
(``templates/web-page.html``) puts the skip link, the search box, the
downloads and the previous/next links, every word from the catalog. A page,
its search entries and its previews are written as an earlier build wrote them
when all that decides them is the same (:func:`written_pages`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import pickle
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from lxml import etree

from ...config import BookConfig
from ...dates import build_timestamp
from ...model import Document, RenderedBook
from ...render import publication_title
from ...resources import STYLES
from ...stylesheets import own_stylesheet, stylesheet_resources
from ..atomic import target_name
from ..beside import beside_the_pdf
from ..documents import KeptDocuments, placed, written_key
from ..epub import epub_image_names
from ..pagelist import PageBreaks
from .apparatus import previews
from .fonts import font_faces, in_both_cases, page_fonts, web_fonts
from .search import search_entries, search_script

if TYPE_CHECKING:
    from ...layout import LaidOut
    from ...options import Build

FRONT = ('titlepage', 'toc')  # the kinds of document index.html holds
INDEX = 'index.html'
SUFFIX = '-web'  # the folder's: dist/<stem>-web/
ASSETS = 'assets'
OWN_CSS = 'styles/web.css'  # the book's own rules, after the bundled ones
WRITTEN = '.page'  # a page as written, kept (``documents.py``)
HANDOUTS_DIR = 'handouts'  # where coursepack handouts writes, under the output folder (pipeline.HANDOUTS_DIR)

_templates = Environment(loader=PackageLoader('builder', 'templates'), autoescape=select_autoescape(default=True),
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Page:
    name: str  # its file name in the folder
    title: str
    documents: tuple[Document, ...]


def write(laid_out: LaidOut, path: Path, build: Build, stack: ExitStack) -> Callable[[], None]:
    """The registered writer: the folder ``path`` (staged), its print page numbers from the layout if any."""
    stem = target_name(path).removesuffix(SUFFIX)
    strings = laid_out.rendered.config.interface
    # The downloads a page offers: the formats the same build writes beside the folder.
    labels = {'pdf': strings('web.download-pdf'), 'epub': strings('web.download-epub')}
    downloads = {f'../{stem}.{fmt}': label for fmt, label in labels.items() if fmt in build.options.formats}
    return beside_the_pdf(build, stack, write_site, laid_out.rendered, path, downloads, build.fonts_folder(),
                          build.documents_folder(target_name(path)))  # no handout has a web edition


def write_site(rendered: RenderedBook, folder: Path, downloads: dict[str, str], fonts_kept: Path | None = None,
               documents_kept: Path | None = None) -> None:
    """The site of ``rendered`` in ``folder``; ``downloads``: the files beside it each page links, href -> label;
    ``fonts_kept``, ``documents_kept``: where font subsets and pages (``documents.py``) are kept between builds."""
    config = rendered.config
    pages = site_pages(rendered)
    made = list(written_pages(rendered, pages, downloads, KeptDocuments(documents_kept)))
    files = {page.name: html.encode() for page, (html, _, _) in zip(pages, made)}
    text = ''.join(html for html, _, _ in made)  # every character the fonts must have
    found = [(page.name, page.title, entries) for page, (_, entries, _) in zip(pages, made)]
    files[f'{ASSETS}/search-index.js'] = search_script(found).encode()
    files[f'{ASSETS}/previews.js'] = previews_script({key: markup for _, _, shown in made
                                                      for key, markup in shown.items()}).encode()
    shown = set(text)  # of 9 MB at 824 pages: once
    stems = page_fonts(shown)
    # The fonts' rules, the colours of highlighted code (the print edition's and the EPUB's), the web's own.
    files[f'{ASSETS}/web.css'] = ''.join((font_faces(stems), (STYLES / 'code.css').read_text(encoding='utf-8'),
                                          (STYLES / 'web.css').read_text(encoding='utf-8'))).encode()
    files[f'{ASSETS}/web.js'] = (STYLES / 'web.js').read_bytes()
    fonts = web_fonts(in_both_cases(text, shown), stems, build_timestamp(config), fonts_kept)
    files.update({f'{ASSETS}/{name}': content for name, content in fonts.items()})
    files.update({resource.path: resource.content for resource in rendered.resources})
    image_names = epub_image_names(rendered.images)
    files.update({image_names[image]: (config.root / image).read_bytes() for image in rendered.images})
    if own_stylesheet(config.root, 'web'):
        # At its place in the book, beside the files it names, which keep theirs: its URLs still name them.
        files.update({name: (config.root / name).read_bytes()
                      for name in (OWN_CSS, *stylesheet_resources(config.root, OWN_CSS))})
    for name, content in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def written_pages(rendered: RenderedBook, pages: list[Page], downloads: dict[str, str],
                  kept: KeptDocuments) -> Iterator[tuple[str, list[list[str]], dict[str, str]]]:
    """Each page: its HTML, its blocks for the search index (id, text), its previews (``apparatus.py``); written
    from its documents' trees, or kept from an earlier build (as JSON) when all that decides it is the same."""
    strings = rendered.config.interface
    names = {d.file_name: page.name for page in pages for d in page.documents}
    documents = [d for page in pages for d in page.documents]
    breaks = None if rendered.pages is None else \
        PageBreaks(rendered.pages, rendered.selected.first_page, rendered.numbering)
    placements = placed(documents, epub_image_names(rendered.images), breaks, kept)
    page_label, notes = strings.plural('uses.pages', 1), strings('web.notes')
    # What decides every page besides its documents: the book's settings and the output's (its edition), where each
    # document's page is, the downloads, the book's own stylesheet. Not the headings: a page shows its documents'
    # own (the contents are a document of the index page), and its neighbours' titles are in its key.
    # Hashed once, not with each page (the pages' names alone are 133 pairs at 824 pages).
    settings = hashlib.sha256(pickle.dumps((rendered.config, rendered.selected), pickle.HIGHEST_PROTOCOL)).hexdigest()
    every = written_key(settings, sorted(names.items()), sorted(downloads.items()),
                        bool(own_stylesheet(rendered.config.root, 'web')))
    for number, page in enumerate(pages):
        here = list(itertools.islice(placements, len(page.documents)))
        around = [(p.name, p.title) if p else None for p in neighbours(pages, number)]
        key = written_key('web', every, page.name, page.title, around,
                          [(p.reads, p.document.id, p.document.kind, p.document.title) for p in here]) + WRITTEN
        written = _read(kept.get(key))
        if written is None:
            trees = [notes_heading(print_page_numbers(html_attributes(web_links(p.tree(), names)), page_label), notes)
                     for p in here]
            written = (page_html(rendered, pages, number, trees, downloads), search_entries(trees),
                       previews(page.name, trees))
            kept.put(key, json.dumps(written, ensure_ascii=False).encode())
        yield written
    kept.prune(len(documents) + len(pages))  # an outline a document, and the pages


def _read(data: bytes | None) -> tuple[str, list[list[str]], dict[str, str]] | None:
    """A kept page, if it reads as one (a damaged file is written again)."""
    try:
        html, found, shown = json.loads(data) if data is not None else None
    except (ValueError, TypeError):
        return None
    return (html, found, shown) if isinstance(html, str) and isinstance(found, list) and isinstance(shown, dict) \
        else None


def page_html(rendered: RenderedBook, pages: list[Page], number: int, trees: list[etree._Element],
              downloads: dict[str, str]) -> str:
    """One page: its documents' ``trees`` in the page template, with the links to the pages before and after it."""
    config = rendered.config
    page = pages[number]
    previous, following = neighbours(pages, number)
    return _templates.get_template('web-page.html').render(
        t=config.interface.markup, book=config, book_title=publication_title(rendered), page=page, assets=ASSETS,
        own_css=OWN_CSS if own_stylesheet(config.root, 'web') else None, direction=config.direction,
        body=''.join(lxml.html.tostring(tree, encoding='unicode') for tree in trees),
        previous=previous, next=following,
        downloads={**downloads, **handout_download(config, page)},
        kinds=' '.join(dict.fromkeys(f'page-{d.kind}' for d in page.documents)))


def neighbours(pages: list[Page], number: int) -> tuple[Page | None, Page | None]:
    """The pages before and after page ``number``, which it links to (none before the first, after the last)."""
    return (pages[number - 1] if number > 0 else None, pages[number + 1] if number + 1 < len(pages) else None)


def previews_script(found: dict[str, str]) -> str:
    found = json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    return f'window.COURSEPACK_PREVIEWS = {found};\n'


def handout_download(config: BookConfig, page: Page) -> dict[str, str]:
    """A chapter's handout PDF, which ``coursepack handouts`` writes beside the site, when book.yaml says to link it."""
    chapters = [d.id for d in page.documents if d.kind == 'chapter']
    if not config.handouts.web or not chapters:
        return {}
    strings = config.interface
    return {f'../{HANDOUTS_DIR}/{chapters[0]}.pdf': strings('web.download-handout')}


def site_pages(rendered: RenderedBook) -> list[Page]:
    """The pages in reading order: the index (title page and contents), then one per chapter and section."""
    front = tuple(d for d in rendered.documents if d.kind in FRONT)
    rest = [d for d in rendered.documents if d.kind not in FRONT]
    names = page_names([d.id for d in rest])
    return [Page(INDEX, publication_title(rendered), front), *(Page(names[d.id], d.title, (d,)) for d in rest)]


def page_names(ids: list[str]) -> dict[str, str]:
    """Document id -> its page's file name, ``<id>.html``; one whose name is taken (the book's index,
    ``index``, would overwrite the home page) gets the first free ``<id>-<n>.html``."""
    names, taken = {}, {INDEX}
    for id_ in ids:
        name, n = f'{id_}.html', 1
        while name in taken:
            n += 1
            name = f'{id_}-{n}.html'
        names[id_] = name
        taken.add(name)
    return names


def web_links(tree: etree._Element, names: dict[str, str]) -> etree._Element:
    """Links to another document name its page: ``geneva.xhtml#x`` -> ``geneva.html#x``."""
    for link in tree.iter('a'):
        file_name, hash_, fragment = link.get('href', '').partition('#')
        if file_name in names:
            link.set('href', names[file_name] + hash_ + fragment)
    return tree


def html_attributes(tree: etree._Element) -> etree._Element:
    """HTML has no ``epub:type``: its ARIA roles say the same."""
    for element in tree.iter():
        element.attrib.pop('epub:type', None)
    return tree


def print_page_numbers(tree: etree._Element, label: str) -> etree._Element:
    """A print page marker shows its number, "p. 17", as text: the EPUB's empty, labelled ``doc-pagebreak``
    span is no valid ARIA on a web page (axe-core), and text can be read, copied and cited alike."""
    for marker in tree.iterfind('.//span[@role="doc-pagebreak"]'):
        page = marker.attrib.pop('aria-label')
        del marker.attrib['role']
        marker.set('class', 'print-page')
        following = marker.getnext()
        if following is not None and following.get('role') == 'doc-pagebreak' and not (marker.tail or '').strip():
            continue  # a page left blank (a chapter begins on a recto): its number would sit on the next one's
        marker.text = f'{label}\u00a0{page}'
    return tree


def notes_heading(tree: etree._Element, title: str) -> etree._Element:
    """The notes at a chapter's end get a heading, "Notes": on a page they are a section a reader can find
    (the print edition has them at the foot of each page, the EPUB as pop-ups)."""
    for notes in tree.iterfind('.//section[@class="footnotes"]'):
        heading = lxml.html.Element('h2', {'class': 'notes-title'})
        heading.text = title
        notes.insert(0, heading)
    return tree
