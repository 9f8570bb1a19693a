"""The parts engine: the book laid out in parts, several at a time, to be joined into one PDF.

WeasyPrint lays one document out on one core (about 22 A4 pages a second) and
holds all of it in memory (about 0.6 MiB a page). Cut between chapters, the
book becomes parts that a pool of processes lays out side by side, each
process holding one part, and that a rebuild takes from the cache
(``parts_cache.PartStore``) when what decides their layout did not change.

What a part cannot know by itself comes from a page map of the whole book:

* its first page number, which decides its folios: drawn apart and laid
  over the joined pages (``furniture.py``), or, when the book's stylesheet
  prints its own, set by ``@page :first { counter-reset: page N }``. Chapters
  open on right-hand pages, so every part after the front matter starts on
  an odd page, and the blank left-hand page before it, if any, is added when
  the parts are joined (``:blank`` pages print nothing);
* the page of every place it links to where a number is printed, which the
  whole book prints from the page map too (``page_references.py``). A part
  is laid out with placeholder digits there, and the numbers are stamped in
  as the parts are joined (``stamped_digits.py``): its layout depends on how
  many digits each number has, not on which.

The page map is the previous build's, or on a first build one estimated from
the text; as for the whole book (``settle.py``), parts are laid out again until
the page map they print is the one they produce. A first build goes:

1. the front matter and the chapters, side by side, to count their pages;
   a part whose page-dependent text is only its page references' numbers is
   final (its folios are drawn apart, ``furniture.py``, and its numbers
   stamped in), if its numbers have the digits estimated: each part prints
   the pages of the parts laid out before it, the others estimated. The
   front matter waits for the parts around the book's last power of ten
   (p. 100 of an 800-page book), whose estimated numbers may have the wrong
   number of digits, and so prints their real pages (``front_after``);
2. the parts whose numbers came out with other digits, or that print other
   pages, side by side with the back matter, laid out for the first time, so
   that it prints the chapters' pages (glossary, "cited on", index); printed
   one-sided, or with the book's own folios, its parts one after the other,
   each from where the one before it ends, so that each starts on the side
   and page it is on. The back-matter parts at the end that list pages of the
   back matter before them (the bibliography's "cited on" pages in the
   chronology) wait in this pass until those are laid out, and are then laid
   out from their pages: a pass of their own would wait for the slowest part
   of this one;
3. only if the contents' numbers still have other digits than the second
   pass printed them with (a back-matter page estimated on one side of p. 100,
   laid out on the other), the contents again.

Where a part starts does not matter, nor what its page references' numbers
are: a part printed the same but for them is not laid out again when an edit
before it moves it to other pages.

The PDF writer joins the parts' PDFs into the book (``write/pdf.py``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import hashlib
import logging
import math
import operator
import pickle
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..blocks import without_block_destinations
from ..dates import build_timestamp
from ..diagnostics import Diagnostics
from ..model import PageMap, PageNumbering, RenderedBook, ResolvedBook
from ..printshop import FOLIO_ANCHOR
from ..progress import Progress
from ..render import render
from ..workers import process_pool
from .font_subsets import dated_subsets
from .furniture import FolioTemplate, Folios, blank_template, book_folios, folio_template, folios_apart
from .identity import pdf_identifier
from .document import page_map
from .page_contents import compressed_for_the_join
from .page_estimate import EstimatedPageMap
from .page_references import (PagePlaceholders, all_page_references_rewritten,
                              printed_numbers, slotted, with_pages, without_numbers)
from .parsed_styles import laid_out
from .parts_cache import PartResult, PartStore
from .print_document import generated_files, print_html
from .settle import MAX_PASSES, UNSETTLED
from .stamped_digits import can_stamp, find_slots, number_boxes
from .weasyprint_log import UNLINKED, collected_messages, report_messages

# Chapter XHTML per part: about four A4 pages of prose. An edit lays out its part again, so a chapter that long
# is a part of its own and an edit lays out its chapter alone; shorter chapters go in runs, as each part has costs
# of its own: about 0.05 s of a worker in a first build (its document, its fonts), a few milliseconds of the join
# in every build (the part opened, its outline, its fonts merged). Measured against 50 k (runs of two chapters at
# 207 and 824 pages), alternating: the 207-page book's edit 2.1-2.7 s against 2.5-3.4 s, its first build about
# 5 % longer (33 parts against 19); the 824-page book's first build 5-10 % longer (133 parts against 69), its edit
# no shorter (4.2-6.0 s against 4.8-6.5 s): the join's share of the parts grew as much as the part shrank.
PART_BYTES = 20_000
# Chapter parts at least: a book of up to eight chapters has one a part, so that an edit lays out its chapter
# alone (the 50-page benchmark book's edit: 2.0 -> 1.7 s, its first build 0.1 s slower, a few parts more).
MIN_PARTS = 8
PX = 0.75  # CSS px -> PDF pt
# An estimated page within a tenth of a power of ten (91 to 110) may have another number of digits when laid out
NEAR_A_POWER = 1.1

def can_lay_out_in_parts(resolved: ResolvedBook) -> bool:
    """Whether the book's editions, or a handout of it, can be laid out in parts, as they are whenever they can:
    parts need two chapters (or a handout's one), no PDF standard, and stylesheets whose page
    references can read ``data-page``. Decided by the book alone, never by the machine's cores or the page numbers,
    so that the same book gives the same bytes everywhere.

    A short book of several editions was laid out as one document an edition, the editions side by side; in parts,
    one edition after the other, the course pack (57 pages, two editions) builds in 9.7 s instead of 13.0 s, 14.7 s
    of CPU instead of 24.3 s, its largest process 182 MiB instead of 303 MiB, and an edit in 3.8 s instead of 8.2 s:
    a document laid out whole is laid out again, all of it, until the page numbers it prints settle."""
    if resolved.selected.is_handout:
        # Its chapter with its heading block one part, each back-matter document another: each laid out once (but a
        # bibliography that lists pages of the chronology's, which waits for them), where one document was laid out
        # twice (from estimated pages, then from its chapter's). Not a handout that keeps
        # the course pack's page numbers: parts count their pages from 1 (their join, the folios drawn apart), such
        # a handout's page map from its first; decided for all of the book's handouts, not by each one's first page.
        if resolved.config.handouts.page_numbers == 'course-pack':
            return False
    elif len(resolved.chapters) < 2:
        return False
    if resolved.config.pdf_standard:  # a tagged PDF's structure tree is not joined: each part has its own
        return False
    return all_page_references_rewritten(resolved.config.root)


@dataclass(frozen=True)
class LaidOutParts:
    parts: tuple[PartResult, ...]  # the first parts of the plan: all of them, but on a first pass
    starts: tuple[int, ...]  # the page (as the page map counts it) each part starts on
    rest: PageMap = field(default_factory=PageMap)  # the pages of the parts not laid out yet, estimated
    folios: Folios | None = None  # drawn over the joined parts, when the parts print none (``furniture.py``)
    numbers: tuple[list[str], ...] = ()  # of each part laid out from placeholders: its page references' numbers
    # The layouts from placeholders that could not take the numbers of the parts then laid out with them (a part
    # whose few numbers draw few digits): kept with the parts, they tell the next build so, which would otherwise lay
    # each such part out from placeholders again to find out
    refused: frozenset[str] = frozenset()
    blank: FolioTemplate | None = None  # the blank page the join adds before a part, printed on both sides

    def page_map(self) -> PageMap:
        pages: dict[str, int] = {}
        for part, start in zip(self.parts, self.starts):
            for anchor, page in part.anchors.items():
                pages.setdefault(anchor, start + page - 1)
        return PageMap({**self.rest, **pages})


class InParts:
    """Settled when every part's HTML, printed from the pages the parts produce, is the one laid out and written.

    A part laid out before is not laid out again: the last pass's, or the
    cache's (``store``). Unsettled, the build fails: build with ``--jobs 1``.
    """

    def __init__(self, resolved: ResolvedBook, diagnostics: Diagnostics, progress: Progress, jobs: int,
                 store: PartStore, meanwhile: Callable[[RenderedBook], None] | None = None) -> None:
        self.resolved = resolved
        self.meanwhile = meanwhile  # given the rendering of a pass likely to be the last
        self.diagnostics = diagnostics
        self.progress = progress
        self.jobs = jobs
        self.store = store
        self.plan: list[tuple[int, ...]] = []  # made from the first rendering
        self.done: list[PartResult | None] = []
        self.front_waits = False  # the last pass left the back matter out
        self.htmls_of: RenderedBook | None = None
        self.htmls: dict[tuple[int, int, bool], str] = {}  # (part, start, folios apart) -> ``html``
        self.templates: dict[int, tuple[tuple, str, list[str]]] = {}  # part -> (made of, ``part_template``)
        self.template_keys: dict[int, str] = {}  # part -> the key of its last template (``kept_template``)
        self.signed: tuple[RenderedBook | None, str] = (None, '')  # a rendering, and the hash of all but its documents
        self.template: FolioTemplate | None = None  # of the folios, when drawn apart or found unstampable
        self.blank: FolioTemplate | None = None  # the blank pages before parts that start on a right-hand page
        self.last_documents: set[str] | None = None  # read once: ``made_of_the_same``
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> InParts:
        # A fresh process for each part (forked from the server, so cheap): Python keeps the memory
        # of a part laid out before, and a worker's peak would be its two largest parts, not one.
        self.workers = self.stack.enter_context(process_pool(self.jobs, max_tasks_per_child=1))
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)  # type: ignore[arg-type]

    def lay_out(self, rendered: RenderedBook, attempt: int) -> LaidOutParts | None:
        self.progress.item(f'pass {attempt}')
        duplex = rendered.config.sides != 'simplex'
        template_made: Future[bool] | None = None
        blank_made: Future[None] | None = None
        if not self.plan:
            self.plan = plan_parts(rendered)
            documents = rendered.documents
            last_chapter = max(i for i, d in enumerate(documents) if d.kind == 'chapter')
            self.back = next((i for i, part in enumerate(self.plan) if part[0] > last_chapter), len(self.plan))
            self.done = [None] * len(self.plan)
            self.identifier = pdf_identifier(rendered.config)
            self.apart = folios_apart(rendered.config.root)
            if self.apart:  # laid out beside the first parts, unless kept: it depends on the page rules alone
                self.template = folio_template(rendered, self.identifier,
                                               lambda html: self.store.folder / f'{self.store.key(html)}.folios')
                if self.template.refused.is_file():
                    self.print_folios()
                elif not self.template.kept.is_file():
                    template_made = self.workers.submit(self.template.made)
            if duplex:  # the join's blank pages: laid out once, beside the first parts
                self.blank = blank_template(rendered, self.identifier,
                                            lambda html: self.store.folder / f'{self.store.key(html)}.blank')
                if not self.blank.kept.is_file():
                    blank_made = self.workers.submit(self.blank.keep)
        pages = rendered.pages
        assert pages is not None  # rendered from the guess, then from each layout
        # From estimated pages, the first pass counts pages: what it would write is final only for the parts that
        # print no page number but their page references' (stamped in after). It leaves the back matter out: that
        # prints the chapters' pages (glossary, "cited on", index), which would all be wrong, and nothing before it
        # depends on its length. The contents, which print the back matter's pages, keep their first layout unless
        # their numbers have other digits in the next pass (the chapters' pages known, the back matter's estimated
        # from where the chapters end): then they are laid out again in it, beside the back matter, not in a
        # third pass of their own after it (at 824 pages, a contents entry from p. 99 to p. 100: 6 s).
        write = not isinstance(pages, EstimatedPageMap)
        front_waits, self.front_waits = self.front_waits, not write
        starts = [1 if i == 0 else pages.get(rendered.documents[part[0]].id, 1) for i, part in enumerate(self.plan)]
        count = self.back
        if write:  # on the back matter's first layout, its last parts may wait for the pages of the others
            count = self.first_waiting(rendered, starts) if front_waits else len(self.plan)
        side_by_side = list(range(min(count, self.back)))
        # A part that prints no page number but its references' is final from the first pass: its folios are drawn
        # apart, its numbers stamped in.
        writes = set(range(count)) if write else self.final_from_the_start(rendered, starts, side_by_side)
        back = list(range(self.back, count))
        if self.apart and duplex:  # every part starts on a right-hand page, and its folios are drawn apart
            side_by_side, back = side_by_side + back, []
        if write:
            side_by_side.sort(key=self.made_of_the_same(rendered).__contains__)
        meanwhile = None
        if write and self.meanwhile and (not front_waits or self.back == len(self.plan)):
            # Printed from the pages of a layout of every part (an edit's first pass, from the last build's; the
            # pass after one from estimated pages only when the book has no back matter, which that one left out),
            # the pages are likely final: work that needs no layout can start from them, once the parts to lay out
            # are with the workers (begun before, it slowed the making of their HTML: an edit's part waited for it).
            meanwhile = functools.partial(self.meanwhile, rendered)
        # Parts that wait for the pages of the others are laid out in this pass all the same, as soon as those are.
        waiting = list(range(count, len(self.plan))) if write else []
        after = {} if write else self.front_after(rendered, starts, writes, side_by_side)
        self.run(rendered, starts, side_by_side, back, writes | set(waiting), duplex, waiting, meanwhile, after)
        if template_made is not None and not template_made.result():
            self.print_folios()  # this pass's parts, which print none, are laid out again in the next
        if blank_made is not None:
            blank_made.result()
        if write:  # every part, those that waited too
            count = len(self.plan)
        results = tuple(r for r in self.done[:count] if r is not None)
        if any(level >= logging.ERROR for r in results for level, _ in r.messages):
            report_messages((m for r in results for m in r.messages), self.diagnostics)
            return None
        laid_out = joined_starts(results, duplex)
        rest = PageMap()
        if count < len(self.plan):
            ending = following_start(laid_out[-1], results[-1], duplex)
            rest = estimated_rest(rendered, self.plan[count][0], pages, ending)
        # This pass's documents are not needed again: the next pass's are made from the next rendering
        # (``settled``). Let go, they are not in memory beside it (20 MB at 824 pages, with the rendering).
        self.htmls_of, self.htmls, self.signed = None, {}, (None, '')
        return LaidOutParts(results, laid_out, rest)

    def made_of_the_same(self, rendered: RenderedBook) -> set[int]:
        """The parts made of the same documents as one of the last build's: the others (an edit's) are looked up and
        laid out first. Each part's HTML is made to be looked up in the cache, in the order of the parts: the
        824-page book's edited chapter, in its 34th part of 69, was sent to a worker 0.4 s after the first."""
        if self.last_documents is None:
            self.last_documents = self.store.last_documents()
        return {part for part, digest in enumerate(self.documents_digests(rendered))
                if digest in self.last_documents}

    def documents_digests(self, rendered: RenderedBook) -> list[str]:
        """The hash of each part's documents (0.02 s for the 824-page book's)."""
        return [documents_digest(rendered, part) for part in self.plan]

    def print_folios(self) -> None:
        """The folios cannot be drawn apart (``FolioTemplate.made``): the parts print their own, as when the book's
        stylesheet prints them."""
        self.apart = False  # its template kept all the same, as refused (``made``)

    def final_from_the_start(self, rendered: RenderedBook, starts: list[int], parts: list[int]) -> set[int]:
        """Of ``parts``, rendered from estimated pages, those that print no page number but their page references'
        (stamped in after): the same HTML, those aside, when every page moves on by two. With their folios drawn
        apart, their first layout is their last, if the numbers have as many digits as estimated."""
        if not self.apart:
            return set()
        pages = rendered.pages
        assert pages is not None
        moved = render(self.resolved, EstimatedPageMap({anchor: page + 2 for anchor, page in pages.items()}))
        return {part for part in parts if self.prints_no_other_page(rendered, moved, part, starts[part])}

    def front_after(self, rendered: RenderedBook, starts: list[int], writes: set[int],
                    side_by_side: list[int]) -> dict[int, set[int]]:
        """From estimated pages, the parts that the front matter's part is laid out after: those up to the pages
        around the last power of ten the book reaches, whose estimated numbers may have the wrong number of digits.
        After them, the contents print their real pages (``known_so_far``), and their first layout is their last:
        the 824-page book's contents part (20 pages, 4.8 s) was laid out again in the next pass for an entry
        estimated on p. 99 and laid out on p. 100."""
        pages = rendered.pages
        assert pages is not None
        first_chapter = next(i for i, d in enumerate(rendered.documents) if d.kind == 'chapter')
        if 0 not in writes or self.plan[0][0] >= first_chapter:  # no front matter, or not final from the start
            return {}
        number = rendered.numbering.number  # the body's pages from 1
        end = number(max(pages.values(), default=1))
        powers = [10 ** digits for digits in range(1, len(str(end)) + 1) if 10 ** digits / NEAR_A_POWER <= end]
        if not powers:
            return {}
        return {0: {part for part in side_by_side if part and number(starts[part]) <= powers[-1] * NEAR_A_POWER}}

    def first_waiting(self, rendered: RenderedBook, starts: list[int]) -> int:
        """The first of the back-matter parts at the end that print pages of the back matter before them (the
        bibliography's "cited on" pages in the chronology), on the back matter's first layout, when those pages are
        estimates: they wait until those are laid out (``run``)."""
        first = len(self.plan)
        if self.back + 1 >= first:  # no back-matter part has another before it
            return first
        pages = rendered.pages
        assert pages is not None
        opening = starts[self.back]
        moved = render(self.resolved, PageMap({anchor: page + 2 * (page >= opening) for anchor, page in pages.items()}))
        # The numbers too: stamped in, numbers printed from estimated pages do only if their runs of pages and
        # digits are the real ones, rarely (the 207-page book's bibliography was laid out a third time, 1.5 s)
        while first - 1 > self.back and not self.same_documents(rendered, moved, first - 1):
            first -= 1
        return first

    def same_documents(self, rendered: RenderedBook, moved: RenderedBook, part: int) -> bool:
        """Whether part ``part``'s documents are the same in both renderings, the page numbers they print too."""
        return all(rendered.documents[i] == moved.documents[i] for i in self.plan[part])

    def prints_no_other_page(self, rendered: RenderedBook, moved: RenderedBook, part: int, start: int) -> bool:
        """Whether part ``part`` prints the same, its page references' numbers aside (stamped in), when rendered
        from the pages of ``moved``, which moved on by two."""
        if self.same_documents(rendered, moved, part):
            # The same documents: the part's HTML differs in its page references' numbers alone, and its layout
            # is made again anyway if it does not (``settled``). Making both HTMLs to compare them took 1.2 s of
            # the 824-page book's first build, before its first part was laid out.
            return True
        return without_numbers(self.html(rendered, part, start)) == without_numbers(
            part_html(moved, self.plan[part], start, self.apart))

    def submit(self, rendered: RenderedBook, part: int, start: int, write: bool,
               pages: PageMap | None = None) -> Future[PartResult] | None:
        """Lay part ``part`` out from page ``start`` in a worker, unless this pass's, the last pass's or the
        cache's layout of the same HTML will do; with ``pages``, its page references printed from those."""
        html = self.layout_html(rendered, part, start, pages)
        key = self.store.key(html)
        previous = self.done[part]
        if previous and previous.key == key and (previous.pdf or not write):
            return None
        self.done[part] = self.store.get(key)
        if self.done[part] is not None:
            return None
        self.progress.item(f'part {part + 1} of {len(self.plan)}')
        return self.workers.submit(lay_out_part, key, html, rendered.config.root, generated_files(rendered),
                                   self.store.pdf_path(key) if write else None, self.identifier,
                                   build_timestamp(rendered.config))

    def run(self, rendered: RenderedBook, starts: list[int], side_by_side: list[int], chain: list[int],
            writes: set[int], duplex: bool, waiting: list[int], meanwhile: Callable[[], None] | None,
            after: dict[int, set[int]]) -> None:
        """Lay out the parts ``side_by_side`` in their order, each once the parts it comes ``after`` are laid out,
        and the back matter's (``chain``) one after the other, each from the page where the one before it ends
        (from estimated pages, its parts would start where they should only by chance). The chain takes the first
        free worker: it is the longest path through the pass. Each part ``waiting`` is laid out once every part
        before it is, printed from their pages. ``meanwhile`` is called once the workers are busy, before the first
        wait."""
        running: dict[Future[PartResult], int] = {}
        chain_running = False
        # From estimated pages, sorted once a pass for ``known_so_far`` (filtering every anchor for each part, 66
        # times over 69 parts, took 0.8 s of the build's own CPU on the 824-page book's first build)
        estimate = AnchorsByPage.of(rendered.pages) if isinstance(rendered.pages, EstimatedPageMap) else None
        while side_by_side or chain or running or waiting:
            if waiting and len(running) < self.jobs and not any(part < waiting[0] for part in running.values()) \
                    and all(self.done[part] is not None for part in range(waiting[0])):
                part = waiting.pop(0)
                before = tuple(result for result in self.done[:part] if result is not None)
                before_starts = joined_starts(before, duplex)
                now, start = self.printed_after(rendered, part, before, before_starts, duplex)
                future = self.submit(now, part, start, True)
                if future is not None:
                    running[future] = part
                continue
            while chain and not chain_running and len(running) < self.jobs:
                part = chain.pop(0)
                if part > self.back:
                    previous = self.done[part - 1]
                    assert previous is not None  # laid out before it, in this pass or an earlier one
                    starts[part] = following_start(starts[part - 1], previous, duplex)
                future = self.submit(rendered, part, starts[part], part in writes)
                if future is not None:
                    running[future], chain_running = part, True
            while side_by_side and len(running) < self.jobs:
                part = next((part for part in side_by_side
                             if all(self.done[before] is not None for before in after.get(part, ()))),
                            None if running else side_by_side[0])
                if part is None:  # until a part it comes after is laid out
                    break
                side_by_side.remove(part)
                # From estimated pages, a part final from the start prints its page references from what is known
                pages = self.known_so_far(estimate, duplex) if estimate is not None and part in writes else None
                future = self.submit(rendered, part, starts[part], part in writes, pages)
                if future is not None:
                    running[future] = part
            if meanwhile is not None:
                meanwhile, started = None, meanwhile
                started()
            if running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    part = running.pop(future)
                    self.done[part] = future.result()
                    if part in writes:
                        self.store.put(self.done[part])
                    chain_running = chain_running and part < self.back
        if meanwhile is not None:  # nothing to lay out
            meanwhile()

    def printed_after(self, rendered: RenderedBook, part: int, results: tuple[PartResult, ...],
                      starts: tuple[int, ...], duplex: bool) -> tuple[RenderedBook, int]:
        """The book rendered from the pages of the parts laid out before ``part`` (``results``, from ``starts``)
        and, where those end, the estimated pages of the others; and the page ``part`` starts on."""
        start = following_start(starts[-1], results[-1], duplex)
        pages = rendered.pages
        assert pages is not None
        rest = estimated_rest(rendered, self.plan[part][0], pages, start)
        return render(self.resolved, LaidOutParts(results, starts, rest).page_map()), start

    def settled(self, laid_out: LaidOutParts, again: RenderedBook) -> bool:
        stable = len(laid_out.parts) == len(self.plan) and all(
            r.pdf and r.key == self.store.key(self.layout_html(again, i, start))
            for i, (r, start) in enumerate(zip(laid_out.parts, laid_out.starts)))
        if stable:  # every part parses the same stylesheets: each message once
            report_messages((m for r in laid_out.parts for m in r.messages), self.diagnostics)
        return stable

    def html(self, rendered: RenderedBook, part: int, start: int, pages: PageMap | None = None) -> str:
        """The print document of part ``part`` (``part_html``), kept for the rendering it was made from: the
        rendering that says whether a layout is settled is the one the next pass lays out. With ``pages``, the
        rendering's document with the page references of those pages instead."""
        if self.htmls_of is not rendered:
            self.htmls_of, self.htmls = rendered, {}
        if pages is None and (part, start, self.apart) in self.htmls:
            return self.htmls[part, start, self.apart]
        # Made once for the same documents, first page, folios (marked or printed) and numbering of its own pages:
        # a pass that moves pages writes in their numbers.
        made = (tuple(rendered.documents[i] for i in self.plan[part]), start, self.apart,
                own_numbering(rendered, self.apart))
        if part not in self.templates or self.templates[part][0] != made:
            self.templates[part] = (made, *self.kept_template(rendered, part, start))
        _, template, targets = self.templates[part]
        # Kept with this rendering's documents, equal to those it was made of: holding those would keep an earlier
        # rendering's bodies alive beside this one's (10 MB at 824 pages).
        self.templates[part] = (made, template, targets)
        if pages is not None:
            return with_pages(template, targets, pages, rendered.numbering.on(pages))
        self.htmls[part, start, self.apart] = with_pages(template, targets, rendered.pages, rendered.numbering)
        return self.htmls[part, start, self.apart]

    def kept_template(self, rendered: RenderedBook, part: int, start: int) -> tuple[str, list[str]]:
        """``part_template``, kept by what it is made of: the part's documents, where it starts, its folios drawn
        apart or not, and the rest of the rendering (its headings for the contents, the book's settings, the
        figures) but the pages; the store's salt adds the builder, the styles and the images."""
        if self.signed[0] is not rendered:
            self.signed = (rendered, settings_digest(rendered))
        key = self.store.key(f'template:{self.signed[1]}:{documents_digest(rendered, self.plan[part])}:'
                             f'{start}:{self.apart}')
        self.template_keys[part] = key
        return self.store.template(key, lambda: part_template(rendered, self.plan[part], start, self.apart))

    def known_so_far(self, estimate: AnchorsByPage, duplex: bool) -> PageMap:
        """On a pass from estimated pages, the pages of the parts laid out so far, each from where the part before
        it ends, and the estimate of the others, moved likewise: the page references of a part laid out next are
        the more likely to have the digits of the right numbers, so that its layout is its last."""
        if self.htmls_of is None:
            return estimate.pages
        openings = [estimate.pages.get(self.htmls_of.documents[part[0]].id) for part in self.plan]
        pages, start = dict(estimate.pages), 1
        for number, (result, opening) in enumerate(zip(self.done, openings)):
            if result is not None:
                pages.update({anchor: start + page - 1 for anchor, page in result.anchors.items()})
                start = following_start(start, result, duplex)
                continue
            following = openings[number + 1] if number + 1 < len(openings) else None
            if opening is None or (number + 1 < len(openings) and following is None):
                break
            shift = start - opening
            pages.update({anchor: page + shift for anchor, page in estimate.between(opening, following)})
            start = following + shift if following is not None else start
        return PageMap(pages)

    def layout_html(self, rendered: RenderedBook, part: int, start: int, pages: PageMap | None = None) -> str:
        """What part ``part`` is laid out from: its print document with placeholders for the numbers of its page
        references, stamped in after (``stamped_digits.py``), unless its layout from them cannot take them."""
        html = self.html(rendered, part, start, pages)
        layout = slotted(html)
        if layout == html:
            return html
        key = self.store.key(layout)
        previous = self.done[part]
        slots = previous if previous is not None and previous.key == key else self.store.get(key)
        if slots is not None and slots.pdf and not can_stamp(slots.slots, printed_numbers(html)):
            return html
        return layout

    def joinable(self, rendered: RenderedBook, laid_out: LaidOutParts) -> LaidOutParts:
        """``laid_out``, settled as ``rendered``, with what the join draws over its parts: the numbers to stamp into
        each part laid out from placeholders, and the folios drawn apart (also when the first pass, from estimated
        pages, settled)."""
        numbers: list[list[str]] = []
        refused = set()
        for i, (part, start) in enumerate(zip(laid_out.parts, laid_out.starts)):
            html = self.html(rendered, i, start)
            layout = slotted(html)
            key = self.store.key(layout) if layout != html else None  # None: the part prints no page number
            if key == part.key:  # laid out from placeholders: its numbers are stamped in
                numbers.append(printed_numbers(html))
                continue
            numbers.append([])
            if key is not None:  # laid out with its numbers: the layout from placeholders could not take them
                refused.add(key)
        folios = None
        if self.apart:  # printed from the pages of these very parts: its numbering begins where the body's part does
            assert self.template is not None  # made with the plan, when the folios are drawn apart
            folios = book_folios(rendered.numbering, laid_out.parts, laid_out.starts, self.template)
        return replace(laid_out, numbers=tuple(numbers), folios=folios, blank=self.blank, refused=frozenset(refused))

    def unsettled(self, rendered: RenderedBook, laid_out: LaidOutParts) -> None:
        self.diagnostics.error(UNSETTLED, f'the page numbers of the parts still moved after {MAX_PASSES} '
                               'layouts; build with --jobs 1')
        return None


