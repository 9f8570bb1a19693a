"""A build, stage by stage: load -> parse -> resolve -> select -> render -> lay out -> write.

``check`` is the first three stages, on the whole book: it is loaded, parsed
and resolved once, so that every problem is reported once and every number
(chapters, notes) is given once, without laying anything out or writing a
file. ``build`` then makes each output (an edition, or a one-chapter handout
of an edition): the output's selection of the whole book, resolved on its own;
rendered and laid out until its page numbers settle; written in each format
asked for. Every stage is given the same :class:`~builder.options.Build`: the
options, the diagnostics, the progress report and what the build keeps.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from .cache import OutputCache, load_page_map, remember_build, signature
from .citations.ahead import citations_ahead
from .citations.cache import formatting_kept
from .config import BookConfig
from .dates import build_timestamp, check_source_date_epoch
from .diagnostics import BuildError, Diagnostic, Diagnostics, did_you_mean
from .fonts import check_characters
from .inputs import book_files
from .kept_parses import KeptParses, cache_folder
from .layout import LaidOut, first_rendering, lay_out
from .layout.known_pages import known_pages
from .layout.parts import can_lay_out_in_parts
from .load import load
from .memory import give_back_freed_memory
from .model import PICKLED_COMPACTLY, Book, Notes, PageMap, PageNumbering, RenderedBook, ResolvedBook, Selection
from .options import Build, BuildOptions
from .page_changes import keep_previous, report as page_change_report, tracked_items
from .parse import parse_book
from .permissions.clearance import check_clearance
from .permissions.ledger import Ledger, make_ledger
from .progress import SILENT, Progress
from .render import prepare as render_ahead
from .resolve import resolve_book
from .selection import select
from .stylesheets import check_stylesheets
from .workers import in_threads, map_in_workers
from .write.atomic import discard_interrupted, staged_outputs, unwritable
from .write.ahead import WrittenAhead
from .write.documents import forget_other_documents
from .write.formats import WRITERS, preparations
from .write.kept_outputs import KeptOutput, forget_other_outputs
from .write.summary import OutputSummary

HANDOUTS_DIR = 'handouts'
PAGE_CHANGES = 'page-changes.txt'


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
    """Load, parse and resolve the book in ``root``; raise :class:`BuildError` after collecting every problem.

    ``coursepack check`` also checks the permissions ledger (a build does not: it prints what it is given).
    """
    checked = check_book(root, Build(options, diagnostics, progress, parses=kept_parses(root, options)))
    config = checked.book.config
    check_clearance(ledger(checked), config, build_timestamp(config).date(), diagnostics)
    return checked


def page_changes(checked: Checked, before: dict[str, PageMap | None], root: Path) -> str:
    """The items whose printed page moved since ``before`` (stem -> page map), and between the editions."""
    editions = plan(checked.whole, BuildOptions(), Diagnostics())
    after = {o.stem: load_page_map(root, o.stem) for o in editions}
    return page_change_report(tracked_items(checked.whole, checked.book.references), before, after,
                              checked.book.config.interface, checked.whole.chapter_ids)


def every_output(whole: ResolvedBook) -> list[Output]:
    """Every output the book can be built into: each edition, and each handout of each."""
    quiet, editions = Diagnostics(), tuple(whole.config.editions)
    return [*plan(whole, BuildOptions(editions=editions), quiet), *plan(whole, BuildOptions(editions=editions,
                                                                                          handouts=()), quiet)]


def ledger(checked: Checked) -> Ledger:
    """The permissions ledger of every edition, and of the main edition's handouts."""
    quiet = Diagnostics()
    outputs = [*plan(checked.whole, BuildOptions(), quiet), *plan(checked.whole, BuildOptions(handouts=()), quiet)]
    return make_ledger(checked.whole, checked.book.references, {o.selection: o.stem for o in outputs})


def check_book(root: Path, build: Build, ahead: Sequence[Callable[[BookConfig], None]] = ()) -> Checked:
    """Load, parse and resolve; ``ahead``: what the outputs can prepare before there is a book to render, done
    while Pandoc formats the citations."""
    options, diagnostics, progress = build.options, build.diagnostics, build.progress
    progress.stage('load')
    check_source_date_epoch(diagnostics)
    book = loaded(root, options, diagnostics)
    # Pandoc formats the citations read from the chapters' text while they are parsed (a first build's)
    with citations_ahead(book, lambda: options.cache and formatting_kept(root)) as pandoc:
        return _parsed_and_resolved(book, build, ahead, pandoc)


