"""The citations read ahead of the parse, from the Markdown's text, so that Pandoc formats them while the chapters
are parsed.

Pandoc's run is the longest wait of a first build's resolve stage (0.3 s at 50 pages, 0.7 s at 200), and it
started once every chapter was parsed. The citations' sources can mostly be found without parsing: a bracketed
citation ``[see @a, p. 3]`` that :func:`~builder.markdown.citations.is_citation` accepts, a narrative ``@a``
(with its ``[p. 3]``), in the order the parse gives their tokens (:func:`citations_in`: the notes' after the
running text's, or in a note style each note where it is first called). That guess is only a guess:
:class:`CitationsAhead` hands Pandoc's output on only for the very document that the parsed citations make
(``format.py``), so a wrong guess (a citation in code indented inside a list item, in math, in raw HTML) costs
one run of Pandoc, never a wrong citation.

Read ahead only where it is likely to be used: on a build with no formatting kept (a first build, or
``--no-cache``), with one bibliography for the book (per-chapter bibliographies group the citations by the
chapters' ids, which the parse gives).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..cache import file_hash
from ..markdown.citations import KEY, is_citation
from ..markdown.crossrefs import TARGET
from ..model import Book
from .format import document_for, listed_uncited, pandoc_args
from .pandoc import PandocError, RunningPandoc, run_pandoc
from .resolve import references_file_of

# What the parse never reads citations in, masked (same length, so that the text's offsets stay): code spans,
# HTML comments, escaped characters, link destinations, cross-references (``[@fig-map]``, ``@sec-a``) and
# references to numbered examples (``(@good)``, where an example has that label: see ``_masked``). Each branch
# begins by the character its match begins with, then looks behind to it: a pattern that begins with a class of
# characters is searched for five times faster.
_UNREAD = re.compile(rf"""[`<\\\]\[@(] (?:
    (?<=`) (?P<ticks>`*) (?!`) .*? (?<!`) ` (?P=ticks) (?!`)
  | (?<=<) !-- .*? -->
  | (?<=\\) .
  | (?<=\]) (?P<destination> \( [^)\s]* \) )
  | (?<=\[) @{TARGET} \]
  | (?<=@) (?<![\w@]@) {TARGET}
  | (?<=\() @ (?P<example>(?!{TARGET}\))[\w-]+) \) )""", re.S | re.X)
# A numbered example's label, where its list item starts: ``(@good)`` in the text refers to it
_EXAMPLE = re.compile(r'^ {0,3}\(@([\w-]+)\)\s', re.M)
_FENCE = re.compile(r' {0,3}(`{3,}|~{3,})')
_FRONT_MATTER = re.compile(r'---\n.*?\n(?:---|\.\.\.)\n', re.S)
# A list item's or a note definition's first line: what follows it indented is its own, not code
_CONTAINER = re.compile(r' {0,3}(?:[-*+]|\(?(?:\d{1,9}|[a-zA-Z]|[ivxlcdmIVXLCDM]+|#)[.)]|\[\^[^\]\s]+\]:)(?:\s|$)')
_DEFINITION = re.compile(r' {0,3}\[\^([^\]\s]+)\]:')
# A bracketed citation's inside (not a note's call), or a narrative citation's key
_CANDIDATE = re.compile(r'[\[@](?:(?<=\[)(?!\^)(?P<inside>[^\[\]]*)\](?![(\[{])|(?<=@)(?<![\w@]@)' + KEY + ')')
_CONTINUED = re.compile(r'\n[ \t>]*')
_NOTE_CALL = re.compile(r'\[\^([^\]\s]+)\](?!:)|\^\[')


def citations_in(text: str, notes: bool = False) -> list[tuple[str, bool]]:
    """The source of each citation of a chapter's Markdown, and whether it stands in one of the author's notes, in
    the order of its parsed tokens (``markdown/citations.py``):

    * by default, the running text's, then each note's, in the order of the notes' first calls, wherever they are;
    * with ``notes`` (a note style), where each citation of the running text is a note of its own, called where it
      stands: the notes, the author's and these, in the order of their first calls in the running text, then the
      notes called only from other notes (``_citations_to_notes``).
    """
    masked = _masked(text)
    body, definitions = _split_definitions(masked)
    inline_notes: list[tuple[int, int]] = []  # ^[…]: (start, end) of their insides
    calls: list[tuple[int, str | tuple[int, int]]] = []  # every call of a note: where, the note (label, or span)
    for call in _NOTE_CALL.finditer(masked):
        if call.group(1) is not None:
            if call.group(1) in definitions:
                calls.append((call.start(), call.group(1)))
        else:
            end = _closing_bracket(masked, call.end())
            if end > 0:
                inline_notes.append((call.end(), end))
                calls.append((call.start(), (call.end(), end)))
    skipped = [span for spans in definitions.values() for span in spans] + inline_notes
    first_calls: dict[str | tuple[int, int], int] = {}  # each note at its first call, wherever it is
    in_text: dict[str | tuple[int, int], int] = {}  # each note at its first call in the running text
    for at, note in calls:
        first_calls.setdefault(note, at)
        if not _inside(at, skipped):
            in_text.setdefault(note, at)

    def in_note(note: str | tuple[int, int]) -> list[tuple[str, bool]]:
        spans = definitions[note] if isinstance(note, str) else [note]
        return [(raw, True) for span in spans for at, raw in _citations(text, masked, [span])
                if not any(inner != span and _inside(at, [inner]) for inner in inline_notes)]

    running = [(at, [(raw, False)]) for at, raw in _citations(text, masked, body) if not _inside(at, skipped)]
    if not notes:
        return [cited for _, found in running for cited in found] + [
            cited for note in first_calls for cited in in_note(note)]
    called = [(at, in_note(note)) for note, at in in_text.items()]
    return [cited for _, found in sorted(running + called, key=lambda item: item[0]) for cited in found] + [
        cited for note in first_calls if note not in in_text for cited in in_note(note)]


def _citations(text: str, masked: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, str]]:
    """The citations in ``spans`` of ``text`` (found in ``masked``), by where each starts. They are found as the
    inline rules of ``markdown/citations.py`` find them (``_bracketed``, ``_narrative``): the two must agree."""
    for start, end in spans:
        position = start
        while True:
            match = _CANDIDATE.search(masked, position, end)
            if match is None:
                break
            if match['inside'] is not None:
                if is_citation(match['inside']):
                    yield match.start(), _as_parsed(text[match.start():match.end()])
                    position = match.end()
                else:
                    position = match.start() + 1
                continue
            stop = match.end()
            bracket = stop + 1 if masked.startswith(' [', stop) else stop if masked.startswith('[', stop) else -1
            if bracket >= 0 and not masked.startswith(('[@', '[^'), bracket):
                close = masked.find(']', bracket)
                inside = masked[bracket + 1:close] if close > 0 else ''
                if close > 0 and '@' not in inside and '[' not in inside \
                        and masked[close + 1:close + 2] not in ('(', '[', '{'):
                    stop = close + 1
            yield match.start(), _as_parsed(text[match.start():stop])
            position = stop