def settings_digest(rendered: RenderedBook) -> str:
    """The hash of a rendering but its documents and pages: its headings, the book's settings, the figures."""
    return hashlib.sha256(pickle.dumps(replace(rendered, documents=(), pages=None), pickle.HIGHEST_PROTOCOL)).hexdigest()


def documents_digest(rendered: RenderedBook, part: tuple[int, ...]) -> str:
    """The hash of a part's documents."""
    hashed = hashlib.sha256()
    for document in (rendered.documents[i] for i in part):  # not joined: a copy of every part at once
        for field in (document.id, document.kind, document.title, document.landmark or '', document.body):
            data = field.encode()
            hashed.update(f'{len(data)}:'.encode())
            hashed.update(data)
    return hashed.hexdigest()


def plan_parts(rendered: RenderedBook) -> list[tuple[int, ...]]:
    """Document indices of each part: the front matter, runs of whole chapters, each back-matter document.

    The front and back matter print the pages of everything else (contents,
    glossary, "cited on"): parts of their own, they are the only ones laid out
    again when an edit moves those pages. Their lists of page links make many
    boxes for few pages, so each back-matter document is a part by itself
    (at 800 pages, the three together took 260 MiB in WeasyPrint).
    """
    documents = rendered.documents
    chapters = [i for i, d in enumerate(documents) if d.kind == 'chapter']
    size = sum(len(documents[i].body) for i in chapters)
    # Not the number of cores: the parts, hence the joined PDF's bytes, are the same on every machine.
    count = max(MIN_PARTS, math.ceil(size / PART_BYTES))
    # Whole chapters per part, not bytes: an edit that grows a chapter moves no boundary, and the other parts
    # stay cached.
    per_part = math.ceil(len(chapters) / count)
    firsts = chapters[::per_part]
    parts = [tuple(range(firsts[0]))] if firsts[0] else []
    for first, following in zip(firsts, [*firsts[1:], chapters[-1] + 1]):
        parts.append(tuple(range(first, following)))
    if documents[0].kind == 'handout':  # its heading block is on its chapter's first page
        parts[:2] = [parts[0] + parts[1]]
    parts.extend((i,) for i in range(chapters[-1] + 1, len(documents)))
    return parts


