"""The floor for a single-process PDF build: WeasyPrint alone on the builder's own print HTML.

    python benchmarks/floor.py export BOOK OUT.html   # untimed: the builder's print document
    python benchmarks/floor.py pdf BOOK IN.html OUT.pdf   # timed by run.py: import, parse, lay out, write

The exported HTML is the main edition's first rendering (no page map yet),
which differs from the final one only in the page numbers the builder prints
from its page map. Files the build generates (figures) are exported beside it, in
``OUT.resources/``, and served to WeasyPrint as the builder serves them.
"""

import mimetypes
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's builder


def export(book_dir: Path, out: Path) -> None:
    from builder.diagnostics import Diagnostics
    from builder.load import load
    from builder.model import Selection
    from builder.parse import parse, parse_notes
    from builder.layout.print_document import print_html
    from builder.render import render
    from builder.resolve import resolve_book
    from builder.selection import select

    diagnostics = Diagnostics()
    book = load(book_dir, diagnostics)
    notes = parse_notes(book, diagnostics)
    whole = resolve_book(book, parse(book, diagnostics), notes, diagnostics, cache=False)
    resolved = select(book, notes, whole, Selection(book.config.main_edition), diagnostics, cache=False)
    rendered = render(resolved)
    out.write_text(print_html(rendered))
    for resource in rendered.resources:
        target = out.with_suffix('.resources') / resource.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(resource.content)


def pdf(book_dir: Path, html: Path, out: Path) -> None:
    from weasyprint import HTML

    from builder.fetcher import BOOK_URL, BookFetcher
    from builder.layout.page_references import page_numbers_from_attribute

    folder = html.with_suffix('.resources')
    generated = {p.relative_to(folder).as_posix(): (mimetypes.guess_type(p.name)[0] or 'application/octet-stream',
                                                    p.read_bytes())
                 for p in folder.rglob('*') if p.is_file()} if folder.is_dir() else {}
    HTML(string=html.read_text(), base_url=BOOK_URL, url_fetcher=BookFetcher(book_dir, generated, page_numbers_from_attribute)).write_pdf(out)


if __name__ == '__main__':
    command, *args = sys.argv[1:]
    {'export': export, 'pdf': pdf}[command](*map(Path, args))
