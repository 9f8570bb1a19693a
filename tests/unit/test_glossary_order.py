"""The glossary's order (the Unicode Collation Algorithm) and its letter headings."""

from __future__ import annotations

from types import SimpleNamespace

from builder.diagnostics import Diagnostics, SourceLocation
from builder.glossary.terms import letter_groups, resolve_glossary
from builder.model import Term

HERE = SourceLocation('glossary.yaml', 1)


def term(key: str, text: str) -> Term:
    return Term(key, text, (), 'A definition.', (), None, HERE, HERE, HERE, ())


def entries(*texts: str):  # type: ignore[no-untyped-def]
    """Glossary entries for these terms, as resolve orders them (no chapter uses them)."""
    terms = tuple(term(f'k{i}', t) for i, t in enumerate(texts))
    book = SimpleNamespace(terms=terms, knows_all=lambda what: False,
                                     config=SimpleNamespace(language='en'))
    notes = SimpleNamespace(definitions={t.key: t.definition for t in terms}, term_sources={})
    return resolve_glossary(book, (), notes, Diagnostics())


def test_collation_order_not_code_point_order():
    # Code points would put every capital before every small letter, and 'é' after 'z'.
    found = [e.term.term for e in entries('zakat', 'Zia ul-Haq', 'émigré', 'Durand Line', 'elder', 'Émir', 'KGB',
                                          'kabul', 'Geneva')]
    assert found == ['Durand Line', 'elder', 'émigré', 'Émir', 'Geneva', 'kabul', 'KGB', 'zakat', 'Zia ul-Haq']


def test_every_unused_term_is_a_warning():
    diagnostics = Diagnostics()
    terms = (term('a', 'Alpha'),)
    resolve_glossary(SimpleNamespace(terms=terms, knows_all=lambda what: False,
                                     config=SimpleNamespace(language='en')), (),
                     SimpleNamespace(definitions={'a': 'x'}, term_sources={}), diagnostics)
    assert [(d.code, d.message) for d in diagnostics] == [
        ('term-unused', "the term 'a' is defined but never used in the chapters")]


def test_letters_are_base_letters_numerals_and_others_grouped():
    groups = letter_groups(entries('émigré', 'Durand Line', '1988 accords', 'elder', 'glasnost', '—', '42nd Army'),
                           digits='0–9', language='en')
    assert [(letter, [e.term.term for e in group]) for letter, group in groups] == [
        ('#', ['—']),  # no letter or digit at all (punctuation sorts first)
        ('0–9', ['1988 accords', '42nd Army']),
        ('D', ['Durand Line']),
        ('E', ['elder', 'émigré']),  # under E, not after Z
        ('G', ['glasnost']),
    ]
