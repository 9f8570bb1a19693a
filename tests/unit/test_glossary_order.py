"""The glossary's order (ICU's collation for the book's language) and its letter headings."""

from __future__ import annotations

from types import SimpleNamespace

from builder.diagnostics import Diagnostics, SourceLocation
from builder.glossary.terms import letter_groups, resolve_glossary
from builder.model import Term

HERE = SourceLocation('glossary.yaml', 1)


def term(key: str, text: str) -> Term:
    return Term(key, text, (), 'A definition.', (), None, HERE, HERE, HERE, ())


def entries(*texts: str, language: str = 'en'):  # type: ignore[no-untyped-def]
    """Glossary entries for these terms, ordered as resolve orders them in ``language`` (no chapter uses them)."""
    terms = tuple(term(f'k{i}', t) for i, t in enumerate(texts))
    book = SimpleNamespace(terms=terms, knows_all=lambda what: False, config=SimpleNamespace(language=language))
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
    book = SimpleNamespace(terms=terms, knows_all=lambda what: False, config=SimpleNamespace(language='en'))
    resolve_glossary(book, (),
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


def grouped(language: str, *texts: str) -> list[tuple[str, list[str]]]:
    return [(letter, [e.term.term for e in group])
            for letter, group in letter_groups(entries(*texts, language=language), '0–9', language)]


def test_each_language_has_its_dictionarys_order_and_letters():
    # Spanish: Ñ is a letter of its own, after N (ñandú after nube and nutria).
    assert grouped('es', 'ñandú', 'oso', 'nube', 'Ñu', 'nutria') == [
        ('N', ['nube', 'nutria']), ('Ñ', ['ñandú', 'Ñu']), ('O', ['oso'])]
    # Swedish: Å, Ä, Ö after Z, each a letter of its own; German: Ä and Ö under A and O.
    assert grouped('sv', 'öra', 'ära', 'zebra', 'åra', 'ala') == [
        ('A', ['ala']), ('Z', ['zebra']), ('Å', ['åra']), ('Ä', ['ära']), ('Ö', ['öra'])]
    assert grouped('de', 'Öl', 'Zug', 'Ärger', 'Ofen', 'Apfel') == [
        ('A', ['Apfel', 'Ärger']), ('O', ['Ofen', 'Öl']), ('Z', ['Zug'])]
    # French: accents do not make letters.
    assert grouped('fr', 'zèbre', 'élysée', 'Eau') == [('E', ['Eau', 'élysée']), ('Z', ['zèbre'])]
    # Russian: Ё under Е; a Latin word after the Cyrillic ones, under its own letter.
    assert grouped('ru', 'жук', 'Kabul', 'ёж', 'еда', 'арбуз') == [
        ('А', ['арбуз']), ('Е', ['еда', 'ёж']), ('Ж', ['жук']), ('K', ['Kabul'])]
    # Arabic: hamza forms of alif under alif; Persian: its own letters (پ after ب, گ after ک).
    assert grouped('ar', 'ماء', 'إسلام', 'بيت', 'أب') == [
        ('ا', ['أب', 'إسلام']), ('ب', ['بيت']), ('م', ['ماء'])]
    assert grouped('fa', 'گل', 'پارسی', 'کتاب', 'باد', 'آب') == [
        ('آ', ['آب']), ('ب', ['باد']), ('پ', ['پارسی']), ('ک', ['کتاب']), ('گ', ['گل'])]
