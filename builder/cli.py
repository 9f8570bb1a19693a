"""The command line.

``coursepack build [BOOK_DIR]`` builds every edition of the book;
``coursepack handouts [BOOK_DIR] [--chapter ID …]`` builds one handout per chapter.
Both take ``--format``, ``--edition``, ``--out``, the print-shop options
(``--paper``, ``--simplex``/``--duplex``, ``--bleed``, ``--crop-marks``),
``--strict`` and ``--debug``.

Exit codes: 0 success, 1 build errors (or warnings with ``--strict``), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TextIO

from . import cache
from .diagnostics import BuildError, Diagnostics
from .options import FORMATS, BuildOptions


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='coursepack', description='Build course packs from Markdown.')
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    b = commands.add_parser('build', help='build the PDF and EPUB of every edition into dist/')
    h = commands.add_parser('handouts', help='build one handout per chapter into dist/handouts/')
    h.add_argument('--chapter', action='append', default=[], metavar='ID',
                   help='the id of a chapter to make a handout of (repeatable; default: every chapter)')
    h.add_argument('--booklet', action='store_true', default=None,
                   help='impose the PDF as a folded, stapled booklet (book.yaml: handouts: booklet)')
    for command in (b, h):
        command.add_argument('book', nargs='?', default='.', type=Path, metavar='BOOK_DIR',
                             help='the book folder (default: .)')
        command.add_argument('--format', choices=(*FORMATS, 'all'), default='all', help='which outputs to build')
        command.add_argument('--edition', action='append', default=[], metavar='NAME',
                             help='build this edition only (repeatable; default: build: every edition, '
                             'handouts: the first)')
        command.add_argument('--out', type=Path, metavar='DIR', help='output folder (default: BOOK_DIR/dist)')
        shop = command.add_argument_group('print-shop options (override book.yaml)')
        shop.add_argument('--paper', type=_checked('check_paper'), help='a4, letter, a5, or "WIDTH HEIGHT"')
        sides = shop.add_mutually_exclusive_group()
        sides.add_argument('--duplex', dest='sides', action='store_const', const='duplex',
                           help='two-sided: chapters open on a right-hand page')
        sides.add_argument('--simplex', dest='sides', action='store_const', const='simplex',
                           help='one-sided: no blank pages')
        shop.add_argument('--bleed', type=_checked('check_length'), metavar='LENGTH', help='bleed, such as 3mm')
        shop.add_argument('--crop-marks', action='store_true', default=None, help='print crop marks')
        command.add_argument('--strict', action='store_true', help='treat warnings as errors')
        command.add_argument('--jobs', type=int, metavar='N', help='processes that lay out the PDF '
                             '(default: one per core, for books of about 100 pages or more)')
        command.add_argument('--no-cache', action='store_true',
                             help='rebuild everything, ignoring and leaving alone BOOK_DIR/.coursepack-cache')
        command.add_argument('--debug', action='store_true', help='show tracebacks of internal errors')
    return parser


def _checked(check_name: str):  # type: ignore[no-untyped-def]
    """An argparse type that validates a value as book.yaml would (``config.<check_name>``)."""
    def value(text: str) -> str:
        from . import config  # here: the command line starts without the build's modules

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
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    root = args.book.resolve()
    if not (root / 'book.yaml').is_file():
        print(f'coursepack: error: {args.book} is not a book folder (no book.yaml)', file=stderr)
        return 2
    diagnostics = Diagnostics()
    if args.jobs is not None and args.jobs < 1:
        print('coursepack: error: --jobs must be 1 or more', file=stderr)
        return 2
    options = build_options(args)
    unchanged = cache.up_to_date(root, options) if options.cache else None
    if unchanged is not None:  # answered before the pipeline, and its libraries, are imported
        diagnostics.extend(unchanged.diagnostics)
        report(diagnostics, stderr)
        for path in unchanged.outputs:
            print(f'up to date: {_shown(path)}', file=stdout)
        return 0
    try:
        from .pipeline import build

        written = build(root, options, diagnostics)
    except BuildError:
        report(diagnostics, stderr)
        return 1
    except Exception as exc:  # an internal error: say so plainly, and show the traceback only on request
        report(diagnostics, stderr)
        if args.debug:
            traceback.print_exc(file=stderr)
        print(f'coursepack: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)',
              file=stderr)
        return 1
    report(diagnostics, stderr)
    for path in written:
        print(f'wrote {_shown(path)} ({path.stat().st_size / 1024:,.0f} KiB)', file=stdout)
    return 0


def report(diagnostics: Diagnostics, stream: TextIO) -> None:
    for diagnostic in diagnostics.sorted():
        print(diagnostic, file=stream)
    if diagnostics.errors:
        print(f'coursepack: build failed: {len(diagnostics.errors)} error(s), {len(diagnostics.warnings)} warning(s)',
              file=stream)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
