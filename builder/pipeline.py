"""One short function that runs the stages in order: load -> parse -> resolve -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cite import resolve_citations
from .diagnostics import BuildError, Diagnostics
from .load import load
from .parse import parse, parse_notes
from .render import render
from .resolve import resolve
from .stylesheets import check_stylesheets
from .paginate import paginate
from .write.atomic import discard_interrupted, staged_outputs
from .write.dates import check_source_date_epoch
from .write.epub import write_epub
from .write.pdf import write_pdf

FORMATS = ('pdf', 'epub')


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None  # default: BOOK/dist
    strict: bool = False


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> list[Path]:
    """Build the book in ``root``; raise :class:`BuildError` after collecting every problem."""
    out_dir = options.out_dir or root / 'dist'
    discard_interrupted(out_dir)
    check_source_date_epoch(diagnostics)
    book = load(root, diagnostics)
    parsed = parse(book, diagnostics)
    notes = parse_notes(book, diagnostics)
    bibliography = resolve_citations(book, parsed, diagnostics, notes.streams())
    resolved = resolve(book, parsed, diagnostics, bibliography, notes)
    check_stylesheets(root, diagnostics)
    _stop_on_errors(diagnostics, options)
    stem = book.config.output_stem
    with staged_outputs(out_dir) as staged:
        if 'pdf' in options.formats:
            laid_out = paginate(resolved, diagnostics)
            _stop_on_errors(diagnostics, options)
            assert laid_out is not None
            rendered, document = laid_out
            write_pdf(document, rendered, staged.stage(out_dir / f'{stem}.pdf'), diagnostics)
        else:
            rendered = render(resolved)
        if 'epub' in options.formats:
            write_epub(rendered, staged.stage(out_dir / f'{stem}.epub'), diagnostics)
        _stop_on_errors(diagnostics, options)
        return staged.commit()


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
