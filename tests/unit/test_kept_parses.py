"""Each chapter's parse is kept for the next build (in the book's cache folder; in memory too, in ``coursepack
watch``): what a parse would give, problems and all."""

from __future__ import annotations

import sys

import pytest

from builder.diagnostics import Diagnostics
from builder.kept_parses import KeptParses, cache_folder
from builder.load import load
from builder.parse import parse

from conftest import build, copy_book, replace_text


def parsed(book, kept: KeptParses | None) -> tuple[tuple, Diagnostics]:
    """The book's chapters parsed, and the parses kept for the next, as a build keeps them."""
    diagnostics = Diagnostics()
    chapters = parse(load(book, diagnostics), diagnostics, kept=kept)
    if kept is not None:
        kept.keep_only_this_builds()
    return chapters, diagnostics


def tokens_of(chapter) -> list[dict]:  # type: ignore[no-untyped-def]
    """A chapter's tokens, field by field, their children too, to compare two parses."""
    return [token.as_dict() for token in chapter.tokens]


def test_a_kept_parse_is_the_parse_with_its_problems_and_this_builds_diagnostics(tmp_path):
    book = copy_book('minimal', tmp_path)
    first, second = sorted((book / 'chapters').glob('*.md'))
    first.write_text(first.read_text() + '\nRaw TeX, \\textbf{bold}, is printed as written.\n')
    kept = KeptParses()
    before, told_before = parsed(book, kept)
    second.write_text(second.read_text() + '\nA sentence added since.\n')
    again, told = parsed(book, kept)
    fresh, told_fresh = parsed(book, None)

    assert [str(d) for d in told] == [str(d) for d in told_fresh] == [str(d) for d in told_before]
    assert any('raw-latex' in str(d) for d in told)  # found while parsing the first chapter, kept with it
    for kept_chapter, fresh_chapter in zip(again, fresh):
        assert tokens_of(kept_chapter) == tokens_of(fresh_chapter)
        # Later stages report through the chapter's env (rendering), into this build's diagnostics
        assert kept_chapter.env['builder'].diagnostics is told
    # Tokens of its own for every build: later stages change them (links settled), which no later build must see
    assert not {id(token) for token in again[0].tokens} & {id(token) for token in before[0].tokens}
    assert 'A sentence added since.' in [t.content for t in again[1].tokens if t.type == 'inline']


def test_a_chapter_is_parsed_again_when_what_its_parse_reads_changes(tmp_path):
    book = copy_book('minimal', tmp_path)
    first = sorted((book / 'chapters').glob('*.md'))[0]
    first.write_text(first.read_text() + '\nA "quoted" word.\n')
    kept = KeptParses()
    english, _ = parsed(book, kept)
    replace_text(book, 'book.yaml', 'language: en', 'language: fr')  # the parser's quotation marks are the language's
    french, _ = parsed(book, kept)
    fresh, _ = parsed(book, None)
    quoted = [''.join(child.content for child in token.children) for token in french[0].tokens
              if token.type == 'inline' and 'quoted' in token.content]
    assert quoted and '«' in quoted[0], quoted
    assert tokens_of(french[0]) == tokens_of(fresh[0]) != tokens_of(english[0])


def test_a_watcher_parses_ahead_and_a_rebuild_parses_only_what_was_saved(tmp_path, monkeypatch):
    """Started on a book whose outputs are up to date, a watcher parses it while it waits (``parse_ahead``), so
    that its first rebuild parses the chapter saved, and no other, as every later one does."""
    from builder.options import BuildOptions
    from builder.pipeline import parse_ahead

    book = copy_book('minimal', tmp_path)
    kept = KeptParses()
    parse_ahead(book, BuildOptions(), kept)
    assert kept
    parsed_now = parsing_recorded(monkeypatch)
    second = sorted((book / 'chapters').glob('*.md'))[1]
    second.write_text(second.read_text() + '\nA sentence saved while watching.\n')
    chapters, _ = parsed(book, kept)
    assert parsed_now == ['chapters/02-second.md'] and len(chapters) == 2


