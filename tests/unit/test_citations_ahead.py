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


def parsed_citations(text: str) -> list[str]:
    """What the parse reads: the citations of the token stream, in its order."""
    tokens = make_parser('en').parse(text, new_env('chapter', Path('chapter.md'), Diagnostics()))
    return [use.raw for use in citation_uses('chapter', tokens)]


def test_a_chapter_is_read_ahead_as_the_parse_reads_it():
    parsed = parsed_citations(CHAPTER)
    assert len(parsed) == 14  # the text's own count: no code, cross-reference, address, example or unused note
    assert citations_in(CHAPTER) == parsed


@pytest.mark.parametrize('text', [
    'Hard-wrapped, in a quote:\n\n> as [see\n> @a, p. 3] says, and @b\n> [p. 4].\n',
    'In a list:\n\n- an item [see\n  @a, p. 3]\n- another, [@b;\n  @c]\n',
    'A note.[^1]\n\n[^1]: Its citation [see\n    @a, p. 3].\n',
    'A link in a note.^[See [the site](https://example.org/a) and [@a, p. 3].] End.\n',
])
def test_a_citation_across_lines_of_a_block_is_read_ahead_as_parsed(text):
    parsed = parsed_citations(text)
    assert parsed and citations_in(text) == parsed


@pytest.mark.parametrize('text', [
    'A paragraph [see\n   @a, p. 3] with an indented line.\n',  # the parse keeps the indentation there
    'A list:\n\n1.  one\n\n        [@in-the-item-code]\n',  # indented code in a list item, read as text ahead
    'Some math: $x [@a]$.\n',  # no citation in math
])
def test_a_guess_may_differ_from_the_parse(text):
    """The guess is a guess: these differ, and the build then formats what the parse read (below)."""
    assert citations_in(text) != parsed_citations(text)


@pytest.mark.parametrize('book', ['coursepack', 'citations', 'glossary', 'pandoc', 'permissions', 'spanish'])
def test_each_book_with_citations_is_read_ahead_as_parsed(book):
    root = REPO if book == 'coursepack' else REPO / 'tests' / 'books' / book
    diagnostics = Diagnostics()
    loaded = load(root, diagnostics)
    chapters, notes = parse_book(loaded, diagnostics)
    uses = [use.raw for parsed in chapters for use in citation_uses(parsed.chapter.id, parsed.tokens)]
    uses += [use.raw for group, tokens in notes.streams() for use in citation_uses(group, tokens)]
    assert uses
    assert book_citations(loaded) == uses


@pytest.fixture
def pandoc_runs(monkeypatch):
    """The documents each Pandoc was started on, ahead or not (the real Pandoc runs)."""
    documents: list[str] = []
    start = RunningPandoc.__init__

    def counted(self, args: list[str], text: str = '') -> None:
        documents.append(text)
        start(self, args, text)

    monkeypatch.setattr(RunningPandoc, '__init__', counted)
    return documents


def formatted(root: Path, **options) -> str:
    """The text of every formatted citation of the book in ``root``, checked with ``options``."""
    citations = check(root, BuildOptions(**options), Diagnostics()).whole.bibliography.citations
    return ' '.join(re.sub('<[^>]*>', '', ' | '.join(citations.values())).split())


def test_pandoc_runs_once_when_the_guess_is_right(tmp_path, pandoc_runs):
    book = copy_book('citations', tmp_path)
    citations = formatted(book, cache=False)
    assert len(pandoc_runs) == 1
    assert '(Kalinovsky 2011, 99)' in citations


def test_a_wrong_guess_formats_what_the_parse_read(tmp_path, pandoc_runs):
    book = copy_book('citations', tmp_path)
    replace_text(book, 'chapters/02-accords.md', '[@un-geneva]', '[see\n   @un-geneva, p. 3]')
    citations = formatted(book, cache=False)
    guess, read = pandoc_runs
    assert '[see\n@un-geneva, p. 3]' in guess and '[see\n   @un-geneva, p. 3]' in read
    assert '(see United Nations 1988, 3)' in citations


def test_nothing_is_read_ahead_once_a_formatting_is_kept(tmp_path, pandoc_runs):
    """An edit's citations are most often the last build's, kept: Pandoc would run for nothing."""
    book = copy_book('citations', tmp_path)
    formatted(book)
    assert len(pandoc_runs) == 1
    replace_text(book, 'chapters/02-accords.md', '[@un-geneva]', '[@un-geneva, p. 4]')
    citations = formatted(book)
    assert len(pandoc_runs) == 2  # the parsed citations' run only
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
