"""Our citation formatting against an independent formatter: ``pandoc --citeproc`` (Haskell citeproc).

The same references (a book, a chapter in an edited book, a journal article, an
encyclopedia entry, a web page, a work with no author, a French-language work)
and the same citations are formatted by both, in Chicago author-date and in
Chicago notes-bibliography, and compared as plain text. Every difference that
remains is listed in KNOWN with the reason; a difference not listed fails the
test, and so does a listed one that has gone (then take it off the list).

One difference is normalised rather than listed: Pandoc puts a no-break space
between a locator's label and its value ("sec.\u00a0Prelude"); we print the
style's plain space.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pypandoc
import pytest
import yaml
from lxml import etree

from builder.citations.format import CitationUse, format_citations
from builder.citations.load import Reference
from builder.citations.styles import find_style
from builder.diagnostics import SourceLocation
from builder.model import CiteItem
from conftest import BOOKS

KEYS = ('kalinovsky2011', 'saikal1989', 'hughes2008', 'wiki-withdrawal', 'un-geneva', 'chronique', 'roy1985')
# (key, locator label, locator, as Pandoc writes the locator): each work once with a locator, then once without.
CITES = [
    ('kalinovsky2011', 'page', '99', 'p. 99'), ('saikal1989', 'page', '55', 'p. 55'),
    ('hughes2008', 'page', '330', 'p. 330'), ('wiki-withdrawal', 'section', 'Prelude', 'sec. Prelude'),
    ('un-geneva', None, None, ''), ('chronique', 'paragraph', '2', 'para. 2'), ('roy1985', 'chapter', '2', 'chap. 2'),
] + [(key, None, None, '') for key in KEYS]

KNOWN = {
    # (style, what, index or key): (ours, pandoc's, why)
    ('chicago-author-date', 'citation', 3): (
        '(Wikipedia, sec. Prelude)', '(Wikipedia, “Soviet withdrawal from Afghanistan,” sec. Prelude)',
        'citeproc-py suppresses the title once the container title has stood in for the author; Haskell citeproc '
        'keeps the title in the citation when a locator follows. Readers still find the entry under Wikipedia.'),
    ('chicago-notes-bibliography', 'citation', 3): (
        '“Soviet withdrawal from Afghanistan,” Wikipedia, sec. Prelude, accessed March 1, 2024, '
        'https://en.wikipedia.org/wiki/Soviet_withdrawal_from_Afghanistan.',
        '“Soviet withdrawal from Afghanistan,” Wikipedia, accessed March 1, 2024, '
        'https://en.wikipedia.org/wiki/Soviet_withdrawal_from_Afghanistan, sec. Prelude.',
        'the style places the locator of a web source after its URL; citeproc-py evaluates that branch before '
        'the access date. Same content, different order.'),
    ('chicago-notes-bibliography', 'citation', 8): (
        'Saikal, “The Regional Politics of the Afghan Crisis,” ed. Saikal and Maley.',
        'Saikal, “The Regional Politics of the Afghan Crisis.”',
        'in the short note of a chapter, citeproc-py also renders the short-form editors of the book, a branch '
        'Haskell citeproc leaves out; the short note is longer, not wrong.'),
}


def pandoc_output(style: Path, references: list[dict], tmp_path: Path) -> list[list[str]]:
    """Pandoc's plain text for the citations, as paragraphs of lines."""
    (tmp_path / 'refs.json').write_text(json.dumps(references))
    paragraphs = [f'C{i} [@{key}{", " + written if written else ""}].' for i, (key, _, _, written) in enumerate(CITES)]
    (tmp_path / 'doc.md').write_text(f'---\nbibliography: refs.json\ncsl: {style}\n---\n\n' + '\n\n'.join(paragraphs))
    result = subprocess.run([pypandoc.get_pandoc_path(), '--citeproc', '-t', 'plain', '--wrap=none', 'doc.md'],
                            cwd=tmp_path, capture_output=True, text=True, check=True)
    text = result.stdout.replace('\u00a0', ' ')
    return [block.split('\n') for block in text.strip().split('\n\n')]


def plain(html: str) -> str:
    return ''.join(etree.fromstring(f'<span>{html}</span>').itertext())


@pytest.mark.parametrize('style_name', ['chicago-author-date', 'chicago-notes-bibliography'])
def test_same_output_as_pandoc_citeproc(style_name, tmp_path):
    data = {entry['id']: entry for entry in yaml.safe_load((BOOKS / 'citations' / 'references.yaml').read_text())}
    references = [Reference(key, data[key], SourceLocation('references.yaml')) for key in KEYS]
    style = find_style(style_name, tmp_path, 'en')
    uses = [CitationUse(f'c{i}', (CiteItem(key, label=label, locator=locator),), SourceLocation('c.md'),
                        whole_note=True) for i, (key, label, locator, _) in enumerate(CITES)]
    ours = format_citations(references, uses, style)
    blocks = pandoc_output(style.path, [data[k] for k in KEYS], tmp_path)

    if style.note:
        notes = [line.split('] ', 1)[1] for block in blocks for line in block if line.startswith('[')]
        theirs_citations = notes[:len(CITES)]
        theirs_entries = [b[0] for b in blocks if not b[0].startswith(('C', '['))]
    else:
        theirs_citations = [b[0].split(' ', 1)[1][:-1] for b in blocks if b[0].startswith('C')]
        theirs_entries = [b[0] for b in blocks if not b[0].startswith('C')]
    differences = {}
    for i in range(len(CITES)):
        mine = plain(ours.citations[f'c{i}'])
        if mine != theirs_citations[i]:
            differences[(style_name, 'citation', i)] = (mine, theirs_citations[i])
    mine_entries = [plain(e.html) for e in ours.entries['']]
    for mine, theirs in zip(mine_entries, theirs_entries, strict=True):
        if mine != theirs:
            differences[(style_name, 'entry', mine[:30])] = (mine, theirs)
    known = {k: v[:2] for k, v in KNOWN.items() if k[0] == style_name}
    assert differences == known



def test_two_authors_known_by_family_name_only(tmp_path):
    """Chicago inverts the first author; with no given name there is nothing to set off with a comma."""
    data = {'family-only': {'id': 'family-only', 'type': 'book', 'title': 'Untitled',
                            'author': [{'family': 'Cordovez'}, {'family': 'Harrison'}]},
            'full': {'id': 'full', 'type': 'book', 'title': 'Titled',
                     'author': [{'family': 'Cordovez', 'given': 'Diego'}, {'family': 'Harrison', 'given': 'Selig'}]}}
    references = [Reference(key, entry, SourceLocation('references.yaml')) for key, entry in data.items()]
    uses = [CitationUse('c0', (CiteItem('family-only'), CiteItem('full')), SourceLocation('c.md'), whole_note=True)]
    ours = format_citations(references, uses, find_style('chicago-author-date', tmp_path, 'en'))
    assert [plain(e.html) for e in ours.entries['']] == ['Cordovez and Harrison. n.d. Untitled.',
                                                         'Cordovez, Diego, and Selig Harrison. n.d. Titled.']