def _parsed_and_resolved(book: Book, build: Build, ahead: Sequence[Callable[[BookConfig], None]],
                         pandoc: Callable[[list[str], str], str]) -> Checked:
    options, diagnostics, progress = build.options, build.diagnostics, build.progress
    root = book.config.root
    progress.stage('parse', len(book.sources))
    parsed, notes = parse_book(book, diagnostics, progress, build.parses)
    progress.stage('resolve')
    # While Pandoc formats the citations (0.9 s at 200 pages), a thread looks up the characters no font has
    # (reported after resolving's problems, as they were found before), then does what is ``ahead`` (0.1 s at
    # 200 pages for an EPUB's: templates compiled, a cover drawn). What has not started once the citations are
    # formatted (kept from the last build, as an edit's are) is left to be done where it is needed: waited for
    # here, it would delay the layout. A preparation that fails fails again there, and says why.
    # Another keeps the parses for the next build, writing those this one made (a first build's: 0.1 s at 50 pages).
    # Both start once Pandoc runs: started before, their Python delayed its start (by up to 0.15 s at 200 pages).
    characters = Diagnostics()
    with ThreadPoolExecutor(1) as thread, ThreadPoolExecutor(1) as keeping:
        awaited: list[Future[None]] = []
        prepared: list[Future[None]] = []

        def meanwhile() -> None:
            if build.parses is not None:
                awaited.append(keeping.submit(build.parses.keep_only_this_builds))
            awaited.append(thread.submit(check_characters, book, characters))
            prepared.extend(thread.submit(prepare, book.config) for prepare in ahead)

        whole = resolve_book(book, parsed, notes, diagnostics, cache=options.cache, meanwhile=meanwhile,
                             pandoc=pandoc)
        for preparation in prepared:
            preparation.cancel()
        for job in awaited:
            job.result()
    check_stylesheets(root, diagnostics)
    diagnostics.extend(characters)
    outputs = tuple(plan(whole, options, diagnostics))
    build.stop_on_errors()
    return Checked(book, notes, whole, outputs)


def kept_parses(root: Path, options: BuildOptions) -> KeptParses | None:
    """The chapters parsed by the last build or check, in the book's cache folder (unless ``--no-cache``): those
    that did not change are not parsed again."""
    return KeptParses(cache_folder(root), remember=False) if options.cache else None


