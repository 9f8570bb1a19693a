"""One short function that runs the stages in order: load -> parse -> resolve -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import BuildError, Diagnostics
from .load import load
from .parse import parse
from .render import render
from .resolve import resolve

FORMATS = ('pdf', 'epub')


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None  # default: BOOK/dist
    strict: bool = False


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> list[Path]:
    """Build the book in ``root``; raise :class:`BuildError` after collecting every problem."""
    book = load(root, diagnostics)
    parsed = parse(book, diagnostics)
    resolved = resolve(book.config, parsed, diagnostics)
    _stop_on_errors(diagnostics, options)
    rendered = render(resolved)
    out_dir = options.out_dir or root / 'dist'
    written = []
    if 'pdf' in options.formats:
        from .write.pdf import write_pdf

        target = out_dir / f'{book.config.output_stem}.pdf'
        if write_pdf(rendered, target, diagnostics):
            written.append(target)
    if 'epub' in options.formats and not diagnostics.has_errors():
        from .write.epub import write_epub

        target = out_dir / f'{book.config.output_stem}.epub'
        if write_epub(rendered, target, diagnostics):
            written.append(target)
    _stop_on_errors(diagnostics, options)
    return written


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