@dataclass(frozen=True)
class AnchorsByPage:
    """A page map, with its anchors sorted by page, so that those of a run of pages are a slice."""

    pages: PageMap
    anchors: list[tuple[str, int]]  # (anchor, page), by page
    numbers: list[int]  # their pages

    @classmethod
    def of(cls, pages: PageMap) -> AnchorsByPage:
        anchors = sorted(pages.items(), key=operator.itemgetter(1))
        return cls(pages, anchors, [page for _, page in anchors])

    def between(self, first: int, following: int | None) -> list[tuple[str, int]]:
        """The anchors on the pages from ``first`` to before ``following`` (to the end when None)."""
        end = len(self.anchors) if following is None else bisect.bisect_left(self.numbers, following)
        return self.anchors[bisect.bisect_left(self.numbers, first):end]


def joined_starts(parts: tuple[PartResult, ...], duplex: bool) -> tuple[int, ...]:
    """The first page of each part in the book: after the part before it, printed two-sided on a right-hand page."""
    starts = [1]
    for part in parts[:-1]:
        starts.append(following_start(starts[-1], part, duplex))
    return tuple(starts)


def following_start(start: int, part: PartResult, duplex: bool) -> int:
    """The first page after ``part``, which begins on page ``start``: printed two-sided, a right-hand page."""
    following = start + part.pages
    return following + (duplex and following % 2 == 0)


