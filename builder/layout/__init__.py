"""Stage 6, lay out: a rendered book -> pages, read back as a page map, until the page numbers it prints settle.

- ``settle.py``: the loop, once: render from a page map, lay out, read the page
  map off the layout, until what the book prints no longer changes.
- Its two engines: ``document.py``, the book as one WeasyPrint document;
  ``parts.py``, parts laid out side by side by a pool of processes (kept in
  ``parts_cache.py``), for a book of one edition and two chapters or more,
  and any long book: side by side, a first build takes less time, and an
  edit lays out again only the part it is in (and the pages that list it).
- What both lay out: ``print_document.py`` (the print HTML and its post-passes,
  ``breaks.py``), page references printed from the page map
  (``page_references.py``), the first guess at the pages (``page_estimate.py``).
- What every PDF of the layout is written with: ``identity.py``,
  ``font_subsets.py``; and joined from parts: ``shared_fonts.py``, the
  folios drawn apart from the parts, ``furniture.py``, and the numbers of
  their page references, stamped in, ``stamped_digits.py``.
- The page numbers of a book not laid out now (an EPUB alone): ``known_pages.py``.
- WeasyPrint's log as diagnostics: ``weasyprint_log.py``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import RenderedBook, ResolvedBook
from ..options import Build
from ..render import render
from .document import LaidOutDocument, OneDocument
from .page_estimate import estimated_page_map
from .parts import InParts, LaidOutParts, can_lay_out_in_parts
from .parts_cache import PartStore
from .settle import settle


@dataclass(frozen=True)
class LaidOut:
    """A book laid out with settled page numbers: its rendering (printed from them), and its pages."""

    rendered: RenderedBook
    layout: LaidOutDocument | LaidOutParts | None  # None: only rendered, for writers that need no pages


def first_rendering(resolved: ResolvedBook, stem: str, build: Build) -> RenderedBook:
    """The rendering a layout of ``stem`` starts from: printed from the last build's page map of the same output,
    or, without one or after a change that moves every page (paper, stylesheets: ``OutputCache.first_guess``),
    from pages estimated from the text (``page_estimate.py``)."""
    assert build.cache is not None  # a build, not a check
    # Renderings are not kept here: ``settle`` lets each go once it has the next (10 MB each at 824 pages).
    return render(resolved, build.cache.first_guess(stem, resolved.config) or estimated_page_map(render(resolved)))


def lay_out(resolved: ResolvedBook, stem: str, build: Build, stack: contextlib.ExitStack,
            meanwhile: Callable[[RenderedBook], None] | None = None,
            first: list[RenderedBook] | None = None) -> LaidOut | None:
    """Lay one output (``stem``) out; None (with diagnostics) on errors. Laid out in parts, ``meanwhile`` is given
    the rendering of the pass likely to be the last, as the workers start on it (``parts.InParts``).

    An EPUB alone is not laid out: it takes its page numbers from the last
    layout when that was of the same book (``known_pages.py``). A whole book of one edition, or a long one, is laid
    out in parts on several cores (``parts.py``). The layout starts from the rendering in ``first``
    (``first_rendering``, made here when not given): printed from the last build's page map, it is the last
    rendering when that map is right, and one layout is enough. It is handed over in a list, which this empties:
    no caller then holds it while ``settle`` lets each rendering go for the next (10 MB each at 824 pages).
    """
    options, cache = build.options, build.cache
    assert cache is not None  # a build, not a check
    jobs = build.part_workers or options.jobs or os.cpu_count() or 1
    laid_out: tuple[RenderedBook, LaidOutDocument | LaidOutParts] | None
    # --jobs 1: one document; else parts, when the book can be laid out in parts.
    if options.jobs != 1 and can_lay_out_in_parts(resolved):
        build.progress.stage('lay out in parts')
        folder = cache.parts_folder(stem) or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix='coursepack-parts-')))
        # A part is made of its HTML, and of the images it shows and the files the print stylesheet names: those
        # in no folder of the build's inputs are in no other key
        named = sorted({*resolved.images, *cache.stylesheet_files['print']})
        store = PartStore(folder, cache.parts_salt(named))
        engine = InParts(resolved, build.diagnostics, build.progress, jobs, store, meanwhile)
        in_parts = settle(resolved, _handed(first) or first_rendering(resolved, stem, build), engine)
        if in_parts is not None:
            in_parts = (in_parts[0], engine.joinable(*in_parts))  # numbers and folios, drawn as the parts are joined
            parts = in_parts[1]
            kept = {template.kept.stem for template in (engine.template, engine.blank) if template}  # or what refused
            store.prune({part.key for part in parts.parts} | kept | parts.refused
                        | set(engine.template_keys.values()))
            store.remember_documents(engine.documents_digests(in_parts[0]))
        laid_out = in_parts
    else:
        laid_out = settle(resolved, _handed(first) or first_rendering(resolved, stem, build),
                          OneDocument(build.diagnostics, build.progress))
    if laid_out is None:
        return None
    if laid_out[0].pages is not None:
        cache.save_page_map(stem, laid_out[0].pages, resolved.config)
    return LaidOut(*laid_out)


def _handed(first: list[RenderedBook] | None) -> RenderedBook | None:
    return first.pop() if first else None