def parsing_recorded(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The chapters parsed from now on (not taken from kept parses), by path."""
    import builder.parse

    parsed_now: list[str] = []
    each = builder.parse._parse_chapter
    monkeypatch.setattr(builder.parse, '_parse_chapter', lambda md, chapter, *rest: parsed_now.append(chapter.path)
                        or each(md, chapter, *rest))
    return parsed_now


@pytest.mark.build
def test_a_build_reads_the_parses_the_last_build_kept_in_the_cache_folder(tmp_path, monkeypatch):
    """A build is a process of its own: the parses it keeps for the next are files in the book's cache folder."""
    book = copy_book('minimal', tmp_path)
    first, second = sorted((book / 'chapters').glob('*.md'))
    first.write_text(first.read_text() + '\nRaw TeX, \\textbf{bold}, is printed as written.\n')
    before, told_before = parsed(book, KeptParses(cache_folder(book), remember=False))
    assert len(list((book / '.coursepack-cache' / 'parses').iterdir())) == 2
    second.write_text(second.read_text() + '\nA sentence added since.\n')
    parsed_now = parsing_recorded(monkeypatch)
    again, told = parsed(book, KeptParses(cache_folder(book), remember=False))
    assert parsed_now == ['chapters/02-second.md']
    fresh, told_fresh = parsed(book, None)
    assert [str(d) for d in told] == [str(d) for d in told_fresh] == [str(d) for d in told_before]
    assert any('raw-latex' in str(d) for d in told)  # the first chapter's, read from its kept parse
    assert [tokens_of(c) for c in again] == [tokens_of(c) for c in fresh]
    assert again[0].env['builder'].diagnostics is told
    # Every chapter's file and id, one dict for the whole book, as a parse makes them (a copy each: 2.6 MB at 824 p)
    assert again[0].env['builder'].chapter_files is again[1].env['builder'].chapter_files
    # The edited chapter's earlier parse is kept as well (an undo finds it), up to two a chapter
    assert len(list((book / '.coursepack-cache' / 'parses').iterdir())) == 3
    # A build keeps them; with --no-cache, it reads and writes none
    kept = {path.name for path in (book / '.coursepack-cache' / 'parses').iterdir()}
    first.write_text(first.read_text() + '\nAnother sentence.\n')
    assert build(book, '--no-cache', '--format', 'epub').code == 0
    assert {path.name for path in (book / '.coursepack-cache' / 'parses').iterdir()} == kept
    assert build(book, '--format', 'epub').code == 0
    assert len({path.name for path in (book / '.coursepack-cache' / 'parses').iterdir()} - kept) == 1


class Runs:
    """Pickled, calls ``call(*args)``: what a kept parse planted in a book folder could name."""

    def __init__(self, call, *args) -> None:  # type: ignore[no-untyped-def]
        self.call, self.args = call, args

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return self.call, self.args


def test_a_kept_parse_that_names_anything_but_data_is_parsed_again_and_runs_nothing(tmp_path, monkeypatch):
    import builtins
    import pickle

    from builder.cache import write_bytes

    book = copy_book('minimal', tmp_path)
    parsed(book, KeptParses(cache_folder(book), remember=False))
    files = sorted((book / '.coursepack-cache' / 'parses').iterdir())
    ran = tmp_path / 'ran'
    planted = [
        pickle.dumps(Runs(builtins.exec, f'open({str(ran)!r}, "w")')),  # a function of Python's
        pickle.dumps(Runs(write_bytes, ran, b'x')),  # a function of the builder's
        pickle.dumps(Runs(__import__, 'antigravity')),  # a module that does something when imported
    ]
    for planted_pickle in planted:
        for path in files:
            path.write_bytes(planted_pickle)
        parsed_now = parsing_recorded(monkeypatch)
        chapters, _ = parsed(book, KeptParses(cache_folder(book), remember=False))
        assert parsed_now == ['chapters/01-first.md', 'chapters/02-second.md']
        assert not ran.exists() and 'antigravity' not in sys.modules
        assert [tokens_of(c) for c in chapters] == [tokens_of(c) for c in parsed(book, None)[0]]
    for path in files:  # damaged: cut short
        path.write_bytes(path.read_bytes()[:100])
    parsed_now = parsing_recorded(monkeypatch)
    parsed(book, KeptParses(cache_folder(book), remember=False))
    assert parsed_now == ['chapters/01-first.md', 'chapters/02-second.md']


def test_a_parse_that_holds_the_builds_diagnostics_elsewhere_is_not_kept(tmp_path, monkeypatch):
    """The env's collection of diagnostics is the build's, given back when a kept parse is read; one held anywhere
    else in a parse (by a plugin, say) would be read back as a copy, which later stages would report into unseen."""
    import builder.parse

    book = copy_book('minimal', tmp_path)
    each = builder.parse._parse_chapter

    def holding(md, chapter, text, files, diagnostics):  # type: ignore[no-untyped-def]
        tokens, env = each(md, chapter, text, files, diagnostics)
        if chapter.path.endswith('02-second.md'):
            tokens[0].meta['told'] = diagnostics
        return tokens, env

    monkeypatch.setattr(builder.parse, '_parse_chapter', holding)
    parsed(book, KeptParses(cache_folder(book), remember=False))
    assert len(list(cache_folder(book).iterdir())) == 1  # the first chapter's alone
    parsed_now = parsing_recorded(monkeypatch)
    parsed(book, KeptParses(cache_folder(book), remember=False))
    assert parsed_now == ['chapters/02-second.md']


def test_the_glossary_and_the_chronology_are_kept_as_the_chapters_are(tmp_path, monkeypatch):
    """A build parses again only the notes that changed (a definition, an event, their sources), and a kept note
    is what a parse gives, its problems too."""
    import builder.parse
    from builder.parse import parse_book

    def notes_of(book, kept):  # type: ignore[no-untyped-def]
        diagnostics = Diagnostics()
        _, notes = parse_book(load(book, diagnostics), diagnostics, kept=kept)
        if kept is not None:
            kept.keep_only_this_builds()
        fragments = {(kind, key): fragment for kind in ('definitions', 'term_sources', 'events', 'event_sources')
                     for key, fragment in getattr(notes, kind).items()}
        return {key: [t.as_dict() for t in f.tokens] for key, f in fragments.items()}, diagnostics, notes

    book = copy_book('glossary', tmp_path)
    # A problem found as a note is parsed: raw TeX, printed as written
    replace_text(book, 'chronology.yaml', 'the United Nations.', 'the United Nations, \\\\emph{in Geneva}.')
    notes_of(book, KeptParses(cache_folder(book), remember=False))
    parsed_now: list[str] = []
    each = builder.parse._parse_fragment
    monkeypatch.setattr(builder.parse, '_parse_fragment',
                        lambda book_, text, where, ident, *rest, **kw: parsed_now.append(ident)
                        or each(book_, text, where, ident, *rest, **kw))
    # An event's text edited on its own line: that event alone is parsed again; the chapters change nothing
    replace_text(book, 'chronology.yaml', 'from its first day to its last', 'from its first day to the last')
    chapter = book / 'chapters' / '01-beginnings.md'
    chapter.write_text(chapter.read_text() + '\nMore.\n')
    again, told, notes = notes_of(book, KeptParses(cache_folder(book), remember=False))
    assert parsed_now == ['chronology-withdrawal']
    monkeypatch.setattr(builder.parse, '_parse_fragment', each)
    fresh, told_fresh, _ = notes_of(book, None)
    assert again == fresh
    assert [str(d) for d in told] == [str(d) for d in told_fresh]
    assert any('raw-latex' in str(d) and 'chronology.yaml' in str(d) for d in told)  # read from its kept parse
    assert notes.events['withdrawal'].env['builder'].diagnostics is told
    # The glossary is what every note's parser is made of: an edit to it parses every note again
    parsed_now.clear()
    monkeypatch.setattr(builder.parse, '_parse_fragment',
                        lambda book_, text, where, ident, *rest, **kw: parsed_now.append(ident)
                        or each(book_, text, where, ident, *rest, **kw))
    replace_text(book, 'glossary.yaml', 'President of Pakistan', 'The president of Pakistan')
    notes_of(book, KeptParses(cache_folder(book), remember=False))
    assert len(parsed_now) == len(again)
