"""Lay the book out until the page numbers it prints are the pages it has.

Every page number the book prints besides its folios is printed from a
:class:`PageMap` read off a layout: "cited on pp. 3, 17", glossary uses
collapsed as "12, 34–36", the contents and "see p. 12" (``page_references.py``),
the EPUB page-list. Printing them can move text to other pages, so the book is
rendered and laid out again until what it prints no longer changes: once when
the last build's page map (the first guess) is still right, twice for most first builds (in
parts, the back matter once: ``parts.py``).

The loop is the same for both engines (``document.py``: the book as one
document; ``parts.py``: parts side by side); each engine says when its layout
is settled, and what a layout that never settles gives.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

from ..model import PageMap, RenderedBook, ResolvedBook
from ..memory import give_back_freed_memory
from ..render import render
from .page_estimate import EstimatedPageMap

MAX_PASSES = 4
UNSETTLED = 'pagination-unstable'  # the code of what an engine reports when the page numbers never settled


class LaidOutPages(Protocol):
    def page_map(self) -> PageMap:
        """The page (as the output counts its pages) on which each element id of the laid-out book begins."""
        ...


L = TypeVar('L', bound=LaidOutPages)


class Engine(Protocol, Generic[L]):
    """A way to lay the rendered book out; a context manager around all of its passes."""

    def __enter__(self) -> Engine[L]: ...

    def __exit__(self, *exc: object) -> None: ...

    def lay_out(self, rendered: RenderedBook, attempt: int) -> L | None:
        """The book laid out as rendered (from ``rendered.pages``), or None (with diagnostics) on errors."""
        ...

    def settled(self, laid_out: L, again: RenderedBook) -> bool:
        """Whether ``again``, rendered from the pages of ``laid_out``, would lay out the same."""
        ...

    def unsettled(self, rendered: RenderedBook, laid_out: L) -> tuple[RenderedBook, L] | None:
        """What to make of the last layout when the page numbers still moved after ``MAX_PASSES``."""
        ...


def settle(resolved: ResolvedBook, rendered: RenderedBook, engine: Engine[L]) -> tuple[RenderedBook, L] | None:
    """Lay ``resolved`` out with ``engine`` until its page numbers are stable; None (with diagnostics) on errors.

    ``rendered``: the book rendered from a first guess at its pages (the last build's, or an estimate), right or
    not.
    """
    with engine:
        laid_out: L | None = None
        for attempt in range(1, MAX_PASSES + 1):
            laid_out = engine.lay_out(rendered, attempt)
            if laid_out is None:
                return None
            pages = laid_out.page_map()
            laid_out_from = rendered if attempt == MAX_PASSES else None  # what a layout that never settles is of
            # Else the book is the same: an edit's one pass is not rendered again. Printed from estimated pages, even
            # right ones (a short handout's can be), it is: the parts engine takes no part laid out from them as final
            if pages != rendered.pages or isinstance(rendered.pages, EstimatedPageMap):
                del rendered  # let go before the next is made: two at once are 10 MB more at 824 pages
                give_back_freed_memory()
                rendered = render(resolved, pages)
            if engine.settled(laid_out, rendered):
                return rendered, laid_out
            if attempt == MAX_PASSES:
                break
            # Let this layout go before the next: two laid-out books in memory at once double the peak.
            laid_out = None
        assert laid_out is not None and laid_out_from is not None
        return engine.unsettled(laid_out_from, laid_out)
