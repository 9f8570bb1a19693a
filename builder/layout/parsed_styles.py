"""The bundled print stylesheet parsed once for every layout, in the workers' fork server, with its fonts.

WeasyPrint parses each stylesheet a document links, and copies the fonts of
its ``@font-face`` rules into a font configuration of the document's own, for
every document it lays out: for a part of a book, 0.03 s of about 1 s (the
bundled ``print.css``, with the fonts and code stylesheets it imports, is
about 400 rules and ten font files). The fork server (``fork_server.py``)
parses it once, with a font configuration that every part then shares: a
part is laid out with its stylesheets passed to WeasyPrint
(``HTML.render(stylesheets=…)``) rather than linked, the bundled one as
parsed, the others (its page setup) parsed as before. So is a document laid
out whole (``document.py``: a handout, an edition beside another): a worker
writes one handout after another, and each set up a font configuration of its
own (the two workers of an 800-page book's 129 handouts: 422 → 345 MiB at
their peak, 145.7 → 134.3 s).

WeasyPrint gives stylesheets passed so the user's origin, not the author's.
With every stylesheet passed, in the order the document linked them, the
cascade is the same: among them, and against the document's own styles,
which are only ``style`` attributes (they win over a stylesheet's rules but
``!important`` ones, from either origin). A document that links the book's
own stylesheet is laid out as it is: that stylesheet may name fonts of its
own, and a font configuration copied into each worker from the server adds a
font once for all of them (WeasyPrint skips a font whose copy exists in its
folder, which the workers share), so that a worker would lay out without it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..fetcher import BOOK_URL, STYLES_URL, BookFetcher
from ..resources import STYLES
from .page_references import page_numbers_from_attribute

if TYPE_CHECKING:
    from weasyprint import CSS, Document
    from weasyprint.text.fonts import FontConfiguration

BUNDLED = f'{STYLES_URL}print.css'
# A stylesheet the print document links (``render.print_document``'s template writes them so)
LINK = re.compile(r'<link rel="stylesheet" href="([^"&]*)" ?/?>')


@functools.cache
def bundled_print_stylesheet() -> tuple[FontConfiguration, CSS]:
    """The bundled print stylesheet, parsed, and the font configuration that holds its fonts: made once a process,
    before the fork server forks (``fork_server.py``)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = BookFetcher(STYLES, None, page_numbers_from_attribute)  # as every print document's
    return fonts, CSS(url=BUNDLED, url_fetcher=fetcher, font_config=fonts)


def laid_out(html: str, root: Path, generated: Mapping[str, tuple[str, bytes]] | None = None) -> Document:
    """WeasyPrint's layout of ``html``, a print document of the book in ``root`` (with the files the build made,
    ``generated``), with the bundled print stylesheet as parsed when it links no stylesheet of the book's."""
    from weasyprint import CSS, HTML

    fetcher = BookFetcher(root, generated, page_numbers_from_attribute)  # as the parsed stylesheet's
    links = LINK.findall(html)
    if not links or links[0] != BUNDLED or html.count('<link') != len(links) or '<style' in html \
            or any(url.startswith(BOOK_URL) for url in links):
        return HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render()
    fonts, bundled = bundled_print_stylesheet()
    sheets = [bundled, *(CSS(url=url, url_fetcher=fetcher, font_config=fonts) for url in links[1:])]
    return HTML(string=LINK.sub('', html), base_url=BOOK_URL, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts)
