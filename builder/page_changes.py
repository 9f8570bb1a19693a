"""What moved: the passages, citations, figures and glossary entries whose printed page changed.

For instructors whose syllabus and assignments cite page numbers. ``coursepack
build`` compares each edition's new page map with the one its last build left
in the build cache and writes ``dist/page-changes.txt``: the items whose page
changed since, then, for each edition beside the main one, the main
edition's pages on which the two differ and the items printed on another page
there. ``coursepack check --pages`` prints the same report again, from the
maps the last build kept. An item is named by its kind, its words (a
passage's opening, a citation as written, a figure's alt text, a term) and its
place in the source; new or deleted items are not listed, only moved ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import cache_dir, write_json
from .citations.load import Reference
from .diagnostics import SourceLocation
from .i18n import Catalog
from .model import PageMap, PageNumbering, ResolvedBook
from .permissions.attribution import passages
from .permissions.ledger import number_runs

SHOWN_WORDS = 8  # of a passage, in the report


@dataclass(frozen=True)
class Item:
    id: str  # the element id the page map knows
    kind: str  # passage | citation | figure | glossary
    label: str
    location: SourceLocation | None


def tracked_items(whole: ResolvedBook, references: tuple[Reference, ...]) -> list[Item]:
    """The items whose page an instructor may cite, in reading order."""
    items: dict[str, Item] = {}
    for parsed in whole.chapters:
        for passage in passages(parsed, references, whole.config.language):
            if passage.citation_id and passage.citation_id not in items:
                words = passage.text.split()
                text = ' '.join(words[:SHOWN_WORDS]) + (' …' if len(words) > SHOWN_WORDS else '')
                items[passage.citation_id] = Item(passage.citation_id, 'passage', f'“{text}” ({passage.source})',
                                                  passage.location)
        for token in parsed.tokens:
            for child in token.children or ():
                ident = child.meta.get('id') if child.type == 'citation' else child.attrGet('id')
                if child.type == 'citation' and ident and ident not in items:
                    items[ident] = Item(ident, 'citation', child.meta['raw'], child.meta.get('loc'))
                elif child.type == 'image' and ident:
                    items[str(ident)] = Item(str(ident), 'figure', child.content, child.meta.get('loc'))
    for entry in whole.glossary:
        items[entry.id] = Item(entry.id, 'glossary', entry.term.term, entry.term.location)
    return list(items.values())


def moved(items: list[Item], before: PageMap, numbered_before: PageNumbering, after: PageMap,
          numbered_after: PageNumbering) -> list[tuple[Item, str, str]]:
    """The items printed on another page number after than before (a page that only moved, because the front
    matter grew, prints the same number: ``PageNumbering``), with both numbers."""
    found = []
    for item in items:
        if item.id in before and item.id in after:
            old, new = numbered_before.label(before[item.id]), numbered_after.label(after[item.id])
            if old != new:
                found.append((item, old, new))
    return found


def report(items: list[Item], before: dict[str, PageMap | None], after: dict[str, PageMap | None],
           strings: Catalog, chapters: Sequence[str]) -> str:
    """The report: each output (stem) built before and now, then each edition's stem against the first, the
    main edition's (``after`` is in the editions' order); ``chapters``: the book's chapter ids, in order."""
    lines: list[str] = []
    for stem, new in after.items():
        old = before.get(stem)
        if old is None or new is None:
            continue
        found = moved(items, old, PageNumbering.of(chapters, old), new, PageNumbering.of(chapters, new))
        lines += [strings('permissions.page-changes.title', output=stem),
                  *(_line(item, f'{a} → {b}', strings) for item, a, b in found),
                  *([] if found else ['  ' + strings('permissions.page-changes.none')]), '']
    (main, first), *others = after.items()
    numbered_first = PageNumbering.of(chapters, first)
    for stem, second in others:
        if first is None or second is None:
            continue
        numbered_second = PageNumbering.of(chapters, second)
        differing = {first[i] for i in first
                     if i in second and numbered_first.label(first[i]) != numbered_second.label(second[i])}
        runs = number_runs(differing, numbered_first.label)
        lines += [strings('permissions.page-changes.editions', edition=stem, main=main,
                          pages=', '.join(runs) or strings('permissions.page-changes.none')),
                  *(_line(item, f'{a} / {b}', strings)
                    for item, a, b in moved(items, first, numbered_first, second, numbered_second)), '']
    return '\n'.join(lines)


def _line(item: Item, pages: str, strings: Catalog) -> str:
    kinds = {'passage': strings('permissions.page-changes.kind.passage'),
             'citation': strings('permissions.page-changes.kind.citation'),
             'figure': strings('permissions.page-changes.kind.figure'),
             'glossary': strings('permissions.page-changes.kind.glossary')}
    where = f' ({item.location})' if item.location else ''
    return f'  {kinds[item.kind]} {item.label}{where}: {pages}'


PREVIOUS = 'pages-before'  # in the build cache: the page maps a build replaced, for check --pages


def keep_previous(root: Path, maps: dict[str, PageMap | None]) -> None:
    for stem, pages in maps.items():
        if pages is not None:
            write_json(cache_dir(root) / PREVIOUS / f'{stem}.json', pages)


def previous(root: Path, stem: str) -> PageMap | None:
    try:
        return PageMap(json.loads((cache_dir(root) / PREVIOUS / f'{stem}.json').read_text()))
    except (OSError, ValueError, TypeError):
        return None