def estimated_rest(rendered: RenderedBook, first: int, estimate: PageMap, start: int) -> PageMap:
    """The estimated pages from document ``first`` on, moved to begin on ``start``, where the parts before it end."""
    opening = estimate[rendered.documents[first].id]
    return PageMap({anchor: page + start - opening for anchor, page in estimate.items() if page >= opening})


def part_html(rendered: RenderedBook, part: tuple[int, ...], start: int, apart: bool = False) -> str:
    """The print document of one part, numbering its pages from ``start`` (as a handout's are numbered); with
    its folios ``apart``, marking them from page 1 or 2 as ``start`` is odd or even: the same document wherever
    the part starts, on the same side."""
    return with_pages(*part_template(rendered, part, start, apart), rendered.pages, rendered.numbering)


def part_template(rendered: RenderedBook, part: tuple[int, ...], start: int, apart: bool) -> tuple[str, list[str]]:
    """``part_html`` with a placeholder for each page it prints, and the targets whose pages they stand for."""
    selection = replace(rendered.selected, first_page=2 - start % 2 if apart else start, folios_apart=apart)
    placeholders = PagePlaceholders()
    template = print_html(replace(rendered, documents=tuple(rendered.documents[i] for i in part), selection=selection,
                                  pages=placeholders, numbering=own_numbering(rendered, apart)))
    return template, placeholders.targets


