"""The one-document engine: WeasyPrint lays the whole print document out at once, inside the book folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostics
from ..model import PageMap, RenderedBook
from ..progress import Progress
from .parsed_styles import laid_out
from .print_document import generated_files, print_html
from .settle import MAX_PASSES, UNSETTLED
from .weasyprint_log import weasyprint_diagnostics

if TYPE_CHECKING:
    from weasyprint import Document


@dataclass(frozen=True)
class LaidOutDocument:
    """WeasyPrint's laid-out document of the whole book; its pages are numbered from ``first_page``."""

    document: Document
    first_page: int = 1

    def page_map(self) -> PageMap:
        return page_map(self.document, self.first_page)


def page_map(document: Document, first_page: int = 1) -> PageMap:
    """The page (counted from ``first_page``; what it prints is ``PageNumbering``'s) on which each element id of
    the laid-out book begins."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=first_page):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return PageMap(pages)


def lay_out_document(rendered: RenderedBook, html: str, diagnostics: Diagnostics) -> Document | None:
    """WeasyPrint's laid-out document of ``html`` (``rendered``'s print HTML), or None (with diagnostics) on errors."""
    with weasyprint_diagnostics(diagnostics) as failed:
        document = laid_out(html, rendered.config.root, generated_files(rendered))
    return None if failed() else document


class OneDocument:
    """Settled when the print HTML, which carries the pages of links (``data-page``) too, no longer changes.

    Unsettled, the last layout stands, with a warning.
    """

    def __init__(self, diagnostics: Diagnostics, progress: Progress) -> None:
        self.diagnostics = diagnostics
        self.progress = progress
        self.html: str | None = None  # the print HTML of the book being laid out

    def __enter__(self) -> OneDocument:
        self.progress.stage('lay out')
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def lay_out(self, rendered: RenderedBook, attempt: int) -> LaidOutDocument | None:
        self.progress.item(f'pass {attempt}')
        if self.html is None:
            self.html = print_html(rendered)
        document = lay_out_document(rendered, self.html, self.diagnostics)
        return None if document is None else LaidOutDocument(document, rendered.selected.first_page)

    def settled(self, laid_out: LaidOutDocument, again: RenderedBook) -> bool:
        again_html = print_html(again)
        if again_html == self.html:
            return True
        self.html = again_html
        return False

    def unsettled(self, rendered: RenderedBook, laid_out: LaidOutDocument) -> tuple[RenderedBook, LaidOutDocument]:
        self.diagnostics.warning(UNSETTLED, f'page numbers still moved after {MAX_PASSES} layouts; '
                                 'some printed page references may be off by one')
        return rendered, laid_out
