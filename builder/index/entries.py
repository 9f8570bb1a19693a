"""The index's entries, resolved from the chapters' marked passages.

Each ``.index`` span (:mod:`builder.markdown.index`) names a path of headings
("Geneva Accords!signatories"); with ``index-terms: true`` in book.yaml every
marked use of a glossary term is a passage of the entry named by the term. A
passage is a locator (its page is printed, its anchor linked), except one with
``see``, which only points its entry to another. Entries sort by the book's
language (:mod:`builder.collation`) at every level; an entry's id is its path,
slugged, so that "see" links and the index's anchors stay the same from build
to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slugify import slugify

from ..collation import sort_key
from ..diagnostics import Diagnostics, SourceLocation, did_you_mean
from ..model import Book, IndexEntry, ParsedChapter, Use

SEPARATOR = '!'


@dataclass
class _Node:
    uses: list[Use] = field(default_factory=list)
    see: list[tuple[tuple[str, ...], SourceLocation]] = field(default_factory=list)
    see_also: list[tuple[tuple[str, ...], SourceLocation]] = field(default_factory=list)


def resolve_index(book: Book, chapters: tuple[ParsedChapter, ...], diagnostics: Diagnostics) -> tuple[IndexEntry, ...]:
    nodes: dict[tuple[str, ...], _Node] = {}
    terms = {term.key: term.term for term in book.terms}
    for parsed, token in _passages(chapters, book.config.index_terms):
        meta, where = token.meta, token.meta['loc']
        if 'index' not in meta and meta['key'] not in terms:
            continue  # an unknown term: the glossary reports it
        index = meta.get('index') or {'key': terms[meta['key']], 'see': None, 'seealso': None,
                                      'id': meta['id'], 'text': meta['text']}
        path = _path(index['key'], where, diagnostics)
        if not path:
            continue
        for depth in range(1, len(path) + 1):
            nodes.setdefault(path[:depth], _Node())
        node = nodes[path]
        see = index['see'] and _path(index['see'], where, diagnostics)
        if see:
            node.see.append((see, where))
        else:
            node.uses.append(Use(index['id'], parsed.chapter.id, index['text'], where))
        see_also = index['seealso'] and _path(index['seealso'], where, diagnostics)
        if see_also:
            node.see_also.append((see_also, where))
    _check_pointers(nodes, diagnostics)
    # An entry with nothing to show (in a handout, a "see" whose target the handout leaves out) is left out.
    parents = {path[:depth] for path in nodes for depth in range(1, len(path))}
    shown = {path: node for path, node in nodes.items()
             if node.uses or any(target in nodes for target, _ in node.see) or path in parents}
    key = sort_key(book.config.language)
    return _entries(shown, _ids(shown, key), key)


def _passages(chapters: tuple[ParsedChapter, ...], with_terms: bool):  # type: ignore[no-untyped-def]
    """The marked passages in reading order: .index spans, and glossary terms (marked .index, or all of them)."""
    for parsed in chapters:
        for block in parsed.tokens:
            for child in block.children or ():
                if child.type == 'index_open' or (child.type == 'term_open' and (
                        'index' in child.meta or (with_terms and child.meta.get('key')))):
                    yield parsed, child


def _path(key: str, where: SourceLocation, diagnostics: Diagnostics) -> tuple[str, ...]:
    """'Geneva Accords!signatories' -> ('Geneva Accords', 'signatories'); () with an error when a level is empty."""
    path = tuple(' '.join(part.split()) for part in key.split(SEPARATOR))
    if not all(path):
        diagnostics.error('index-key', f"the index entry '{key}' has an empty heading: write the words, and "
                          f"'{SEPARATOR}' only between an entry and its sub-entry", where)
        return ()
    return path


def _ids(nodes: dict[tuple[str, ...], _Node], key) -> dict[tuple[str, ...], str]:  # type: ignore[no-untyped-def]
    """An id per entry, from its words: unique, and the same whatever else the index holds, but for clashes."""
    ids: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    for path in sorted(nodes, key=lambda p: ([key(part) for part in p], p)):
        base = 'index-' + (slugify('-'.join(path)) or 'entry')
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f'{base}-{n}'
        taken.add(ident)
        ids[path] = ident
    return ids


def _entries(nodes: dict[tuple[str, ...], _Node], ids: dict[tuple[str, ...], str],
             key) -> tuple[IndexEntry, ...]:  # type: ignore[no-untyped-def]
    """The entries, each with its sub-entries, in collation order at every level."""
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in nodes:
        children.setdefault(path[:-1], []).append(path)

    def entries(parent: tuple[str, ...]) -> tuple[IndexEntry, ...]:
        paths = sorted(children.get(parent, ()), key=lambda p: (key(p[-1]), p[-1]))
        return tuple(IndexEntry(
            term=path[-1], id=ids[path], uses=tuple(nodes[path].uses), see=_pointers(nodes[path].see, ids),
            see_also=_pointers(nodes[path].see_also, ids), entries=entries(path)) for path in paths)
    return entries(())


def _check_pointers(nodes: dict[tuple[str, ...], _Node], diagnostics: Diagnostics) -> None:
    """A "see" or "see also" that names no entry is a warning, with a did-you-mean."""
    names = {SEPARATOR.join(p): p for p in nodes}
    for node in nodes.values():
        for path, where in (*node.see, *node.see_also):
            if path not in nodes:
                diagnostics.warning('index-see-unknown', f"no index entry '{SEPARATOR.join(path)}' to point to"
                                    f'{did_you_mean(SEPARATOR.join(path), names)}', where)


def _pointers(targets: list[tuple[tuple[str, ...], SourceLocation]],
              ids: dict[tuple[str, ...], str]) -> tuple[tuple[str, str], ...]:
    """The entries that "see" or "see also" point to, as (words, id), each once, those that are shown."""
    paths = dict.fromkeys(path for path, _ in targets if path in ids)
    return tuple((', '.join(path), ids[path]) for path in paths)
