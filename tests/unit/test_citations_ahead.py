"""The citations read ahead of the parse (``citations/ahead.py``): Pandoc formats them while the chapters are
parsed, and its output is used only for the very document the parsed citations make."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.citations.ahead import book_citations, citations_ahead, citations_in
from builder.citations.pandoc import RunningPandoc
from builder.citations.resolve import citation_uses
from builder.diagnostics import Diagnostics
from builder.load import load
from builder.markdown import make_parser
from builder.markdown.state import new_env
from builder.options import BuildOptions
from builder.parse import parse_book
from builder import pipeline
from builder.pipeline import check

from conftest import REPO, copy_book, replace_text, set_key

# Where a quick read of the text could go wrong: notes defined before, after and without their calls, an inline
# note, a lazy and an indented continuation, code of both kinds, cross-references, escapes, addresses.
CHAPTER = '''\
---
title: "A title with @notakey"
---
Text [@a] with a note[^x], an inline one^[Inline [@b, p. 3] note.] and a numbered example (@good), as @c says.

[^unused]: Never called [@z].

[^x]: A note citing @d [p. 4] and
lazily continued [@e].

    Its second paragraph [@f], and the note's own call[^y].

[^y]: A note within a note [@g; see @h, chaps. 2--3].

Back in the text: [@fig-map], @sec-intro, `[@code]`, \\[@escaped], [a link](https://example.org/@x) and
[@i]{.span}, mail me@example.org.

- an item [-@j]
    its paragraph, indented as Pandoc writes it [@k]

```
[@fenced]
```

    [@indented-code]

> quoted [@l] and @m [sec. National Reconciliation] too.

(@good) An example, which (@good) and (@other) refer to: the second no example's label, so a citation.
'''


def parsed_citations(text: str, notes: bool = False) -> list:
    """What the parse reads: the citations of the token stream, in its order; in a note style (``notes``), each
    with whether Pandoc is given it in a note (one of the author's), as ``format.py`` sends them."""
    tokens = make_parser('en', citation_notes=notes).parse(text, new_env('chapter', Path('chapter.md'), Diagnostics()))
    uses = citation_uses('chapter', tokens)
    if not notes:
        return [use.raw for use in uses]
    return [(use.raw, not use.whole_note) for use in uses if not use.author_only]


def guessed(text: str, notes: bool = False) -> list:
    """What is read ahead, as ``parsed_citations`` gives the parse's."""
    found = citations_in(text, notes)
    return found if notes else [raw for raw, _ in found]


@pytest.mark.parametrize('notes', [False, True], ids=['author-date', 'notes'])
def test_a_chapter_is_read_ahead_as_the_parse_reads_it(notes):
    parsed = parsed_citations(CHAPTER, notes)
    assert len(parsed) == 14  # the text's own count: no code, cross-reference, address, example or unused note
    assert guessed(CHAPTER, notes) == parsed


@pytest.mark.parametrize('notes', [False, True], ids=['author-date', 'notes'])
@pytest.mark.parametrize('text', [
    'Hard-wrapped, in a quote:\n\n> as [see\n> @a, p. 3] says, and @b\n> [p. 4].\n',
    'In a list:\n\n- an item [see\n  @a, p. 3]\n- another, [@b;\n  @c]\n',
    'A note.[^1] Then [@z].\n\n[^1]: Its citation [see\n    @a, p. 3], and a call of another[^2].\n\n[^2]: [@n].\n',
    'A link in a note.^[See [the site](https://example.org/a) and [@a, p. 3].] End [@b].\n',
    'First [@a].[^x] Second @b says.^[inline [@c]] Third [@d][^x].\n\n[^x]: A note [@e].\n',
    '[^2]: A note defined first, calling another[^1].\n\n[^1]: [@n].\n\nA[^2] [@a] B[^1] [@b].\n',
    'A^[see [@x] and[^1]] [@a] B[^1] [@b].\n\n[^1]: [@n].\n',  # first called from a note, then in the text
    'A link [as @a says](https://example.org) and a figure:\n\n![Kabul, as @m shows.](map.png)\n',
    'A note.[^1]\n\n[^1]: Its first paragraph.\n\n\tIts second, indented by a tab [@a].\n',
])
def test_citations_across_lines_and_in_notes_are_read_ahead_as_parsed(text, notes):
    parsed = parsed_citations(text, notes)
    assert parsed and guessed(text, notes) == parsed


@pytest.mark.parametrize('text', [
    'A paragraph [see\n   @a, p. 3] with an indented line.\n',  # the parse keeps the indentation there
    'A list:\n\n1.  one\n\n        [@in-the-item-code]\n',  # indented code in a list item, read as text ahead
    'Some math: $x [@a]$.\n',  # no citation in math
])
def test_a_guess_may_differ_from_the_parse(text):
    """The guess is a guess: these differ, and the build then formats what the parse read (below)."""
    assert guessed(text) != parsed_citations(text)


@pytest.mark.parametrize('text', [
    'A quote:\n\n> Text[^1] [@a].\n>\n> [^1]: A note defined in the quote [@n].\n',
    'A[^1] [@a].\n\n[^1]: First [@x].\n\n[^1]: The same label again, which the parse keeps [@y].\n',
])
def test_a_note_style_guess_may_differ_from_the_parse(text):
    assert guessed(text, notes=True) != parsed_citations(text, notes=True)


@pytest.mark.parametrize('style', ['chicago-author-date', 'chicago-notes-bibliography'])
@pytest.mark.parametrize('book', ['coursepack', 'citations', 'glossary', 'pandoc', 'permissions', 'spanish'])
def test_each_book_with_citations_is_read_ahead_as_parsed(book, style, tmp_path):
    if book == 'coursepack':  # its text, without the checkout around it
        root = tmp_path / book
        shutil.copytree(REPO / 'chapters', root / 'chapters')
        for name in ('book.yaml', 'references.yaml', 'glossary.yaml', 'chronology.yaml'):
            shutil.copy(REPO / name, root / name)
    else:
        root = copy_book(book, tmp_path)
    set_key(root, f'citation-style: {style}')
    diagnostics = Diagnostics()
    loaded = load(root, diagnostics)
    chapters, notes = parse_book(loaded, diagnostics)
    uses = [use for parsed in chapters for use in citation_uses(parsed.chapter.id, parsed.tokens)]
    uses += [use for group, tokens in notes.streams() for use in citation_uses(group, tokens)]
    note = loaded.style.note
    # As format.py sends them: in a note style, a narrative citation's author alone is not sent
    sent = [(use.raw, note and not use.whole_note) for use in uses if not (note and use.author_only)]
    assert sent and [(raw, note and in_note) for raw, in_note in book_citations(loaded)] == sent


PARSED = '(the chapters parsed)'


@pytest.fixture
def pandoc_runs(monkeypatch):
    """The documents each Pandoc was started on, ahead or not (the real Pandoc runs), and ``PARSED`` where the
    build parsed the chapters."""
    events: list[str] = []
    start, parse = RunningPandoc.__init__, pipeline.parse_book

    def counted(self, args: list[str], text: str = '') -> None:
        events.append(text)
        start(self, args, text)

    def parsed(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = parse(*args, **kwargs)
        events.append(PARSED)
        return found

    monkeypatch.setattr(RunningPandoc, '__init__', counted)
    monkeypatch.setattr(pipeline, 'parse_book', parsed)
    return events


def formatted(root: Path, **options) -> str:
    """The text of every formatted citation of the book in ``root``, checked with ``options``."""
    citations = check(root, BuildOptions(**options), Diagnostics()).whole.bibliography.citations
    return ' '.join(re.sub('<[^>]*>', '', ' | '.join(citations.values())).split())


@pytest.mark.parametrize('style, formatted_citation', [
    ('chicago-author-date', '(Kalinovsky 2011, 99)'),
    ('chicago-notes-bibliography', 'Artemy M. Kalinovsky, A Long Goodbye: The Soviet Withdrawal from Afghanistan'),
])
def test_pandoc_runs_once_when_the_guess_is_right(tmp_path, pandoc_runs, style, formatted_citation):
    book = copy_book('citations', tmp_path)
    set_key(book, f'citation-style: {style}')
    citations = formatted(book, cache=False)
    [document, parsed] = pandoc_runs  # one Pandoc, started before the parse
    assert parsed == PARSED and formatted_citation in citations


def test_a_wrong_guess_formats_what_the_parse_read(tmp_path, pandoc_runs):
    book = copy_book('citations', tmp_path)
    replace_text(book, 'chapters/02-accords.md', '[@un-geneva]', '[see\n   @un-geneva, p. 3]')
    citations = formatted(book, cache=False)
    guess, parsed, read = pandoc_runs
    assert '[see\n@un-geneva, p. 3]' in guess and '[see\n   @un-geneva, p. 3]' in read
    assert '(see United Nations 1988, 3)' in citations


def test_nothing_is_read_ahead_once_a_formatting_is_kept(tmp_path, pandoc_runs):
    """An edit's citations are most often the last build's, kept: Pandoc would run for nothing."""
    book = copy_book('citations', tmp_path)
    formatted(book)
    assert pandoc_runs[1:] == [PARSED]  # the first build's run, ahead
    replace_text(book, 'chapters/02-accords.md', '[@un-geneva]', '[@un-geneva, p. 4]')
    citations = formatted(book)
    assert pandoc_runs[1:3] == [PARSED, PARSED] and len(pandoc_runs) == 4  # then the parsed citations' run only
    assert '(United Nations 1988, 4)' in citations


def test_a_run_not_used_is_stopped_and_its_folder_removed(tmp_path):
    """A build that fails before it formats the citations leaves no Pandoc running, nor its files."""
    book = load(copy_book('citations', tmp_path), Diagnostics())
    with citations_ahead(book, kept=lambda: False) as pandoc:
        running = pandoc.__self__.running  # the run started ahead
        process, folder = running.process, Path(running.home.name)
        assert process.poll() is None and folder.is_dir()
    assert process.returncode is not None and not folder.exists()


def test_a_style_edited_while_pandoc_ran_ahead_is_formatted_again(tmp_path, pandoc_runs):
    """Pandoc read the style as it was when it started: its output is not taken for the style as it is now."""
    book = copy_book('citations', tmp_path)
    shutil.copy(REPO / 'builder' / 'citations' / 'csl' / 'chicago-author-date.csl', book / 'csl' / 'mine.csl')
    set_key(book, 'citation-style: csl/mine.csl')
    loaded = load(book, Diagnostics())
    with citations_ahead(loaded, kept=lambda: False) as pandoc:
        ahead = pandoc.__self__
        replace_text(book, 'csl/mine.csl', '<layout delimiter="; " prefix="(" suffix=")">',
                     '<layout delimiter="; " prefix="[" suffix="]">')
        printed = pandoc(ahead.args, ahead.document)
    assert len(pandoc_runs) == 2 and printed.count('"c":"[') > printed.count('"c":"(')  # the style as edited
