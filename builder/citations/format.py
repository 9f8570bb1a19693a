"""Citations and bibliography: references + citations in reading order + a CSL style -> formatted data.

:func:`format_citations` is one pure function, in the shape of Haskell
citeproc's: it takes every citation of the book (chapters first, then any
other fragment: glossary definitions, chronology sources) and returns the
formatted citations, the bibliography entries and the problems, as values.
The formatting is citeproc-py's with the fixes of :mod:`.citeproc_fixes`;
its output is read back from a private-use marker language (our own citeproc
formatter, :data:`MARKUP`) into XHTML built element by element, so that every
text is escaped and the post-passes (punctuation inside quotes, apostrophes,
links) work on text, not on HTML.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from lxml import etree

from ..diagnostics import Diagnostic, Diagnostics, SourceLocation, did_you_mean
from ..model import CiteItem
from . import citeproc_fixes, citeproc_speed
from .load import Reference
from .styles import Style

# ---- the marker language our citeproc formatter writes ----

_FORMATS = {'\ue010': ('i', None), '\ue011': ('b', None), '\ue012': ('span', 'smallcaps'),
            '\ue013': ('sup', None), '\ue014': ('sub', None), '\ue015': ('span', 'light'),
            '\ue016': ('span', 'underline')}
_CLOSE = '\ue01f'
_ITEM_CLOSE = '\ue003'
_ITEM_BASE = 0xE100  # chr(_ITEM_BASE + i) opens item i of a citation


def _wrapper(mark: str):  # type: ignore[no-untyped-def]
    return lambda text: mark + str(text) + _CLOSE


MARKUP = SimpleNamespace(
    preformat=str, Italic=_wrapper('\ue010'), Oblique=_wrapper('\ue010'), Bold=_wrapper('\ue011'),
    SmallCaps=_wrapper('\ue012'), Superscript=_wrapper('\ue013'), Subscript=_wrapper('\ue014'),
    Light=_wrapper('\ue015'), Underline=_wrapper('\ue016'),
)

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


# ---- citeproc-py, with our changes ----

def install_citeproc_patches() -> None:
    """Install our fixes to citeproc-py (:mod:`.citeproc_fixes`) and its memory (:mod:`.citeproc_speed`).

    They replace methods of citeproc-py's classes, for the whole process: done
    here, by the one function that formats with it, rather than on import, so
    that importing the builder (or loading a book) changes no other library.
    Each process installs them once, the first time it formats.
    """
    global _patched
    if not _patched:
        citeproc_fixes.apply()
        citeproc_speed.apply()
        _patched = True


_patched = False


@cache
def _csl_style(path: Path, locale: str):  # type: ignore[no-untyped-def]
    from citeproc import CitationStylesStyle

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        style = CitationStylesStyle(str(path), locale=locale, validate=False)
    style.root.formatter = MARKUP  # type: ignore[attr-defined]
    return style


# ---- the formatting ----

def format_citations(references: Sequence[Reference], uses: Sequence[CitationUse], style: Style, *,
                     per_group: bool = False, nocite: Sequence[str] = (),
                     nocite_location: SourceLocation | None = None) -> Formatted:
    """Format every citation and the bibliography (one for the book, or one per group)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator
    from citeproc.source.json import CiteProcJSON

    install_citeproc_patches()
    problems = Diagnostics()  # returned as data, with the formatting: a cached formatting reports them again
    by_id = {r.id: r for r in references}
    for ref in references:
        if not str(ref.data.get('title', '')).strip():
            problems.warning('reference-unformattable', f"the reference '{ref.id}' has no title: {style.name} "
                             'cannot format it fully', ref.location)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        source = CiteProcJSON([_for_citeproc(r.data) for r in references])
    csl = _csl_style(style.path, style.locale)
    entry_id = (lambda group, key: _entry_id(f'{group}-{key}')) if per_group else (lambda group, key: _entry_id(key))

    # Works the style lists: a citation links only to an entry that exists (Chicago notes list no encyclopedia).
    listed = _listed(csl, source, by_id) if csl.has_bibliography() else set()
    cited: dict[str, dict[str, list[str]]] = {}  # group -> key -> citation ids
    citations: dict[str, str] = {}
    engines: dict[str, object] = {}
    for use in uses:
        known = []
        for item in use.items:
            if item.key in by_id:
                known.append(item)
                ids = cited.setdefault(use.group if per_group else '', {}).setdefault(item.key, [])
                if not use.author_only:  # its note is the citation the entry points back to
                    ids.append(use.id)
            else:
                problems.error('cite-unknown', f"no reference '{item.key}'{did_you_mean(item.key, by_id)}",
                               use.location)
        if not known:
            citations[use.id] = _markup(' '.join(f'[{i.key}?]' for i in use.items), {})
            continue
        group = use.group if per_group else ''
        engine = engines.get(group)
        if engine is None:  # each bibliography of its own: "first" and "subsequent" count within it
            engine = engines[group] = CitationStylesBibliography(csl, source, MARKUP)
        links = {i: '#' + entry_id(group, item.key) for i, item in enumerate(known) if item.key in listed}
        cite_items = [CitationItem(item.key, prefix=chr(_ITEM_BASE + i) + item.prefix,
                                   suffix=item.suffix + _ITEM_CLOSE,
                                   **({'locator': Locator(item.label or 'page', item.locator)} if item.locator else {}))
                      for i, item in enumerate(known)]
        citation = Citation(cite_items)
        engine.register(citation)  # type: ignore[attr-defined]
        scratch = use.author_only
        target = CitationStylesBibliography(csl, source, MARKUP) if scratch else engine
        if scratch:
            target.register(citation)  # type: ignore[attr-defined]
        # In a note style, a narrative citation inside a note is a full note citation.
        narrative = use.narrative and not (style.note and not use.author_only)
        use = CitationUse(use.id, use.items, use.location, use.group, narrative, use.author_only, use.whole_note)
        marked = {i.key for i in known if i.suppress_author} | ({known[0].key} if narrative else set())
        text = citeproc_fixes.render_marked(lambda: target.cite(citation, lambda _: None),  # type: ignore
                                            marked)
        text = _authors(str(text), use)
        if style.note and not use.author_only:
            text = _as_note(text, use.whole_note)
        citations[use.id] = _markup(text, links, quotes_outside=not _punctuation_in_quote(style))

    for key in nocite:
        if key != '*' and key not in by_id:
            problems.error('nocite-unknown', f"nocite: no reference '{key}'{did_you_mean(key, by_id)}",
                           nocite_location)
    listed_anyway = [r.id for r in references] if '*' in nocite else [k for k in nocite if k in by_id]
    used = {key for group in cited.values() for key in group}
    for ref in references:
        if ref.id not in used and ref.id not in listed_anyway:
            problems.warning('reference-unused', f"the reference '{ref.id}' is never cited (list it under "
                             "'nocite:' in book.yaml to print it anyway)", ref.location)

    groups = cited or {'': {}}
    entries: dict[str, tuple[Entry, ...]] = {}
    silent: set[str] = set()
    for group, keys in groups.items():
        wanted = list(keys) + [k for k in listed_anyway if k not in keys]
        bib = CitationStylesBibliography(csl, source, MARKUP)
        for key in wanted:
            bib.register(Citation([CitationItem(key)]))
        if csl.has_bibliography():
            bib.sort()
        result = []
        for item in bib.items if csl.has_bibliography() else ():
            if item.key not in listed:
                silent.add(item.key)
                continue
            text = csl.render_bibliography([item])
            result.append(Entry(item.key, entry_id(group, item.key),
                                _markup(str(text[0]), {}, quotes_outside=not _punctuation_in_quote(style)),
                                tuple(keys.get(item.key, ()))))
        entries[group] = tuple(result)
    for key in sorted(silent):
        problems.warning('reference-no-entry', f"{style.name} prints no bibliography entry for '{key}' "
                         f"(type {by_id[key].data.get('type')}): it is cited but not listed", by_id[key].location)
    return Formatted(citations, entries, tuple(problems), style.note, style.title, {u.id: u.group for u in uses})


