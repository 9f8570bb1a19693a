"""Citations and bibliography: references + citations in reading order + a CSL style -> formatted data.

:func:`format_citations` is one pure function: it takes every citation of the
book (chapters first, then any other fragment: glossary definitions,
chronology sources) and returns the formatted citations, the bibliography
entries and the problems, as values. Pandoc's citeproc does the formatting, as
it does for a Pandoc user: the citations go to it as one Markdown document (each
citation's own source text, one paragraph each, so Pandoc reads prefixes,
locators and suffixes exactly as it reads the chapter; a citation inside an
author's note goes inside a note), with the book's references file, the style
and the book's language; its JSON AST comes back, and each paragraph's ``Cite``
is the formatted citation of the same use. A book with per-chapter
bibliographies is one document per chapter, so that "first" and "subsequent"
count within each.

The problems stay ours: an unknown key is a located error with did-you-mean
(Pandoc only warns), an unused reference a warning at its entry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import escape

from ..diagnostics import Diagnostic, Diagnostics, SourceLocation, did_you_mean
from ..i18n import catalog
from ..model import CiteItem
from .inlines import blocks_xhtml, inlines_xhtml
from .load import Reference
from .pandoc import PandocError, run_pandoc
from .styles import Style

CITEPROC_FAILED = 'citeproc'  # the code of the error that Pandoc did not format the citations

# ---- values ----


@dataclass(frozen=True)
class CitationUse:
    """One citation as the text has it, in reading order."""

    id: str  # the element id it is rendered with: cite-<chapter>-<n>
    items: tuple[CiteItem, ...]
    location: SourceLocation
    group: str = ''  # the chapter (or fragment) it stands in; per-chapter bibliographies group by it
    narrative: bool = False  # @key says
    author_only: bool = False  # the author's name alone, its note carrying the citation (note styles)
    whole_note: bool = False  # the citation is a footnote by itself (note styles)
    raw: str = ''  # its Markdown source: [see @a, p. 3], @a says; what Pandoc reads


@dataclass(frozen=True)
class Entry:
    key: str
    id: str  # the element id of the entry
    html: str  # an XHTML fragment: the formatted entry
    citations: tuple[str, ...]  # ids of the citations that cite it, in reading order


@dataclass(frozen=True)
class Formatted:
    citations: dict[str, str]  # citation id -> XHTML fragment, each item linked to its entry
    entries: dict[str, tuple[Entry, ...]]  # group ('' for the whole book) -> entries in the style's order
    diagnostics: tuple[Diagnostic, ...]
    note_style: bool = False
    title: str = ''  # the style's heading for its bibliography (Style.title)
    groups: dict[str, str] = field(default_factory=dict)  # citation id -> its group (chapter id)


# ---- the formatting ----

def format_citations(references: Sequence[Reference], uses: Sequence[CitationUse], style: Style,
                     references_file: Path | None, *, per_group: bool = False, nocite: Sequence[str] = (),
                     nocite_location: SourceLocation | None = None,
                     meanwhile: Callable[[], None] = lambda: None,
                     pandoc: Callable[[list[str], str], str] = run_pandoc) -> Formatted:
    """Format every citation and the bibliography (one for the book, or one per group). ``meanwhile`` is called
    in this thread once Pandoc runs (at once when it has nothing to format): what the build does while it waits.
    ``pandoc`` runs Pandoc (``ahead.py``'s may have run it already)."""
    problems = Diagnostics()  # returned as data, with the formatting: a cached formatting reports them again
    by_id = {r.id: r for r in references}
    for ref in references:
        if not str(ref.data.get('title', '')).strip():
            problems.warning('reference-unformattable', f"the reference '{ref.id}' has no title: {style.name} "
                             'cannot format it fully', ref.location)
    citations: dict[str, str] = {}
    known: list[CitationUse] = []
    for use in uses:
        unknown = [item.key for item in use.items if item.key not in by_id]
        for key in unknown:
            problems.error('cite-unknown', f"no reference '{key}'{did_you_mean(key, by_id)}", use.location)
        if len(unknown) < len(use.items):
            known.append(use)
        else:
            citations[use.id] = str(escape(' '.join(f'[{key}?]' for key in unknown)))

    for key in nocite:
        if key != '*' and key not in by_id:
            problems.error('nocite-unknown', f"nocite: no reference '{key}'{did_you_mean(key, by_id)}",
                           nocite_location)
    listed_anyway = listed_uncited(nocite, references)
    used = {item.key for use in known for item in use.items}
    for ref in references:
        if ref.id not in used and '*' not in listed_anyway and ref.id not in listed_anyway:
            problems.warning('reference-unused', f"the reference '{ref.id}' is never cited (list it under "
                             "'nocite:' in book.yaml to print it anyway)", ref.location)

    groups: dict[str, list[CitationUse]] = {}
    for use in known:
        groups.setdefault(use.group if per_group else '', []).append(use)
    entries: dict[str, tuple[Entry, ...]] = {}
    silent: set[str] = set()
    todo = list((groups or {'': []}).items()) if references_file is not None and (groups or listed_anyway) else []

    def run(document: str) -> dict[str, Any] | PandocError:
        try:
            return json.loads(pandoc(pandoc_args(style, references_file), document))  # type: ignore[arg-type]
        except PandocError as exc:
            return exc

    # One Pandoc for the book; a book with per-chapter bibliographies runs one a chapter, side by side. Their
    # documents are made first: made in the pool's threads, they waited for ``meanwhile``'s Python.
    documents = [_document(group_uses, style, listed_anyway, references, references_file)  # type: ignore[arg-type]
                 for _, group_uses in todo]
    with ThreadPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1) or 1) as pool:
        running = [pool.submit(run, document) for document in documents]
        meanwhile()
        outputs = [pandoc.result() for pandoc in running]
    for (group, group_uses), ast in zip(todo, outputs):
        if isinstance(ast, PandocError):
            problems.error(CITEPROC_FAILED, f'Pandoc could not format the citations: {str(ast).splitlines()[0]}',
                           group_uses[0].location if group_uses else nocite_location)
            continue
        entry_id = (lambda key, group=group: _entry_id(f'{group}-{key}')) if per_group else _entry_id
        result = _read_back(ast, group_uses, style, entry_id)
        citations.update(result.citations)
        entries[group] = result.entries
        silent |= result.silent
        for use in result.unread:
            problems.warning('citation-unread', f'Pandoc does not read {use.raw!r} as a citation: it is printed '
                             'as written', use.location)
    for key in sorted(silent):
        problems.warning('reference-no-entry', f"{style.name} prints no bibliography entry for '{key}' "
                         f"(type {by_id[key].data.get('type')}): it is cited but not listed", by_id[key].location)
    return Formatted(citations, entries, tuple(problems), style.note, style.title, {u.id: u.group for u in uses})