def own_numbering(rendered: RenderedBook, apart: bool) -> PageNumbering:
    """The numbering a part's folios print its own pages with: none with its folios ``apart``, so that it is the
    same document wherever the body begins."""
    return PageNumbering() if apart else rendered.numbering


def lay_out_part(key: str, html: str, root: Path, generated: dict[str, tuple[str, bytes]], pdf: Path | None,
                 identifier: bytes, moment: dt.datetime) -> PartResult:
    """In a worker process: lay one part out, note its pages, anchors and outgoing links, write its PDF."""
    messages: list[tuple[int, str]] = []
    with collected_messages(messages, (UNLINKED,)):  # its links into other parts
        document = laid_out(html, root, generated)
        folios = [index for index, page in enumerate(document.pages) if page.anchors.pop(FOLIO_ANCHOR, None)]
        anchors = dict(page_map(document))
        links = []
        for index, page in enumerate(document.pages):
            for kind, target, (x1, y1, x2, y2), _box in page.links:
                if kind == 'internal' and target not in anchors:
                    links.append((index, (x1 * PX, (page.height - y2) * PX, x2 * PX, (page.height - y1) * PX), target))
        boxes = number_boxes(document)
        ends: dict[int, int] = {}
        if pdf is not None:
            subsets = dated_subsets(moment)
            # The pages the join draws a folio over and stamps no number into (those it opens, as they are)
            folio_pages = set(folios).difference(page for page, _, _ in boxes.values())

            def finish(document, pdf) -> None:  # type: ignore[no-untyped-def]
                subsets(document, pdf)
                without_block_destinations(pdf)
                linked_across_parts(pdf, links)
                ends.update(compressed_for_the_join(pdf, folio_pages))

            document.write_pdf(pdf, pdf_identifier=identifier, finisher=finish,
                               custom_metadata=True)  # <meta name="Rights">, as write/pdf.py
    first = document.pages[0]
    pages, size = len(document.pages), (first.width * PX, first.height * PX)
    del document, first  # its boxes let go before the PDF is read back for its slots (below: at its peak)
    slots = find_slots(pdf, boxes) if pdf is not None and boxes else None
    return PartResult(key, pages, anchors, links, size, str(pdf) if pdf else None, messages, folios, slots, ends)


