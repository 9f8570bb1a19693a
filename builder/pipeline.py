"""The stages in order: load -> parse -> resolve -> select -> render -> write.

``check`` is the first half of ``build``: the whole book is loaded, parsed and
resolved once, so that every problem is reported once and every number
(chapters, notes) is given once, without laying anything out or writing a
file. ``build`` then makes each output as a selection of it (an edition, or a
one-chapter handout of an edition) that is resolved, rendered, laid out and
written on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cite import resolve_citations
from .diagnostics import BuildError, Diagnostics, did_you_mean
from .load import load
from .model import Book, Notes, PageMap, ParsedChapter, RenderedBook, ResolvedBook, Selection
from .paginate import paginate
from .progress import SILENT, Progress
from .parse import parse, parse_notes
from .resolve import resolve
from .select import data_used, select
from .stylesheets import check_stylesheets
from .write.atomic import discard_interrupted, staged_outputs
from .write.booklet import impose_booklet
from .write.dates import check_source_date_epoch
from .write.epub import write_epub
from .write.pdf import write_pdf

if TYPE_CHECKING:
    from weasyprint import Document

FORMATS = ('pdf', 'epub')
HANDOUTS_DIR = 'handouts'


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None  # default: BOOK/dist
    strict: bool = False
    # The editions to build; when empty, every edition the book declares (handouts: the main edition).
    editions: tuple[str, ...] = ()
    # Build handouts of these chapter ids (of every chapter when empty) instead of the book.
    handouts: tuple[str, ...] | None = None
    booklet: bool = False  # impose handout PDFs as booklets (also set by book.yaml handouts.booklet)
    # book.yaml values given on the command line, by BookConfig field name: they win over the file.
    settings: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Output:
    selection: Selection
    stem: str  # the path of the output files under the output folder, without suffix


@dataclass(frozen=True)
class Checked:
    """What ``check`` found: the whole book, resolved, and the outputs to make of it."""

    book: Book
    notes: Notes
    whole: ResolvedBook
    outputs: tuple[Output, ...]


def check(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT) -> Checked:
    """Load, parse and resolve the book in ``root``; raise :class:`BuildError` after collecting every problem."""
    progress.stage('load')
    check_source_date_epoch(diagnostics)
    book = load(root, diagnostics)
    book = replace(book, config=replace(book.config, **dict(options.settings)))
    progress.stage('parse', len(book.sources))
    parsed = parse(book, diagnostics, progress)
    notes = parse_notes(book, diagnostics)
    progress.stage('resolve')
    whole = resolve_book(book, parsed, notes, diagnostics)
    check_stylesheets(root, diagnostics)
    outputs = tuple(plan(whole, options, diagnostics))
    _stop_on_errors(diagnostics, options)
    return Checked(book, notes, whole, outputs)


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT) -> list[Path]:
    """Check the book in ``root``, then write its outputs; return the paths written."""
    out_dir = options.out_dir or root / 'dist'
    discard_interrupted(out_dir)  # what a killed build left behind
    checked = check(root, options, diagnostics, progress)
    book, notes, whole = checked.book, checked.notes, checked.whole
    booklet = options.booklet or book.config.handouts.booklet
    editions: dict[str, PageMap] = {}  # the page map of each whole edition, for handouts that keep its numbers
    with staged_outputs(out_dir) as staged:
        for output in checked.outputs:
            selection = output.selection
            if selection.is_handout and book.config.handouts.page_numbers == 'course-pack':
                if selection.edition not in editions:
                    editions[selection.edition] = lay_out(book, notes, whole, Selection(selection.edition),
                                                          diagnostics, options, progress)[0].pages or PageMap()
                selection = replace(selection, first_page=editions[selection.edition].get(selection.chapters[0], 1))
            rendered, document = lay_out(book, notes, whole, selection, diagnostics, options, progress)
            if 'pdf' in options.formats:
                progress.stage(f'write {output.stem}.pdf')
                pdf = staged.stage(out_dir / f'{output.stem}.pdf')
                write_pdf(document, rendered, pdf, diagnostics)
                if booklet and selection.is_handout:
                    impose_booklet(pdf)
            if 'epub' in options.formats:
                progress.stage(f'write {output.stem}.epub')
                write_epub(rendered, staged.stage(out_dir / f'{output.stem}.epub'), diagnostics)
        _stop_on_errors(diagnostics, options)
        return staged.commit()


def plan(whole: ResolvedBook, options: BuildOptions, diagnostics: Diagnostics) -> Iterator[Output]:
    """The outputs to write: each asked-for edition of the book, or of each asked-for handout."""
    config = whole.config
    for name in options.editions:
        if name not in config.editions:
            diagnostics.error('edition-unknown', f"no edition '{name}': book.yaml declares "
                              f"{', '.join(config.editions)}{did_you_mean(name, config.editions)}")
    editions = [e for e in config.editions if e in options.editions] if options.editions else list(config.editions)
    suffix = {e: '' if e == config.main_edition else f'-{e}' for e in editions}
    if options.handouts is None:
        for edition in editions:
            yield Output(Selection(edition), f'{config.output_stem}{suffix[edition]}')
        return
    ids = [p.chapter.id for p in whole.chapters]
    for chapter_id in options.handouts:
        if chapter_id not in ids:
            diagnostics.error('chapter-unknown', f"no chapter with the id '{chapter_id}'{did_you_mean(chapter_id, ids)}")
    if not options.editions:
        editions = [config.main_edition]  # handouts are for the class, unless an edition is asked for
    for chapter_id in [i for i in ids if i in options.handouts] if options.handouts else ids:
        for edition in editions:
            yield Output(Selection(edition, (chapter_id,)), f'{HANDOUTS_DIR}/{chapter_id}{suffix[edition]}')


def resolve_book(book: Book, chapters: tuple[ParsedChapter, ...], notes: Notes,
                 diagnostics: Diagnostics) -> ResolvedBook:
    """The resolve stage on some chapters of the book: citations, then cross-references, glossary, chronology."""
    bibliography = resolve_citations(book, chapters, diagnostics, notes.streams())
    return resolve(book, chapters, diagnostics, bibliography, notes)


def lay_out(book: Book, notes: Notes, whole: ResolvedBook, selection: Selection, diagnostics: Diagnostics,
            options: BuildOptions, progress: Progress = SILENT) -> tuple[RenderedBook, Document]:
    """Select, resolve, render and lay out one output: its rendering, and WeasyPrint's document.

    Layout runs even when only the EPUB is asked for: the EPUB's page-list
    carries the printed page numbers, and the same inputs give the same EPUB.
    """
    chosen = select(whole, selection, diagnostics)
    if selection.is_handout:
        book, notes = data_used(book, notes, chosen)
    # The whole book was checked already; what only a part lacks (an unused term) is no news to the author.
    quiet = Diagnostics()
    resolved = replace(resolve_book(book, chosen, notes, quiet), selection=selection)
    if not diagnostics.has_errors():
        diagnostics.extend(quiet.errors)
    _stop_on_errors(diagnostics, options)
    laid_out = paginate(resolved, diagnostics, progress)
    _stop_on_errors(diagnostics, options)
    assert laid_out is not None
    return laid_out


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