def listed_uncited(nocite: Sequence[str], references: Sequence[Reference]) -> list[str]:
    """The keys of ``nocite:`` that name a reference, or ``*`` for them all."""
    known = {reference.id for reference in references}
    return ['*'] if '*' in nocite else [key for key in nocite if key in known]


def pandoc_args(style: Style, references_file: Path) -> list[str]:
    args = ['--from', 'markdown', '--to', 'json', '--citeproc', '--csl', str(style.path)]
    return args if _inline_references(references_file) else args + ['--bibliography', str(references_file)]


def _inline_references(references_file: Path) -> bool:
    """CSL-YAML goes to Pandoc as we read it, in the document's metadata, every text quoted: Pandoc's
    YAML reader would take an unquoted ``N`` or ``y`` for a yes/no and print "False" for a title."""
    return references_file.suffix.lower() in ('.yaml', '.yml')


def _document(uses: Sequence[CitationUse], style: Style, nocite: Sequence[str],
              references: Sequence[Reference], references_file: Path) -> str:
    """The citations as Pandoc reads them, each in a note of its own where the style's notes hold it.

    In a note style, a narrative citation of the running text is one use for
    its author's name and one for its note; Pandoc formats both from the one
    ``@key`` (:func:`_twins`), so only the note's use is sent.
    """
    return document_for([(use.raw, style.note and not use.whole_note) for use in _sent(uses, style)], style, nocite,
                        references, references_file)


