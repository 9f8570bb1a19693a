"""The command line: ``coursepack build | handouts | check | permissions | watch | new``.

``build`` makes every edition of the book; ``handouts`` one handout per chapter.
Both take ``--format``, ``--edition``, ``--out``, the print-shop options
(``--paper``, ``--simplex``/``--duplex``, ``--bleed``, ``--crop-marks``),
``--strict``, ``--quiet`` and ``--debug``.

Exit codes: 0 success, 1 errors in the book or its outputs (or warnings with
``--strict``), 2 usage errors, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

from . import cache, ending
from .diagnostics import BuildError, Diagnostics
from .memory import one_heap
from .workers import COLLECTION_THRESHOLD, INTERRUPTED, TERMINATED, Terminated, start_early, stop_on_sigterm
from .options import FORMATS, LAID_OUT, BuildOptions
from .progress import Progress, progress_for

if TYPE_CHECKING:
    from .kept_parses import KeptParses

# The pipeline and the commands' own modules are imported where they are used, so
# that ``build`` can tell that a book is up to date without loading the libraries.

T = TypeVar('T')


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='coursepack', description='Build course packs from Markdown.')
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')

    b = commands.add_parser('build', help='build the PDF and EPUB of every edition into dist/')
    _book_arguments(b)
    _output_arguments(b)

    h = commands.add_parser('handouts', help='build one handout per chapter into dist/handouts/')
    h.add_argument('--chapter', action='append', default=[], metavar='ID',
                   help='the id of a chapter to make a handout of (repeatable; default: every chapter)')
    h.add_argument('--booklet', action='store_true', default=None,
                   help='impose the PDF as a folded, stapled booklet (book.yaml: handouts: booklet)')
    _book_arguments(h)
    _output_arguments(h)

    c = commands.add_parser('check', help='report every problem in the book without building it')
    _book_arguments(c)
    c.add_argument('--outputs', action='store_true',
                   help='also validate the files in dist/ (PDF checks, EPUBCheck, Ace when installed)')
    c.add_argument('--out', type=Path, metavar='DIR', help='where the outputs are (default: BOOK_DIR/dist)')
    c.add_argument('--pages', action='store_true',
                   help='also print what changed page in the last build: passages, citations, figures, glossary '
                   'entries, and the pages on which the editions differ (as dist/page-changes.txt)')

    p = commands.add_parser('permissions', help='print the permissions ledger of the quoted sources and write '
                            'dist/permissions.csv and dist/permissions.html for the copy shop')
    _book_arguments(p)
    p.add_argument('--copies', type=int, metavar='N',
                   help='the copies to be printed: adds the usage a licensing report asks for (pages × copies)')
    p.add_argument('--out', type=Path, metavar='DIR', help='where to write the ledger (default: BOOK_DIR/dist)')

    w = commands.add_parser('watch', help='rebuild whenever a chapter, data file or style changes')
    _book_arguments(w)
    _output_arguments(w)

    n = commands.add_parser('new', help='start a new book folder that builds at once')
    n.add_argument('dir', type=Path, metavar='DIR', help='the folder to create (must not exist yet)')
    return parser


def _book_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('book', nargs='?', default=Path('.'), type=Path, metavar='BOOK_DIR',
                        help='the book folder (default: .)')
    parser.add_argument('--strict', action='store_true', help='treat warnings as errors')
    parser.add_argument('--quiet', '-q', action='store_true', help='print only diagnostics: no progress, no summary')
    parser.add_argument('--debug', action='store_true', help='show tracebacks of internal errors')


def _output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--format', choices=(*FORMATS, 'all'), default='all', help='which outputs to build')
    parser.add_argument('--edition', action='append', default=[], metavar='NAME',
                        help='build this edition only (repeatable; default: build: every edition, '
                        'handouts: the first)')
    parser.add_argument('--out', type=Path, metavar='DIR', help='output folder (default: BOOK_DIR/dist)')
    parser.add_argument('--jobs', type=int, metavar='N', help='processes that lay out each PDF, in parts, '
                        'one output at a time; 1: each as one document (default: one per core, and outputs '
                        'made side by side: the editions of a book of up to about 450 pages, the handouts)')
    parser.add_argument('--no-cache', action='store_true',
                        help='rebuild everything, ignoring and leaving alone BOOK_DIR/.coursepack-cache')
    shop = parser.add_argument_group('print-shop options (override book.yaml)')
    shop.add_argument('--paper', type=_checked('check_paper'), help='a4, letter, a5, or "WIDTH HEIGHT"')
    sides = shop.add_mutually_exclusive_group()
    sides.add_argument('--duplex', dest='sides', action='store_const', const='duplex',
                       help='two-sided: chapters open on a right-hand page')
    sides.add_argument('--simplex', dest='sides', action='store_const', const='simplex',
                       help='one-sided: no blank pages')
    shop.add_argument('--bleed', type=_checked('check_length'), metavar='LENGTH', help='bleed, such as 3mm')
    shop.add_argument('--crop-marks', action='store_true', default=None, help='print crop marks')


def _checked(check_name: str):  # type: ignore[no-untyped-def]
    """An argparse type that validates a value as book.yaml would (``config.<check_name>``)."""
    def value(text: str) -> str:
        from . import config

        problem = getattr(config, check_name)(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return text
    return value


def build_options(args: argparse.Namespace) -> BuildOptions:
    settings = {name: getattr(args, name) for name in ('paper', 'sides', 'bleed', 'crop_marks')
                if getattr(args, name) is not None}
    return BuildOptions(
        formats=FORMATS if args.format == 'all' else (args.format,),
        out_dir=args.out.resolve() if args.out else None,
        strict=args.strict,
        editions=tuple(args.edition),
        handouts=tuple(args.chapter) if args.command == 'handouts' else None,
        booklet=bool(getattr(args, 'booklet', False)),
        settings=tuple(settings.items()),
        jobs=args.jobs,
        cache=not args.no_cache,
    )


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        return _command(argv, stdout, stderr)
    except KeyboardInterrupt as stop:  # a build's outputs are staged: an interrupted one changed none
        if threading.current_thread() is threading.main_thread():
            # A second Ctrl-C (or SIGTERM) while Python shuts down (its threads and pools) would end it with no
            # exit status.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print('coursepack: interrupted; no output was changed', file=stderr)
        return TERMINATED if isinstance(stop, Terminated) else INTERRUPTED


def run() -> NoReturn:
    """The ``coursepack`` command: :func:`main`, its result the exit status, the process ended at once
    (``ending.py``). Interrupted, a build has cleaned up and said so by the time ``main`` returns."""
    ending.begin()
    stop_on_sigterm()
    gc.set_threshold(COLLECTION_THRESHOLD)
    one_heap()
    status = main()
    if status in (INTERRUPTED, TERMINATED):
        ending.end_now(status)
    ending.end(status)


def _command(argv: list[str] | None, stdout: TextIO, stderr: TextIO) -> int:
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == 'new':
        return _new(args.dir, stdout, stderr)
    root = args.book.resolve()
    if not (root / 'book.yaml').is_file():
        print(f'coursepack: error: {args.book} is not a book folder (no book.yaml)', file=stderr)
        return 2
    if args.command == 'check':
        out_dir = args.out.resolve() if args.out else None
        return _check(root, args, BuildOptions(out_dir=out_dir, strict=args.strict), stdout, stderr)
    if args.command == 'permissions':
        if args.copies is not None and args.copies < 1:
            print('coursepack: error: --copies must be 1 or more', file=stderr)
            return 2
        return _permissions(root, args, stdout, stderr)
    if args.jobs is not None and args.jobs < 1:
        print('coursepack: error: --jobs must be 1 or more', file=stderr)
        return 2
    options = build_options(args)
    if args.command == 'watch':
        from .kept_parses import KeptParses, cache_folder
        from .watch import watch  # imported here: only watch needs watchfiles

        # Each rebuild parses only the chapters that changed
        parses = KeptParses(cache_folder(root) if options.cache else None)

        def ready() -> None:  # the first rebuild as quick as the next, also after outputs found up to date
            if any(f in LAID_OUT for f in options.formats):
                start_early(root)
            if not parses:
                from .pipeline import parse_ahead

                parse_ahead(root, options, parses)

        return watch(root, options, lambda: _build(root, args, options, stdout, stderr, parses), stdout, ready)
    return _build(root, args, options, stdout, stderr)


def _build(root: Path, args: argparse.Namespace, options: BuildOptions, stdout: TextIO, stderr: TextIO,
           parses: KeptParses | None = None) -> int:
    diagnostics = Diagnostics()
    unchanged = cache.up_to_date(root, options) if options.cache else None
    if unchanged is not None:
        diagnostics.extend(unchanged.diagnostics)
        report(diagnostics, stderr)
        if not args.quiet:
            for path in unchanged.outputs:
                print(f'up to date: {_shown(path)}', file=stdout)
        return 0
    if any(f in LAID_OUT for f in options.formats):
        start_early(root)  # the workers' fork server imports WeasyPrint while this process imports the pipeline
    from .write.formats import WRITERS, summarize
    from .pipeline import build

    written = _guarded(lambda progress: build(root, options, diagnostics, progress, parses), diagnostics, args,
                       stderr)
    if written is None:
        return 1
    if not args.quiet:
        for path, read in written.items():  # an output's summary; a report (page-changes.txt) has none
            summary = f' ({read or summarize(path)})' if any(w.wrote(path) for w in WRITERS.values()) else ''
            print(f'wrote {_shown(path)}{summary}', file=stdout)
    return 0


def _check(root: Path, args: argparse.Namespace, options: BuildOptions, stdout: TextIO, stderr: TextIO) -> int:
    from .pipeline import check
    from .validate import validate_outputs

    started = time.perf_counter()
    sources = Diagnostics()
    checked = _guarded(lambda progress: check(root, options, sources, progress), sources, args, stderr, summary=False)
    outputs = Diagnostics()
    validated = []
    if args.outputs:
        out_dir = options.out_dir or root / 'dist'
        validated = validate_outputs(root, out_dir, _shown(out_dir), outputs)
        report(outputs, stderr, summary=False)
    if args.pages and checked is not None:
        from .page_changes import previous
        from .pipeline import page_changes

        print(page_changes(checked, {s: previous(root, s) for s in _edition_stems(checked)}, root), file=stdout)
    everything = Diagnostics()
    everything.extend([*sources, *outputs])
    failed = checked is None or everything.has_errors(strict=args.strict)
    if not args.quiet:
        for result in validated:
            print(result, file=stdout)
    if failed or not args.quiet:
        print(f'coursepack: check {"failed" if failed else "passed"}: {_counts(everything)} '
              f'({time.perf_counter() - started:.1f} s)', file=stderr if failed else stdout)
    return 1 if failed else 0


def _edition_stems(checked) -> list[str]:  # type: ignore[no-untyped-def]
    from .pipeline import plan

    return [o.stem for o in plan(checked.whole, BuildOptions(), Diagnostics())]


def _permissions(root: Path, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """The ledger of the book as checked, with the printed pages of its last build (from the build cache)."""
    from .permissions import report
    from .pipeline import check, ledger
    from .write.atomic import staged_outputs

    diagnostics = Diagnostics()
    checked = _guarded(lambda progress: check(root, BuildOptions(strict=args.strict), diagnostics, progress),
                       diagnostics, args, stderr)
    if checked is None or diagnostics.has_errors(strict=args.strict):
        return 1
    found = ledger(checked)
    config = checked.book.config
    strings = config.interface
    rows = report.rows(found, strings, {s.stem: cache.load_page_map(root, s.stem) for s in found.scopes}, args.copies,
                       checked.whole.chapter_ids)
    title = strings('permissions.report-title', title=config.title)
    out_dir = args.out.resolve() if args.out else root / 'dist'
    with staged_outputs(out_dir) as staged:
        staged.stage(out_dir / 'permissions.csv').write_text(report.csv_text(rows, strings), encoding='utf-8')
        staged.stage(out_dir / 'permissions.html').write_text(
            report.html_text(rows, found, strings, title, config.language), encoding='utf-8')
        written = staged.commit()
    print(report.table(rows, found, strings), file=stdout, end='')
    if not args.quiet:
        for path in written:
            print(f'wrote {_shown(path)}', file=stdout)
    return 0


def _guarded(work: Callable[[Progress], T], diagnostics: Diagnostics, args: argparse.Namespace, stderr: TextIO, *,
                summary: bool = True) -> T | None:
    """Run ``work(progress)``; report its diagnostics, and any internal error plainly; None on failure."""
    progress = progress_for(stderr, quiet=args.quiet)
    try:
        result = work(progress)
    except BuildError:
        progress.close()
        report(diagnostics, stderr, summary=summary)
        return None
    except KeyboardInterrupt:
        progress.close()
        raise
    except Exception as exc:  # an internal error: say so plainly, and show the traceback only on request
        progress.close()
        report(diagnostics, stderr, summary=summary)
        if args.debug:
            traceback.print_exc(file=stderr)
        print(f'coursepack: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)',
              file=stderr)
        return None
    progress.close()
    report(diagnostics, stderr, summary=False)
    return result


def report(diagnostics: Diagnostics, stream: TextIO, *, summary: bool = True) -> None:
    """Print the diagnostics in reading order, then, after a failed build, one line that counts them."""
    for diagnostic in diagnostics.sorted():
        print(diagnostic, file=stream)
    if summary and diagnostics.errors:
        print(f'coursepack: build failed: {_counts(diagnostics)}', file=stream)


def _new(target: Path, stdout: TextIO, stderr: TextIO) -> int:
    from .newbook import new_book

    try:
        new_book(target)
    except FileExistsError:
        print(f'coursepack: error: {target} already exists and is not empty; choose a new folder name', file=stderr)
        return 2
    print(f'created {target}: edit {target / "book.yaml"} first (see {target / "README.md"}), '
          f'then run: coursepack build {target}', file=stdout)
    return 0


def _counts(diagnostics: Diagnostics) -> str:
    return f'{len(diagnostics.errors)} error(s), {len(diagnostics.warnings)} warning(s)'


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
