"""One short function that runs the stages in order: load -> parse -> resolve -> render -> write.

``check`` is the first half of ``build``: the stages that read and verify the
sources and find every problem an author can fix, without laying anything out
or writing a file. ``build`` runs it, then renders and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cite import resolve_citations
from .diagnostics import BuildError, Diagnostics
from .load import load
from .model import ResolvedBook
from .paginate import paginate
from .parse import parse, parse_notes
from .progress import SILENT, Progress
from .render import render
from .resolve import resolve
from .stylesheets import check_stylesheets
from .write.atomic import staged_outputs
from .write.epub import write_epub
from .write.pdf import write_pdf

FORMATS = ('pdf', 'epub')


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None  # default: BOOK/dist
    strict: bool = False


def check(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT) -> ResolvedBook:
    """Load, parse and resolve the book in ``root``; raise :class:`BuildError` after collecting every problem."""
    progress.stage('load')
    book = load(root, diagnostics)
    progress.stage('parse', len(book.sources))
    parsed = parse(book, diagnostics, progress)
    notes = parse_notes(book, diagnostics)
    progress.stage('resolve')
    bibliography = resolve_citations(book, parsed, diagnostics, notes.streams())
    resolved = resolve(book, parsed, diagnostics, bibliography, notes)
    check_stylesheets(root, diagnostics)
    _stop_on_errors(diagnostics, options)
    return resolved


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT) -> list[Path]:
    """Check the book in ``root``, then write its outputs; return the paths written."""
    resolved = check(root, options, diagnostics, progress)
    out_dir = options.out_dir or root / 'dist'
    stem = resolved.config.output_stem
    with staged_outputs() as staged:
        if 'pdf' in options.formats:
            laid_out = paginate(resolved, diagnostics, progress)
            _stop_on_errors(diagnostics, options)
            assert laid_out is not None
            rendered, document = laid_out
            progress.stage('write PDF')
            write_pdf(document, rendered, staged.stage(out_dir / f'{stem}.pdf'), diagnostics)
        else:
            progress.stage('render')
            rendered = render(resolved)
        if 'epub' in options.formats:
            progress.stage('write EPUB')
            write_epub(rendered, staged.stage(out_dir / f'{stem}.epub'), diagnostics)
        _stop_on_errors(diagnostics, options)
        return staged.commit()


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
