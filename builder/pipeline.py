"""The stages in order: load -> parse -> resolve -> select -> render -> write.

``check`` is the first half of ``build``: the whole book is loaded, parsed and
resolved once, so that every problem is reported once and every number
(chapters, notes) is given once, without laying anything out or writing a
file. ``build`` then makes each output as a selection of it (an edition, or a
one-chapter handout of an edition) that is resolved, rendered, laid out and
written on its own.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .citations.resolve import resolve_citations
from .diagnostics import BuildError, Diagnostic, Diagnostics, did_you_mean
from .fonts import check_characters
from .load import load
from .model import Book, Notes, PageMap, ParsedChapter, RenderedBook, ResolvedBook, Selection
from .page_estimate import estimated_page_map
from .paginate import paginate
from .progress import SILENT, Progress
from .workers import map_in_workers, process_pool
from .options import BuildOptions
from .parse import parse, parse_notes
from .render import render
from .resolve import resolve
from .select import data_used, select
from .stylesheets import check_stylesheets
from .write import parallel_pdf
from .write.atomic import discard_interrupted, staged_outputs, unwritable
from .write.booklet import impose_booklet
from .write.dates import check_source_date_epoch
from .write.epub import write_epub
from .write.pdf import write_pdf

if TYPE_CHECKING:
    from weasyprint import Document

HANDOUTS_DIR = 'handouts'


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
    whole = resolve_book(book, parsed, notes, diagnostics, options)
    check_stylesheets(root, diagnostics)
    check_characters(book, diagnostics)
    outputs = tuple(plan(whole, options, diagnostics))
    _stop_on_errors(diagnostics, options)
    return Checked(book, notes, whole, outputs)


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT) -> list[Path]:
    """Check the book in ``root``, then write its outputs; return the paths written.

    With ``options.cache``, nothing is done when nothing changed since the last
    build (``cache.up_to_date``), and each output starts from its last page map.
    """
    out_dir = options.out_dir or root / 'dist'
    discard_interrupted(out_dir)  # what a killed build left behind
    if options.cache:
        unchanged = cache.up_to_date(root, options)
        if unchanged is not None:
            diagnostics.extend(unchanged.diagnostics)
            return unchanged.outputs
    inputs = cache.signature(cache.book_files(root, (out_dir,)), root)
    folder = out_dir / HANDOUTS_DIR if options.handouts is not None else out_dir
    problem = unwritable(folder)
    if problem:
        diagnostics.error('out-dir', f'cannot write the outputs: {problem}; '
                          'make it a writable folder, or give another with --out')
    checked = check(root, options, diagnostics, progress)
    book, notes, whole = checked.book, checked.notes, checked.whole
    editions: dict[str, PageMap] = {}  # the page map of each whole edition, for handouts that keep its numbers
    with staged_outputs(out_dir) as staged, contextlib.ExitStack() as stack:
        outputs = []
        for output in checked.outputs:
            selection = output.selection
            if selection.is_handout and book.config.handouts.page_numbers == 'course-pack':
                if selection.edition not in editions:
                    whole_edition = Selection(selection.edition)
                    stem = next(o.stem for o in plan(whole, BuildOptions(editions=(selection.edition,)), diagnostics))
                    editions[selection.edition] = lay_out(book, notes, whole, whole_edition, diagnostics, options,
                                                          progress, stem, inputs, stack)[0].pages or PageMap()
                selection = replace(selection, first_page=editions[selection.edition].get(selection.chapters[0], 1))
            outputs.append((replace(output, selection=selection),
                            {f: staged.stage(out_dir / f'{output.stem}.{f}') for f in options.formats}))

        workers = concurrent_outputs(whole, [o for o, _ in outputs], options)
        if workers > 1:
            progress.stage(f'lay out and write {len(outputs)} outputs, {workers} at a time')
            jobs = [(book, notes, whole, output, targets, options, inputs) for output, targets in outputs]
            for made in map_in_workers(make_one_output, jobs, workers):
                diagnostics.extend(made)
        else:
            for output, targets in outputs:
                diagnostics.extend(make_one_output(book, notes, whole, output, targets, options, inputs, progress))
                _stop_on_errors(diagnostics, options)
        _stop_on_errors(diagnostics, options)
        written = staged.commit()
    if options.cache:
        cache.remember_build(root, options, inputs, written, diagnostics)
    return written


def make_one_output(book: Book, notes: Notes, whole: ResolvedBook, output: Output, targets: dict[str, Path],
                    options: BuildOptions, inputs: cache.Signature, progress: Progress = SILENT) -> list[Diagnostic]:
    """Make one output, here or in a worker process; return what was found on the way."""
    made = Diagnostics()
    try:
        with contextlib.ExitStack() as own:
            make_output(book, notes, whole, output, targets, made, options, progress, inputs, own)
    except BuildError:
        pass  # the diagnostics say why
    return list(made)


def make_output(book: Book, notes: Notes, whole: ResolvedBook, output: Output, targets: dict[str, Path],
                diagnostics: Diagnostics, options: BuildOptions, progress: Progress, inputs: cache.Signature,
                stack: contextlib.ExitStack) -> None:
    """Lay out one output and write it, in each format asked for, to ``targets``."""
    selection = output.selection
    rendered, laid_out = lay_out(book, notes, whole, selection, diagnostics, options, progress, output.stem,
                                 inputs, stack)
    pdf_written = None
    if 'pdf' in targets:
        progress.stage(f'write {output.stem}.pdf')
        pdf_written = write_laid_out(laid_out, rendered, targets['pdf'], diagnostics, stack)
        if (options.booklet or book.config.handouts.booklet) and selection.is_handout:
            pdf_written()
            impose_booklet(targets['pdf'])
    if 'epub' in targets:  # while the PDF's parts are joined, if it was laid out in parts
        progress.stage(f'write {output.stem}.epub')
        write_epub(rendered, targets['epub'], diagnostics)
    if pdf_written:
        pdf_written()
    _stop_on_errors(diagnostics, options)


def concurrent_outputs(whole: ResolvedBook, outputs: list[Output], options: BuildOptions) -> int:
    """How many outputs to make at once: one per core when each is laid out as one document.

    An edition big enough to be laid out in parts (``write/parallel_pdf.py``)
    keeps the cores busy by itself, and ``--jobs N`` asks for that layout.
    """
    if options.jobs is not None or len(outputs) < 2:
        return 1
    if not all(o.selection.is_handout for o in outputs) and parallel_pdf.worth_laying_out_in_parts(render(whole)):
        return 1
    return min(len(outputs), os.cpu_count() or 1)


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
                 diagnostics: Diagnostics, options: BuildOptions) -> ResolvedBook:
    """The resolve stage on some chapters of the book: citations, then cross-references, glossary, chronology."""
    bibliography = resolve_citations(book, chapters, diagnostics, notes.streams(), cache=options.cache)
    return resolve(book, chapters, diagnostics, bibliography, notes)


def lay_out(book: Book, notes: Notes, whole: ResolvedBook, selection: Selection, diagnostics: Diagnostics,
            options: BuildOptions, progress: Progress, stem: str, inputs: cache.Signature,
            stack: contextlib.ExitStack) -> tuple[RenderedBook, Document | parallel_pdf.LaidOutParts]:
    """Select, resolve, render and lay out one output: its rendering, and WeasyPrint's document (or parts).

    Layout runs even when only the EPUB is asked for: the EPUB's page-list
    carries the printed page numbers, and the same inputs give the same EPUB.
    A whole book of about 100 pages or more is laid out in parts on several
    cores (``write/parallel_pdf.py``). The last build's page map of the same
    output (``stem``) is the first guess at its page numbers: when it is
    right, one layout is enough. Without one, pages estimated from the text
    are (``page_estimate.py``).
    """
    chosen = select(whole, selection, diagnostics)
    if selection.is_handout:
        book, notes = data_used(book, notes, chosen)
    # The whole book was checked already; what only a part lacks (an unused term) is no news to the author.
    quiet = Diagnostics()
    resolved = replace(resolve_book(book, chosen, notes, quiet, options), selection=selection)
    if not diagnostics.has_errors():
        diagnostics.extend(quiet.errors)
    _stop_on_errors(diagnostics, options)
    root = book.config.root
    first = render(resolved)
    guess = (cache.load_page_map(root, stem) if options.cache else None) or estimated_page_map(first)
    jobs = options.jobs or os.cpu_count() or 1
    laid_out: tuple[RenderedBook, Any] | None
    if jobs > 1 and not selection.is_handout and parallel_pdf.can_lay_out_in_parts(first) and (
            options.jobs is not None or parallel_pdf.worth_laying_out_in_parts(first)):
        progress.stage('lay out in parts')
        folder = cache.cache_dir(root) / 'parts' / stem if options.cache else Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix='coursepack-parts-')))
        store = cache.PartStore(folder, cache.assets_key(inputs, cache.builder_key('parts')))
        laid_out = parallel_pdf.lay_out_in_parts(resolved, diagnostics, jobs, store, guess)
        if laid_out is not None:
            store.prune({part.key for part in laid_out[1].parts})
    else:
        laid_out = paginate(resolved, guess, diagnostics, progress)
    _stop_on_errors(diagnostics, options)
    assert laid_out is not None
    if options.cache and laid_out[0].pages is not None:
        cache.save_page_map(root, stem, laid_out[0].pages)
    return laid_out


def write_laid_out(laid_out: Document | parallel_pdf.LaidOutParts, rendered: RenderedBook, path: Path,
                   diagnostics: Diagnostics, stack: contextlib.ExitStack) -> Callable[[], None]:
    """Write the PDF; return a function that waits until it is written.

    Parts are joined in another process, so that the EPUB can be written meanwhile.
    """
    if not isinstance(laid_out, parallel_pdf.LaidOutParts):
        write_pdf(laid_out, rendered, path, diagnostics)
        return lambda: None
    joiner = stack.enter_context(process_pool(1))
    joined = joiner.submit(parallel_pdf.join_parts, laid_out, path)

    def written() -> None:
        for target in joined.result():
            diagnostics.warning('pdf-style', f'No anchor #{target} for internal URI reference')

    return written


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
