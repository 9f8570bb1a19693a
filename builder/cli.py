"""The command line: ``coursepack build [BOOK_DIR] [--format …] [--out DIR] [--strict] [--debug]``.

Exit codes: 0 success, 1 build errors (or warnings with ``--strict``), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TextIO

from .diagnostics import BuildError, Diagnostics
from .pipeline import FORMATS, BuildOptions, build


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='coursepack', description='Build course packs from Markdown.')
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    b = commands.add_parser('build', help='build the PDF and EPUB into dist/')
    b.add_argument('book', nargs='?', default='.', type=Path, metavar='BOOK_DIR', help='the book folder (default: .)')
    b.add_argument('--format', choices=(*FORMATS, 'all'), default='all', help='which outputs to build')
    b.add_argument('--out', type=Path, metavar='DIR', help='output folder (default: BOOK_DIR/dist)')
    b.add_argument('--strict', action='store_true', help='treat warnings as errors')
    b.add_argument('--jobs', type=int, metavar='N',
                   help='processes that lay out the PDF (default: one per core, for books of 100 pages or more)')
    b.add_argument('--no-cache', action='store_true',
                   help='rebuild everything, ignoring and leaving alone BOOK_DIR/.coursepack-cache')
    b.add_argument('--debug', action='store_true', help='show tracebacks of internal errors')
    return parser


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
    formats = FORMATS if args.format == 'all' else (args.format,)
    if args.jobs is not None and args.jobs < 1:
        print('coursepack: error: --jobs must be 1 or more', file=stderr)
        return 2
    options = BuildOptions(formats=formats, out_dir=args.out.resolve() if args.out else None, strict=args.strict,
                           jobs=args.jobs, cache=not args.no_cache)
    try:
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