def _as_parsed(raw: str) -> str:
    """A citation's source as the parse reads it: a line it continues on without the indentation or the ``>`` of
    the list item, note or block quote it stands in (hard-wrapped text; a paragraph's own indented line keeps its
    indentation there, and is missed)."""
    return _CONTINUED.sub('\n', raw) if '\n' in raw else raw


def _masked(text: str) -> str:
    """``text`` with what is never read for citations blanked out, at the same offsets."""
    front = _FRONT_MATTER.match(text)
    lines = (' ' * front.end() + text[front.end():] if front else text).split('\n')
    fence, last = '', None  # the open fence; the kind of the last line with words: text, container, code
    for n, line in enumerate(lines):
        opening = _FENCE.match(line)
        indented = line.startswith(('    ', '\t'))
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line[opening.end():].strip():
                fence = ''
            lines[n] = ' ' * len(line)
        elif opening:  # a fence, not indented, ends a list: what is indented after it is code
            fence, last, lines[n] = opening.group(1), 'text', ' ' * len(line)
        elif indented and (last == 'code' or last == 'text' and not lines[n - 1].strip()):
            last, lines[n] = 'code', ' ' * len(line)  # an indented code block (not a list item's paragraph)
        elif line.strip():
            continued = indented or lines[n - 1].strip()  # indented, or its paragraph's next line
            last = 'container' if _CONTAINER.match(line) or continued and last == 'container' else 'text'
    text = '\n'.join(lines)
    examples = set(_EXAMPLE.findall(text))

    def blank(unread: re.Match[str]) -> str:
        label, found = unread['example'], unread.group(0)
        if label and label not in examples:
            return found  # a citation in parentheses
        if unread['destination']:  # a link's ]( stays: what it closes is a link's text, not a citation
            return '](' + ' ' * (len(found) - 2)
        return ' ' * len(found)

    return _UNREAD.sub(blank, text)


