"""Quotations and the citation that attributes each to its source (builder/markdown/quotations.py)."""

from __future__ import annotations

from builder.diagnostics import Diagnostics
from builder.markdown import make_parser
from builder.markdown.quotations import quotations_of, word_count
from builder.markdown.state import new_env


def quoted(text: str, language: str = 'en') -> list[tuple[str, int, list[str], bool]]:
    """(text, words, cited keys, block quote?) of each quotation of ``text``."""
    env = new_env('c', 'chapters/c.md', Diagnostics())
    make_parser(language).parse(text, env)
    return [(q.text, q.words, [i.key for c in q.citations for i in c.meta['items']], q.block)
            for q in quotations_of(env)]


def test_words_are_counted_as_wc_counts_them_without_lone_marks():
    assert word_count("l'Union a retiré 8 000 soldats — « symbolique »") == 7


def test_the_first_citation_after_in_the_sentence_attributes():
    assert quoted('It says "one two three" and "four" [@a, p. 2]. Then "five" [@b].') == [
        ('one two three', 3, ['a'], False), ('four', 1, ['a'], False), ('five', 1, ['b'], False)]


def test_a_narrative_citation_before_in_the_sentence_attributes():
    assert quoted('@a [p. 3] calls it "grey and cold".') == [('grey and cold', 3, ['a'], False)]


def test_a_sentence_end_outside_the_marks_leaves_a_quotation_unattributed():
    assert quoted('Our "term" is ours. A claim follows [@a].') == [('term', 1, [], False)]
    # A full stop inside the marks ends no sentence: the citation after the next quotation attributes both.
    assert quoted('He wrote: "Faith failed." Later he added "it delayed us" [@a].') == [
        ('Faith failed.', 2, ['a'], False), ('it delayed us', 3, ['a'], False)]


def test_a_translation_in_parentheses_is_not_a_second_passage():
    assert quoted('It calls it [« un pari »]{lang=fr} ("a wager") [@a].') == [('un pari', 2, ['a'], False)]


def test_a_block_quote_is_one_passage_attributed_by_its_citations():
    assert quoted('> First "line" here.\n> Second line. [@a, p. 4]\n\nAfter.') == [
        ('First "line" here. Second line.', 5, ['a'], True)]


def test_single_quotes_and_apostrophes_are_not_quotation_marks():
    assert quoted("The text's 'word' is not quoted [@a].") == []


def test_an_inch_mark_opens_no_quotation():
    assert quoted('A 12" screen shows "two words" [@a].') == [('two words', 2, ['a'], False)]
