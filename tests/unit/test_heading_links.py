"""Links by a heading's Pandoc id (``#its-words``) lead to its id here (``#chapter-its-words``); a chapter's do not."""

from __future__ import annotations

from builder.diagnostics import Diagnostics
from builder.options import BuildOptions
from builder.pipeline import check

from conftest import copy_book


def test_a_link_to_a_chapter_stays_one_when_a_heading_of_the_linking_chapter_has_its_id_after_a_prefix(tmp_path):
    book = copy_book('minimal', tmp_path)
    first = book / 'chapters' / '01-first.md'
    first.write_text(first.read_text() + '\n## Second thoughts {#first-second}\n\n## Closing words {#first-closing}\n\n'
                     'See [the next chapter](#second) and [the closing words](#closing).\n')
    diagnostics = Diagnostics()
    parsed = check(book, BuildOptions(), diagnostics).whole.chapters[0]
    assert not diagnostics.has_errors(strict=False), list(diagnostics)
    links = {token.children[i + 1].content: token.children[i].attrGet('href') for token in parsed.tokens
             if token.children for i, child in enumerate(token.children) if child.type == 'link_open'}
    assert links['the next chapter'] == '#second'  # the chapter, not "#first-second"
    assert links['the closing words'] == '#first-closing'  # Pandoc's id of a heading of this chapter