def _split_definitions(masked: str) -> tuple[list[tuple[int, int]], dict[str, list[tuple[int, int]]]]:
    """The running text's spans, and each note definition's (by label): a definition is its line, the lines that
    continue its paragraph, and the indented blocks after it."""
    body: list[tuple[int, int]] = []
    definitions: dict[str, list[tuple[int, int]]] = {}
    offset, current, blank_before = 0, None, False
    for line in masked.split('\n'):
        end = offset + len(line) + 1
        definition = _DEFINITION.match(line)
        if definition:
            current = definitions.setdefault(definition.group(1), [])
            _extend(current, offset + definition.end(), end)
        elif current is not None and (not line.strip() or line.startswith(('    ', '\t')) or not blank_before):
            _extend(current, offset, end)
        else:
            current = None
            _extend(body, offset, end)
        blank_before = not line.strip()
        offset = end
    return body, definitions


def _extend(spans: list[tuple[int, int]], start: int, end: int) -> None:
    """Add a line to ``spans``: to the last span when it ends where the line starts (a citation may span lines)."""
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def _closing_bracket(text: str, start: int) -> int:
    depth = 1
    for index in range(start, len(text)):
        depth += {'[': 1, ']': -1}.get(text[index], 0)
        if depth == 0:
            return index
    return -1


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def book_citations(book: Book) -> list[tuple[str, bool]]:
    """Every citation the book's chapters, then its glossary and chronology, are likely to hold, in the order of
    ``resolve.resolve_citations``, each with whether Pandoc is given it in a note (``format.document_for``): in a
    note style, those of the author's notes, and those of the glossary and the chronology, which have no notes."""
    note_style = bool(book.style and book.style.note)
    found = [(raw, note_style and in_note) for source in book.sources
             for raw, in_note in citations_in(source.text, note_style)]
    for texts in ([t.definition for t in book.terms], [t.sources for t in book.terms],
                  [e.text for e in book.events], [e.sources for e in book.events]):
        found += [(raw, note_style) for text in texts if text for raw, _ in citations_in(text)]
    return found


class CitationsAhead:
    """Pandoc, started on the citations read ahead; :meth:`run` stands for :func:`run_pandoc`: the same
    arguments and document as the one started give its output (once), if the files Pandoc reads (``read``: their
    hashes) did not change since it started; else Pandoc runs again. A style edited while the chapters were parsed
    would otherwise be formatted as it was, and kept under the hash of what it became."""

    def __init__(self, args: list[str], document: str, read: Callable[[], tuple[str, ...]]) -> None:
        self.args, self.document, self.read = args, document, read
        self.files = read()
        self.running: RunningPandoc | None = RunningPandoc(args, document)

    def run(self, args: list[str], document: str) -> str:
        running, self.running = self.running, None
        if running is not None and args == self.args and document == self.document and self._files_unchanged():
            return running.output()
        if running is not None:
            running.stop()  # a wrong guess
        return run_pandoc(args, document)

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()

    def _files_unchanged(self) -> bool:
        try:
            return self.read() == self.files
        except OSError:
            return False  # gone: the run that reads them again says so


@contextmanager
def citations_ahead(book: Book, kept: Callable[[], bool]) -> Iterator[Callable[[list[str], str], str]]:
    """What formats the citations: Pandoc started on the citations read ahead, where they are likely to be the
    book's and ``kept()`` says that the last build kept no formatting; else :func:`run_pandoc`. On leaving, a run
    that was not used is stopped (the build failed before it formatted the citations)."""
    config, style = book.config, book.style
    references_file = references_file_of(book)
    if style is None or config.bibliography == 'per-chapter' or references_file is None or kept():
        yield run_pandoc
        return
    citations = book_citations(book)
    if not citations:
        yield run_pandoc
        return
    document = document_for(citations, style, listed_uncited(config.nocite, book.references), book.references,
                            references_file)
    try:
        ahead = CitationsAhead(pandoc_args(style, references_file), document,
                               lambda: (file_hash(style.path), file_hash(references_file)))
    except (PandocError, OSError):
        yield run_pandoc  # no Pandoc, or no file: the formatting says so, where it is located
        return
    try:
        yield ahead.run
    finally:
        ahead.stop()
