"""The floor for a single-process PDF build: WeasyPrint alone on the builder's own print HTML.

    python benchmarks/floor.py export BOOK OUT.html   # untimed: the builder's print document
    python benchmarks/floor.py pdf BOOK IN.html OUT.pdf   # timed by run.py: import, parse, lay out, write

The exported HTML is the renderer's first rendering (no page map yet), which
differs from the final one only in page numbers the renderer prints itself.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's builder


def export(book: Path, out: Path) -> None:
    from builder.diagnostics import Diagnostics
    from builder.load import load
    from builder.parse import parse
    from builder.render import render
    from builder.resolve import resolve
    from builder.write.pdf import print_html

    diagnostics = Diagnostics()
    loaded = load(book, diagnostics)
    resolved = resolve(loaded.config, parse(loaded, diagnostics), diagnostics)
    out.write_text(print_html(render(resolved)))


def pdf(book: Path, html: Path, out: Path) -> None:
    from weasyprint import HTML

    from builder.fetcher import BOOK_URL, BookFetcher

    HTML(string=html.read_text(), base_url=BOOK_URL, url_fetcher=BookFetcher(book)).write_pdf(out)


if __name__ == '__main__':
    command, *args = sys.argv[1:]
    {'export': export, 'pdf': pdf}[command](*map(Path, args))