def _listed(csl, source, by_id) -> set[str]:  # type: ignore[no-untyped-def]
    from citeproc import Citation, CitationItem, CitationStylesBibliography

    listed = set()
    for key in by_id:
        bib = CitationStylesBibliography(csl, source, MARKUP)
        bib.register(Citation([CitationItem(key)]))
        text = csl.render_bibliography(bib.items)
        if text and str(text[0]).strip():
            listed.add(key)
    return listed


def _for_citeproc(data: dict) -> dict:
    """citeproc-py reads CSL-JSON but chokes on a few shapes reference managers write; smooth them."""
    out = dict(data)
    for name, value in data.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = str(value)
        if isinstance(value, dict) and 'raw' in value and 'date-parts' not in value:
            parts = [int(p) for p in re.findall(r'\d+', str(value['raw']))[:3]]
            if parts:
                out[name] = {'date-parts': [parts]}
            else:
                del out[name]
    return out


def _entry_id(key: str) -> str:
    """An XML id for a reference key: letters, digits, - _ . kept; anything else spelled out."""
    return 'ref-' + ''.join(c if c.isascii() and (c.isalnum() or c in '-_.') else f'_{ord(c):x}_' for c in key)


def _punctuation_in_quote(style: Style) -> bool:
    return style.locale == 'en-US'  # the CSL locales: American English only


