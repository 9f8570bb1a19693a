"""Printed page references collapsed as a reader expects them: "12, 34–36".

Each page of a run links to the first marked element on that page, so the
numbers in the PDF are clickable; the page map comes from WeasyPrint's layout
(:mod:`builder.layout`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .model import PageMap, PageNumbering


@dataclass(frozen=True)
class PageRun:
    first: int
    last: int
    first_id: str  # the first element on the first page
    last_id: str  # the first element on the last page
    first_label: str  # what the first page prints as its number (PageNumbering)
    last_label: str


def page_runs(ids: Iterable[str], pages: PageMap | None, numbering: PageNumbering) -> list[PageRun]:
    """Runs of consecutive pages on which the elements ``ids`` (in reading order) fall, labelled as printed."""
    if pages is None:
        return []
    first_on: dict[int, str] = {}
    for ident in ids:
        if ident in pages:
            first_on.setdefault(pages[ident], ident)
    runs: list[PageRun] = []
    for page in sorted(first_on):
        label = numbering.label(page)
        if runs and runs[-1].last == page - 1:
            runs[-1] = replace(runs[-1], last=page, last_id=first_on[page], last_label=label)
        else:
            runs.append(PageRun(page, page, first_on[page], first_on[page], label, label))
    return runs
