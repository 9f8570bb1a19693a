"""Print post-passes: break opportunities in stretches longer than a word, code lines as blocks."""

from __future__ import annotations

import lxml.html
from lxml import etree

from builder.markdown.highlight import code_html
from builder.layout.breaks import CHUNK, LONGEST_WORD, ZERO_WIDTH_SPACE as ZWSP, breakable, code_lines_as_blocks, \
    long_tokens_breakable


def test_words_up_to_the_longest_word_are_left_alone():
    assert (LONGEST_WORD, CHUNK) == (40, 12)  # the expectations below are worked out for these
    word = 'a' * 40
    assert breakable(word) == word
    assert breakable('Rechtsschutzversicherungsgesellschaften') == 'Rechtsschutzversicherungsgesellschaften'


def test_a_longer_stretch_breaks_every_twelve_characters():
    assert breakable('a' * 41) == ZWSP.join(['a' * 12] * 3 + ['a' * 5])
    assert breakable('x ' + 'b' * 50 + ' y') == 'x ' + ZWSP.join(['b' * 12] * 4 + ['bb']) + ' y'


def test_existing_break_opportunities_bound_the_stretch():
    # Slashes and a hyphen before a letter are break opportunities already: no stretch exceeds 40.
    url = 'https://example.org/' + 'p' * 30 + '/' + 'q' * 30
    assert breakable(url) == url
    assert breakable('-'.join(['w' * 30] * 3)) == '-'.join(['w' * 30] * 3)
    # A hyphen before a digit is not one: "1986-1989-…" runs on.
    numbers = '-'.join(['1986'] * 10)  # 49 characters
    assert ZWSP in breakable(numbers) and breakable(numbers).replace(ZWSP, '') == numbers
    cjk = '\u5929' * 60  # Pango breaks between ideographs itself
    assert breakable(cjk) == cjk


def test_body_text_and_tails_get_breaks_but_not_the_head():
    tree = lxml.html.document_fromstring(f'<html><head><title>{"t" * 50}</title></head>'
                                         f'<body><p>{"a" * 45}<em>x</em>{"b" * 45}</p></body></html>')
    long_tokens_breakable(tree)
    assert tree.findtext('.//title') == 't' * 50
    assert tree.findtext('.//p').count(ZWSP) == 3 and tree.find('.//em').tail.count(ZWSP) == 3


def test_each_code_line_is_a_block_with_no_newline_between():
    code = code_html('first\n\nthird\n', 'text')
    tree = lxml.html.document_fromstring(f'<html><body><pre><code>{code}</code></pre><p>not\ncode</p></body></html>')
    code_lines_as_blocks(tree)
    assert etree.tostring(tree.find('.//pre'), encoding='unicode') == (
        '<pre><code><span class="code-line">first</span><span class="code-line"/>'
        '<span class="code-line">third</span></code></pre>')
    assert tree.findtext('.//p') == 'not\ncode'


def test_highlighted_lines_keep_their_spans():
    code = code_html('x = """a\nb"""\n', 'python')
    tree = lxml.html.document_fromstring(f'<html><body><pre><code>{code}</code></pre></body></html>')
    lines = code_lines_as_blocks(tree).findall('.//span[@class="code-line"]')
    assert [line.text_content() for line in lines] == ['x = """a', 'b"""']
    assert all(line.tail is None and line.find('span') is not None for line in lines)
