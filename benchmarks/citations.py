"""Time the citation step alone (Pandoc's citeproc, no cache) on a generated book: ``citations.py BOOK [RUNS]``.

Loading and parsing come first, untimed; each run formats every citation and
the bibliography as a build does (``resolve_citations`` with the cache off) and
prints wall time and the CPU time of this process and its children (Pandoc).
"""

import resource
import sys
import time
from pathlib import Path

from builder.citations.resolve import citation_uses, resolve_citations
from builder.diagnostics import Diagnostics
from builder.load import load
from builder.parse import parse, parse_notes


def cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    root = Path(sys.argv[1])
    diagnostics = Diagnostics()
    book = load(root, diagnostics)
    parsed = parse(book, diagnostics)
    notes = parse_notes(book, diagnostics)
    uses = sum(len(citation_uses(p.chapter.id, p.tokens)) for p in parsed)
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        wall, used = time.perf_counter(), cpu()
        formatted = resolve_citations(book, parsed, Diagnostics(), notes.streams(), cache=False)
        entries = sum(len(e) for e in formatted.entries.values()) if formatted else 0
        print(f'{uses} citations, {entries} entries: {time.perf_counter() - wall:.2f} s wall, '
              f'cpu {cpu() - used:.2f} s')


if __name__ == '__main__':
    main()
