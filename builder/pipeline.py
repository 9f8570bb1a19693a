"""One short function that runs the stages in order: load -> parse -> resolve -> render -> write."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .cite import resolve_citations
from .diagnostics import BuildError, Diagnostics
from .load import load
from .model import RenderedBook, ResolvedBook
from .parse import parse
from .render import render
from .resolve import resolve
from .stylesheets import check_stylesheets
from .paginate import paginate
from .write.atomic import staged_outputs
from .write import parallel_pdf
from .write.epub import write_epub
from .write.pdf import write_pdf

FORMATS = ('pdf', 'epub')


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None  # default: BOOK/dist
    strict: bool = False
    jobs: int | None = None  # processes laying out the PDF; None: one per core for books big enough to gain
    cache: bool = True  # skip what did not change since the last build (BOOK/.coursepack-cache)


def build(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> list[Path]:
    """Build the book in ``root``; raise :class:`BuildError` after collecting every problem."""
    out_dir = options.out_dir or root / 'dist'
    key = cache.builder_key(options)
    if options.cache:
        unchanged = cache.unchanged_build(root, out_dir, key)
        if unchanged is not None:
            diagnostics.extend(unchanged.diagnostics)
            return unchanged.outputs
    inputs = cache.signature(cache.book_files(root, (out_dir,)), root)
    book = load(root, diagnostics)
    parsed = parse(book, diagnostics)
    bibliography = resolve_citations(book, parsed, diagnostics, cache=options.cache)
    resolved = resolve(book.config, parsed, diagnostics, bibliography)
    check_stylesheets(root, diagnostics)
    _stop_on_errors(diagnostics, options)
    stem = book.config.output_stem
    with staged_outputs() as staged, contextlib.ExitStack() as stack:
        if 'pdf' in options.formats:
            rendered, pdf_written = _print(resolved, options, inputs, staged.stage(out_dir / f'{stem}.pdf'),
                                           diagnostics, stack)
        else:
            rendered, pdf_written = render(resolved), None
        if 'epub' in options.formats:  # while the PDF's parts are joined, if they are
            write_epub(rendered, staged.stage(out_dir / f'{stem}.epub'), diagnostics)
        if pdf_written:
            pdf_written()
        _stop_on_errors(diagnostics, options)
        written = staged.commit()
    if options.cache:
        cache.remember_build(root, key, inputs, written, diagnostics)
    return written


def _print(resolved: ResolvedBook, options: BuildOptions, inputs: cache.Signature, path: Path,
           diagnostics: Diagnostics, stack: contextlib.ExitStack) -> tuple[RenderedBook, Callable[[], None] | None]:
    """Lay out the PDF and write it, in parts on several cores when that pays, else as one document.

    Returns the rendered book, and when the PDF is still being written, a function that waits for it.
    """
    root = resolved.config.root
    jobs = options.jobs or os.cpu_count() or 1
    first = render(resolved)
    in_parts = jobs > 1 and parallel_pdf.can_lay_out_in_parts(first) and (
        options.jobs is not None or parallel_pdf.worth_laying_out_in_parts(first))
    guess = cache.load_page_map(root) if options.cache else None
    if not in_parts:
        result = paginate(resolved, diagnostics, guess)
        _stop_on_errors(diagnostics, options)
        assert result is not None
        rendered, document = result
        write_pdf(document, rendered, path, diagnostics)
        if options.cache and rendered.pages is not None:
            cache.save_page_map(root, rendered.pages)  # the next build's first guess at its page numbers
        return rendered, None
    folder = cache.cache_dir(root) / 'parts' if options.cache else Path(stack.enter_context(
        tempfile.TemporaryDirectory(prefix='coursepack-parts-')))
    store = cache.PartStore(folder, cache.assets_key(inputs, cache.builder_key('parts')))
    laid_out = parallel_pdf.lay_out_in_parts(resolved, diagnostics, jobs, store, guess)
    _stop_on_errors(diagnostics, options)
    assert laid_out is not None
    rendered, parts = laid_out
    if options.cache:
        cache.save_page_map(root, parts.page_map())  # the next build's guess at where its parts start
    joiner = stack.enter_context(ProcessPoolExecutor(1, mp_context=parallel_pdf.worker_context()))
    joined = joiner.submit(parallel_pdf.join_parts, parts, path)

    def pdf_written() -> None:
        for target in joined.result():
            diagnostics.warning('pdf-style', f'No anchor #{target} for internal URI reference')
        store.prune({part.key for part in parts.parts})

    return rendered, pdf_written


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions) -> None:
    if diagnostics.has_errors(strict=options.strict):
        raise BuildError(diagnostics)