def _authors(text: str, use: CitationUse) -> str:
    """Apply the author marks: the author alone, the citation without it, or ``Author (citation)``."""
    open_, close = citeproc_fixes.AUTHOR_OPEN, citeproc_fixes.AUTHOR_CLOSE
    start, end = text.find(open_), text.find(close)
    if start < 0 or end < start:
        return text.replace(open_, '').replace(close, '')
    author = text[start + 1:end]
    rest = text[:start] + text[end + 1:].lstrip(' ,')
    if use.author_only:
        return chr(_ITEM_BASE) + author + _ITEM_CLOSE
    if use.narrative:
        rest = rest.replace(open_, '').replace(close, '')
        return chr(_ITEM_BASE) + author + _ITEM_CLOSE + ' ' + rest.replace(chr(_ITEM_BASE), '', 1) \
            .replace(_ITEM_CLOSE, '', 1)
    return _authors(rest, use) if open_ in rest else rest


def _as_note(text: str, whole: bool) -> str:
    """A note starts with a capital ("See …"); a citation inside an author's sentence leaves its full stop to it."""
    if not whole:
        return text.rstrip('.')
    first = next((i for i, c in enumerate(text) if c.isalpha()), None)
    return text if first is None else text[:first] + text[first].upper() + text[first + 1:]


_URL = re.compile(r'https?://[^\s\ue000-\ue1ff]+[^\s.,;:)\ue000-\ue1ff]')


def _markup(text: str, links: dict[int, str], *, quotes_outside: bool = True) -> str:
    """Our marker language -> an XHTML fragment, built element by element."""
    text = text.replace("'", '\u2019')
    if not quotes_outside:
        text = re.sub('([\u201d\u2019])([\ue003\ue01f]*)([.,])', r'\3\1\2', text)
    root = etree.Element('span')
    stack = [root]

    def add_text(segment: str) -> None:
        if any(e.tag == 'a' for e in stack):  # no link inside a link
            _append_text(stack[-1], segment)
            return
        for i, piece in enumerate(_URL.split(segment)):
            if i:
                url = _URL.findall(segment)[i - 1]
                link = etree.SubElement(stack[-1], 'a', href=url)
                link.text = url
            _append_text(stack[-1], piece)

    buffer = ''
    for ch in text:
        mark = _FORMATS.get(ch)
        if mark or ch in (_CLOSE, _ITEM_CLOSE) or _ITEM_BASE <= ord(ch) < _ITEM_BASE + 256:
            add_text(buffer)
            buffer = ''
            if mark:
                stack.append(etree.SubElement(stack[-1], mark[0], **({'class': mark[1]} if mark[1] else {})))
            elif ch in (_CLOSE, _ITEM_CLOSE):
                if len(stack) > 1:
                    stack.pop()
            else:
                href = links.get(ord(ch) - _ITEM_BASE)
                # An item without an entry to link to opens no element; its close pops the same parent.
                stack.append(etree.SubElement(stack[-1], 'a', href=href) if href else stack[-1])
        else:
            buffer += ch
    add_text(buffer)
    html = etree.tostring(root, encoding='unicode', method='xml')
    return html[len('<span>'):-len('</span>')] if html.startswith('<span>') else ''


def _append_text(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or '') + text
    else:
        parent.text = (parent.text or '') + text