def document_for(citations: Sequence[tuple[str, bool]], style: Style, nocite: Sequence[str],
                 references: Sequence[Reference], references_file: Path) -> str:
    """The document Pandoc formats: a paragraph for each citation's source, in a note when its flag says so,
    after the metadata (language, references, ``nocite``)."""
    meta: dict[str, Any] = {'lang': style.locale, 'link-citations': True}
    if _inline_references(references_file):
        meta['references'] = [ref.data for ref in references]
    if nocite:
        meta['nocite'] = ', '.join('@*' if key == '*' else f'@{{{key}}}' for key in nocite)
    paragraphs = ['---\n' + json.dumps(meta, ensure_ascii=False, default=str) + '\n---']
    # Each paragraph starts with its number (C12), which finds it in Pandoc's output.
    for n, (raw, in_note) in enumerate(citations):
        if in_note:
            # Words around it: a note that is nothing but a citation is formatted as a citation's own note.
            paragraphs.append(f'C{n}[^{n}]\n\n[^{n}]: x {raw} x')
        else:
            paragraphs.append(f'C{n} {raw}')
    return '\n\n'.join(paragraphs) + '\n'


def _sent(uses: Sequence[CitationUse], style: Style) -> list[CitationUse]:
    return [use for use in uses if not (style.note and use.author_only)]


def _twins(uses: Sequence[CitationUse]) -> dict[str, CitationUse]:
    """Note-style narrative citations: the id of each note's use -> the use of the author's name in the text."""
    names: dict[tuple, list[CitationUse]] = {}
    for use in uses:
        if use.author_only:
            names.setdefault((use.raw, use.location), []).append(use)
    return {use.id: names[(use.raw, use.location)].pop(0) for use in uses
            if use.whole_note and names.get((use.raw, use.location))}


@dataclass(frozen=True)
class _Group:
    citations: dict[str, str]
    entries: tuple[Entry, ...]
    silent: frozenset[str]  # keys cited here that the style lists no entry for
    unread: tuple[CitationUse, ...]  # citations Pandoc did not read as citations


def _read_back(ast: dict[str, Any], uses: Sequence[CitationUse], style: Style,
               entry_id: Callable[[str], str]) -> _Group:
    """Pandoc's formatted document -> our citations (by use) and entries (by key)."""
    quotes = tuple(catalog(style.locale.split('-')[0]).data('typography.quotes'))
    refs = [b for b in ast['blocks'] if b['t'] == 'Div' and b['c'][0][0] == 'refs']
    paragraphs = {block['c'][0]['c']: block for block in ast['blocks']
                  if block['t'] == 'Para' and block['c'] and block['c'][0]['t'] == 'Str'}
    formatted_entries = {div['c'][0][0].removeprefix('ref-'): div['c'][1]
                         for ref_div in refs for div in ref_div['c'][1] if div['t'] == 'Div'}
    listed = {key for key, blocks in formatted_entries.items() if _has_text(blocks)}

    def link(url: str) -> str | None:
        if not url.startswith('#ref-'):
            return url
        key = url.removeprefix('#ref-')
        return '#' + entry_id(key) if key in listed else None

    citations = {}
    unread = []
    twins = _twins(uses)
    for n, use in enumerate(_sent(uses, style)):
        inlines = _first_cite(paragraphs.get(f'C{n}'))
        if not inlines:
            unread.append(use)
            citations[use.id] = str(escape(use.raw))
            continue
        if style.punctuation_in_quote:
            _punctuation_into_links(inlines)
        note = next((i for i, inline in enumerate(inlines) if inline['t'] == 'Note'), None)
        if note is None:
            citations[use.id] = inlines_xhtml(inlines, link, quotes)
            continue
        citations[use.id] = blocks_xhtml(inlines[note]['c'], link, quotes)
        if use.id in twins:
            citations[twins[use.id].id] = inlines_xhtml(inlines[:note], link, quotes)

    cited: dict[str, list[str]] = {}
    for use in uses:
        for item in use.items:
            ids = cited.setdefault(item.key, [])
            if not use.author_only:  # its note is the citation the entry points back to
                ids.append(use.id)
    entries = tuple(Entry(key, entry_id(key), blocks_xhtml(blocks, link, quotes), tuple(cited.get(key, ())))
                    for key, blocks in formatted_entries.items() if key in listed)
    silent = frozenset(key for key in cited if style.bibliography and key not in listed)
    return _Group(citations, entries, silent, tuple(unread))