def linked_across_parts(pdf,  # type: ignore[no-untyped-def]
                        links: list[tuple[int, tuple[float, float, float, float], str]]) -> None:
    """Add to the pages of ``pdf`` (in a WeasyPrint ``finisher``) the ``links`` into other parts, which WeasyPrint
    leaves out, finding no anchor for them: link annotations to the named destination, which the joined book has
    (``write/pdf.py``). Made here, in the parts' workers side by side, and kept with the parts, rather than in the
    join: the 18,800 links of an 824-page book took its join 0.3-0.5 s to make, 0.15 s more to copy with the pages.

    Without the optional ``/Type /Annot`` (ISO 32000-1, 12.5.2): qpdf holds each object the join copies, and the
    entry took 6 MB of the 52 MB that these links took it at 824 pages."""
    import pydyf

    pages = pdf.pages['Kids'][::3]  # object numbers (pydyf lists each page as ``number 0 R``)
    # Its values written out at once: each pydyf object (a rectangle, a string) holds a dict of its own, and the
    # back matter's parts have thousands of links (3,500 in one four-page part of the 824-page book's)
    border, destinations = pydyf.Array((0, 0, 0)).data, {}
    for index, rect, target in links:
        if target not in destinations:
            destinations[target] = pydyf.String(target).data
        annotation = pydyf.Dictionary({'Subtype': '/Link', 'Rect': pydyf.Array(rect).data, 'Border': border,
                                       'Dest': destinations[target]})
        pdf.add_object(annotation)
        page = pdf.objects[pages[index]]
        page.setdefault('Annots', pydyf.Array()).append(annotation.reference)
