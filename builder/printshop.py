"""Print-shop options -> the page setup of the PDF.

Paper size, sides, bleed and crop marks come from ``book.yaml`` or the command
line (validated by :mod:`builder.config`). Named paper sizes and simplex
printing and a book written right to left are bundled stylesheets (``styles/paper/*.css``,
``styles/direction/rtl.css``, ``styles/sides/``);
what is a free value (an explicit size, the bleed, the first page number of a
handout) is one small generated ``@page`` rule, passed as a ``data:`` URL so
that the print document stays the one place that lists its styles.
"""

from __future__ import annotations

from urllib.parse import quote

from .config import PAPER_SIZES, BookConfig
from .fetcher import STYLES_URL
from .model import PageNumbering, Selection

FOLIO_ANCHOR = 'coursepack-folio'
# The bundled folio's margin box marked instead of printed, on the pages that would print it (layout/furniture.py).
FOLIO_MARK = f'@page {{ @bottom-center {{ content: ""; -weasy-anchor: "{FOLIO_ANCHOR}"; }} }}'


def page_setup(config: BookConfig, selection: Selection, numbering: PageNumbering) -> list[str]:
    """Stylesheet URLs for the page setup, applied after the bundled print.css; the folios numbered as
    ``numbering`` says."""
    urls = []
    if config.paper in PAPER_SIZES:
        urls.append(f'{STYLES_URL}paper/{config.paper}.css')
    if config.direction == 'rtl':
        urls.append(f'{STYLES_URL}direction/rtl.css')
    if config.sides == 'simplex':
        # Bound on the left edge of every page, or on the right edge in a book written right to left.
        urls.append(f"{STYLES_URL}sides/simplex{'-rtl' if config.direction == 'rtl' else ''}.css")
    css = page_rules(config, selection, numbering)
    if css:
        urls.append('data:text/css;charset=utf-8,' + quote(css))
    return urls


def page_rules(config: BookConfig, selection: Selection, numbering: PageNumbering) -> str:
    declarations = []
    if config.paper not in PAPER_SIZES:
        declarations.append(f'size: {config.paper}')  # checked: two lengths
    if config.bleed:
        declarations.append(f'bleed: {config.bleed}')
    if config.crop_marks:
        declarations.append('marks: crop')
    rules = [f"@page {{ {'; '.join(declarations)}; }}"] if declarations else []
    if selection.folios_apart:
        rules.append(FOLIO_MARK)
    # counter-reset on a page sets the number printed on it (and those after): the first page's, then, if the
    # body begins after it, the body's first (the front matter before it counts its own pages).
    first = selection.first_page
    number = numbering.number(first)
    if number != 1:
        rules.append(f'@page :first {{ counter-reset: page {number}; }}')
    if first < numbering.start:
        rules.append(f'@page :nth({numbering.start - first + 1}) {{ counter-reset: page 1; }}')
    if selection.first_page % 2 == 0:
        # WeasyPrint makes a document's first page a right-hand page (a left-hand one written right to left)
        # whatever number it prints; a part or handout printed one-sided that starts on an even page starts on
        # the other side, as that page is in the whole book (its running head, its margins).
        rules.append(f"html {{ break-before: {'right' if config.direction == 'rtl' else 'left'}; }}")
    return '\n'.join(rules)