def _punctuation_into_links(inlines: list[dict[str, Any]]) -> None:
    """``<a>“Title”</a>,`` -> ``<a>“Title,”</a>``: what Pandoc does where no link stands between.

    With ``link-citations``, a citation's link ends after the title's closing
    quote, and Pandoc leaves the comma or full stop that follows outside it; an
    American English style wants it inside, as Pandoc prints the citation
    without links.
    """
    for i, inline in enumerate(inlines):
        content = inline.get('c')
        if inline['t'] == 'Note':
            for block in content:
                _punctuation_into_links(block['c'])
        elif isinstance(content, list) and content and isinstance(content[-1], list):
            _punctuation_into_links(content[-1] if inline['t'] != 'Link' else content[1])
        if inline['t'] != 'Link' or i + 1 == len(inlines) or inlines[i + 1]['t'] != 'Str':
            continue
        after = inlines[i + 1]
        marks = len(after['c']) - len(after['c'].lstrip('.,'))
        quote = _last_str(content[1])
        if marks and quote is not None and quote['c'][-1:] in ('\u201d', '\u2019'):
            quote['c'] = quote['c'][:-1] + after['c'][:marks] + quote['c'][-1]
            after['c'] = after['c'][marks:]


def _last_str(inlines: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last ``Str`` of some inlines, looking inside spans, emphasis and the like."""
    if not inlines:
        return None
    last = inlines[-1]
    if not isinstance(last, dict) or last['t'] == 'Link':
        return None
    if last['t'] == 'Str':
        return last
    content = last.get('c')
    if isinstance(content, list) and content:  # Emph [inlines], Span [attr, inlines], Quoted [kind, inlines]
        return _last_str(content[-1] if isinstance(content[-1], list) else content)
    return None


def _has_text(blocks: Any) -> bool:
    """Whether formatted blocks print anything (a style may give a work an empty entry)."""
    if isinstance(blocks, dict):
        return (blocks.get('t') == 'Str' and bool(blocks['c'].strip())) or _has_text(blocks.get('c'))
    return isinstance(blocks, list) and any(_has_text(child) for child in blocks)


def _first_cite(block: Any) -> list[dict[str, Any]]:
    """The formatted inlines of the first ``Cite`` in a block, depth first."""
    if isinstance(block, dict):
        if block.get('t') == 'Cite':
            return block['c'][1]
        block = block.get('c')
    if isinstance(block, list):
        for child in block:
            found = _first_cite(child)
            if found:
                return found
    return []


def _entry_id(key: str) -> str:
    """An XML id for a reference key: letters, digits, - _ . kept; anything else spelled out."""
    return 'ref-' + ''.join(c if c.isascii() and (c.isalnum() or c in '-_.') else f'_{ord(c):x}_' for c in key)
