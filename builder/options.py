"""What a build is asked for: the options of the command line, as one frozen value.

Its own module, light to import, so that the command line can tell that a book
is up to date (``cache.up_to_date``) without importing the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import BuildError, Diagnostics

if TYPE_CHECKING:
    from .cache import OutputCache
    from .kept_parses import KeptParses
    from .progress import Progress
    from .workers import Background

# The keys of the output registry (write/formats.py, which a test holds to them), and those of its formats
# printed from a layout (``needs_layout``), named here so that the command line starts without importing the
# writers: a build of one starts the layout's workers first (``cli.py``).
FORMATS = ('pdf', 'epub', 'html')
LAID_OUT = ('pdf',)


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
    jobs: int | None = None  # processes laying out a PDF; None: one per core, for books big enough to gain
    cache: bool = True  # skip what did not change since the last build (BOOK/.coursepack-cache)


@dataclass(frozen=True)
class Build:
    """What every stage of a build is given: what was asked, where problems go, how far it got, what it keeps."""

    options: BuildOptions
    diagnostics: Diagnostics
    progress: Progress
    cache: OutputCache | None = None  # None when checking: nothing is laid out
    # Written while the PDF lays out (``write/ahead.py``): the writers' processes yield the CPU to the layout's,
    # and are stopped if the layout moves the pages they print
    background: Background | None = None
    # The processes that lay out this output's parts, when other outputs are laid out at once (``pipeline.py``);
    # None: ``--jobs``, else one per core
    part_workers: int | None = None
    # The chapters parsed by this process's earlier builds (``coursepack watch``); None: every chapter is parsed
    parses: KeptParses | None = None

    def fonts_folder(self) -> Path | None:
        """Where font subsets and merged fonts are kept between builds; None without a cache."""
        return self.cache.fonts_folder() if self.cache else None

    def documents_folder(self, name: str) -> Path | None:
        """Where the documents of the output file ``name`` (an EPUB, a web edition) are kept between builds; None
        without a cache."""
        return self.cache.documents_folder(name) if self.cache else None

    def contents_folder(self) -> Path | None:
        """Where a PDF's compressed page contents are kept between builds; None without a cache."""
        return self.cache.contents_folder() if self.cache else None

    def stop_on_errors(self) -> None:
        """Raise :class:`BuildError` if there are errors (or, with ``--strict``, warnings)."""
        if self.diagnostics.has_errors(strict=self.options.strict):
            raise BuildError(self.diagnostics)