def loaded(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> Book:
    """The book in ``root``, with the settings given on the command line."""
    book = load(root, diagnostics)
    return replace(book, config=replace(book.config, **dict(options.settings)))


def parse_ahead(root: Path, options: BuildOptions, parses: KeptParses) -> None:
    """Parse the book in ``root`` into ``parses``, for a build to come: their problems are kept with them, and
    reported by the build that uses them. A book that cannot be loaded is left to that build to report."""
    quiet = Diagnostics()
    try:
        parse_book(loaded(root, options, quiet), quiet, kept=parses)
    except BuildError:
        return
    parses.keep_only_this_builds()


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics, progress: Progress = SILENT,
          parses: KeptParses | None = None) -> dict[Path, OutputSummary | None]:
    """Check the book in ``root``, then write its outputs; return the paths written, each with its summary when
    the build read it already (see ``make_output``).

    Whether the outputs are up to date already is the caller's to ask first
    (``cache.up_to_date``: the command line does, before importing this
    module); with ``options.cache``, each output starts from its last page map.
    ``parses``: the chapters parsed by this process's earlier builds, kept for
    the next (``coursepack watch``); by default, those of the book's cache.
    """
    out_dir = options.out_dir or root / 'dist'
    discard_interrupted(out_dir)  # what a killed build left behind
    inputs = signature(book_files(root, (out_dir,)), root)
    folder = out_dir / HANDOUTS_DIR if options.handouts is not None else out_dir
    problem = unwritable(folder)
    if problem:
        diagnostics.error('out-dir', f'cannot write the outputs: {problem}; '
                          'make it a writable folder, or give another with --out')
    run = Build(options, diagnostics, progress, OutputCache(root, inputs, options.cache, options.settings),
                parses=kept_parses(root, options) if parses is None else parses)
    checked = check_book(root, run, ahead=[render_ahead, *preparations(options)])
    # The page maps of the last build, before this one replaces them: what moved is reported in page-changes.txt.
    before = {o.stem: run.cache.page_map(o.stem) for o in checked.outputs} if options.handouts is None else {}
    with staged_outputs(out_dir) as staged, contextlib.ExitStack() as stack:
        editions: dict[str, PageMap] = {}  # the page map of each whole edition, for handouts that keep its numbers
        summaries: dict[str, OutputSummary] = {}  # by file name
        outputs = [(numbered(checked, output, editions, run, stack),
                    {f: staged.stage(out_dir / WRITERS[f].name(output.stem), folder=WRITERS[f].folder)
                     for f in options.formats if WRITERS[f].handouts or not output.selection.is_handout})
                   for output in checked.outputs]
        at_once = concurrent_outputs(checked.whole, [o for o, _ in outputs], options)
        if at_once.outputs > 1:
            progress.stage(f'lay out and write {len(outputs)} outputs, {at_once.outputs} at a time')
            if at_once.in_parts:
                # In threads of this process, their parts' processes sharing the cores
                cores = max(1, (os.cpu_count() or 1) // at_once.outputs)
                made = in_threads(make_one_output, [(checked, output, targets, options, run.cache, SILENT, cores)
                                                    for output, targets in outputs], at_once.outputs)
            else:
                jobs = [(output, targets, options, run.cache) for output, targets in outputs]
                made = map_in_workers(make_one_output, checked, jobs, at_once.outputs, PICKLED_COMPACTLY)
            for diagnosed, read in made:
                diagnostics.extend(diagnosed)
                summaries.update(read)
        else:
            for output, targets in outputs:
                diagnosed, read = make_one_output(checked, output, targets, options, run.cache, progress)
                diagnostics.extend(diagnosed)
                summaries.update(read)
                run.stop_on_errors()
        run.stop_on_errors()
        if any(before.values()):
            staged.stage(out_dir / PAGE_CHANGES).write_text(page_changes(checked, before, root), encoding='utf-8')
            keep_previous(root, before)
        written = staged.commit()
    if options.cache:
        remember_build(root, options, inputs, written, diagnostics,
                       read_layouts=not any(WRITERS[f].needs_layout for f in options.formats))
        stems = [o.stem for o in every_output(checked.whole)]
        forget_other_outputs(run.cache.outputs_folder(), stems)
        forget_other_documents(run.cache.documents_folder(''), {WRITERS[f].name(s) for s in stems for f in WRITERS})
    return {path: replace(summaries[path.name], path=path) if path.name in summaries else None for path in written}


def make_one_output(checked: Checked, output: Output, targets: dict[str, Path], options: BuildOptions,
                    cache: OutputCache | None, progress: Progress = SILENT,
                    part_workers: int | None = None) -> tuple[list[Diagnostic], dict[str, OutputSummary]]:
    """Make one output, here, in a thread or in a worker process; return what was found on the way, and the
    summaries ``make_output`` read."""
    run = Build(options, Diagnostics(), progress, cache, part_workers=part_workers)
    summaries: dict[str, OutputSummary] = {}
    try:
        with contextlib.ExitStack() as own:
            summaries = make_output(checked, output, targets, run, own)
    except BuildError:
        pass  # the diagnostics say why
    return list(run.diagnostics), summaries


def make_output(checked: Checked, output: Output, targets: dict[str, Path], build: Build,
                stack: contextlib.ExitStack) -> dict[str, OutputSummary]:
    """One output, in each format asked for (``targets``): select, render and lay out, write. Return the summaries
    of the formats written ahead (``write/ahead.py``), by file name: read from their files as they are written,
    while the PDF is joined, which the build waits for (0.14 s of an 824-page book's edit, read after the build)."""
    resolved = select(checked.book, checked.notes, checked.whole, output.selection, build.diagnostics,
                      cache=build.options.cache)
    build.stop_on_errors()
    pages = any(WRITERS[f].needs_layout for f in targets)
    # Laid out, an output starts from the rendering printed from its last pages: when the last build settled on
    # the same, its files are that build's (``write/kept_outputs.py``), and are taken.
    first = [first_rendering(resolved, output.stem, build)] if pages else []
    kept = KeptOutput(build.cache, output.stem, targets, build.options) \
        if first and build.cache is not None and build.cache.enabled else None
    if kept is not None and kept.taken(first[0], build.diagnostics):
        build.cache.save_page_map(output.stem, first[0].pages or PageMap(), resolved.config)  # of this book now
        return {}
    given = len(build.diagnostics)  # what this output's layout and writers add is kept with its files
    ahead = WrittenAhead(targets, build)
    stack.callback(ahead.wait)  # done with the staged files before a failed build removes them
    laid_out = rendered_and_laid_out(resolved, output.stem, build, stack, pages=pages, meanwhile=ahead.start,
                                     first=first)
    give_back_freed_memory()  # what the layout freed, before the writers take their own
    waiting = []

    def write(formats: set[str]) -> None:
        for name, writer in sorted(WRITERS.items(), key=lambda item: not item[1].apart):  # those apart first
            if name in formats:
                build.progress.stage(f'write {writer.name(output.stem)}')
                waiting.append(writer.write(laid_out, targets[name], build, stack))

    # The PDF first: its join does not wait for the outputs written ahead to be done (an edit of the 824-page book
    # waited 1 s for them), then those that were not written from the settled pages.
    write(set(targets) - set(ahead.targets))
    written = ahead.kept(laid_out.rendered, build.diagnostics)
    write(set(ahead.targets) - set(written))
    summaries = {WRITERS[f].name(output.stem): summary for f, summary in sorted(written.items())}
    for wait in waiting:  # the writers apart (the join, the EPUB, the web edition), side by side
        wait()
    build.stop_on_errors()
    if kept is not None:
        kept.keep(laid_out.rendered, list(build.diagnostics)[given:])
    return summaries


def rendered_and_laid_out(resolved: ResolvedBook, stem: str, build: Build, stack: contextlib.ExitStack, *,
                          pages: bool = True, meanwhile: Callable[[RenderedBook], None] | None = None,
                          first: list[RenderedBook] | None = None) -> LaidOut:
    """Render and lay out until the page numbers settle (``layout/``); without ``pages``, only render, from the
    last layout's page numbers when they are this book's. ``meanwhile``, ``first``: see ``layout.lay_out``."""
    if not pages:
        return LaidOut(known_pages(resolved, stem, build.cache), None)
    laid_out = lay_out(resolved, stem, build, stack, meanwhile, first)  # its page map is the next build's first guess
    build.stop_on_errors()
    assert laid_out is not None  # else there were errors
    return laid_out


def numbered(checked: Checked, output: Output, editions: dict[str, PageMap], build: Build,
             stack: contextlib.ExitStack) -> Output:
    """The output with its first page number: a handout keeping the course pack's numbers starts at its page."""
    selection = output.selection
    if not selection.is_handout or checked.book.config.handouts.page_numbers != 'course-pack':
        return output
    if selection.edition not in editions:
        editions[selection.edition] = edition_pages(checked, selection.edition, build, stack)
    pages = editions[selection.edition]
    page = pages.get(selection.chapters[0])
    numbering = PageNumbering.of(checked.whole.chapter_ids, pages)
    return replace(output, selection=replace(selection, first_page=numbering.number(page) if page else 1))


def edition_pages(checked: Checked, edition: str, build: Build, stack: contextlib.ExitStack) -> PageMap:
    """The page map of a whole edition, for the handouts that keep its numbers."""
    stem = next(o.stem for o in plan(checked.whole, BuildOptions(editions=(edition,)), build.diagnostics))
    resolved = select(checked.book, checked.notes, checked.whole, Selection(edition), build.diagnostics,
                      cache=build.options.cache)
    build.stop_on_errors()
    laid_out = rendered_and_laid_out(resolved, stem, build, stack)
    return laid_out.rendered.pages or PageMap()


class AtOnce(NamedTuple):
    outputs: int  # made at once
    in_parts: bool  # each in a thread of the build's process, laid out in parts; else each in a worker process


# Editions of a book laid out in parts are made at once up to about 450 pages of text (3,300 characters of Markdown a
# page): the build's process holds each edition's renderings and part documents as it lays it out. Two editions at
# once, against one after the other: 116 against 108 MiB at 207 pages, 254 against 207 MiB at 824.
EDITIONS_AT_ONCE = 1_500_000


def concurrent_outputs(whole: ResolvedBook, outputs: list[Output], options: BuildOptions) -> AtOnce:
    """How many outputs to make at once, and how.

    Laid out as one document each (a book that cannot be laid out in parts,
    handouts that keep the course pack's page numbers): one output per core,
    each in a worker process. Handouts laid out in parts: one per core, each
    in a thread of this process, as editions are (below). Laid out in
    parts, the editions of a book of up to about 450 pages: at once, each in
    a thread of this process (their work is in their parts' processes), the
    cores shared between their parts, so that an edit's part in every
    edition is laid out side by side with the others (the course pack, two
    editions: an edit 3.8 -> 2.9 s, a build 9.7 -> 8.7 s); a longer book's
    one after the other, each keeping the cores busy by itself, as ``--jobs
    N`` asks for. How many at once changes no byte of the outputs.
    """
    cores = os.cpu_count() or 1
    if options.jobs is not None or len(outputs) < 2 or cores < 2:
        return AtOnce(1, False)
    if all(o.selection.is_handout for o in outputs):  # as each handout decides (a book of one chapter's too)
        return AtOnce(min(len(outputs), cores), can_lay_out_in_parts(replace(whole, selection=outputs[0].selection)))
    if not can_lay_out_in_parts(whole):
        return AtOnce(min(len(outputs), cores), False)
    size = sum(len(token.content) for parsed in whole.chapters for token in parsed.tokens if token.type == 'inline')
    return AtOnce(min(len(outputs), cores) if size <= EDITIONS_AT_ONCE else 1, True)


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
