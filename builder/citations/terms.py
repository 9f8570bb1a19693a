"""The short words for the places of a source ("p.", "pp.", "para.", "chap."), in the book's language.

They are CSL's locale terms, as Pandoc's citeproc has them for every language:
one Pandoc run prints a citation in a style written here whose citation is
nothing but the terms, singular and plural, between bars. The permissions
ledger names the places cited with them (``permissions/ledger.py``).
"""

from __future__ import annotations

import tempfile
from functools import cache
from html import escape
from pathlib import Path

from .pandoc import PandocError, run_pandoc
from .styles import csl_locale

# CSL's locator terms; and the labels we read that CSL names otherwise.
LABELS = ('book', 'chapter', 'column', 'figure', 'folio', 'issue', 'line', 'note', 'opus', 'page', 'paragraph',
          'part', 'section', 'sub verbo', 'verse', 'volume')
CSL_TERM = {'number': 'issue'}
STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Locator terms</title><id>coursepack-locator-terms</id><updated>2026-12-05T00:00:00+00:00</updated></info>
  <citation><layout><group delimiter="|">{terms}</group></layout></citation>
</style>
"""
DOCUMENT = """---
lang: {locale}
references:
- id: any
  type: book
  title: Any
---
[@any]
"""


@cache
def locator_terms(language: str) -> dict[str, tuple[str, str]]:
    """Label -> its short term, singular and plural, in the CSL locale of ``language``; empty if Pandoc fails."""
    terms = ''.join(f'<text term="{escape(label)}" form="short"/><text term="{escape(label)}" form="short" '
                    'plural="true"/>' for label in LABELS)
    with tempfile.TemporaryDirectory(prefix='coursepack-terms-') as folder:
        style = Path(folder) / 'terms.csl'
        style.write_text(STYLE.format(terms=terms), encoding='utf-8')
        try:
            printed = run_pandoc(['--from=markdown', '--to=plain', '--wrap=none', '--citeproc', f'--csl={style}'],
                                 DOCUMENT.format(locale=csl_locale(language)))
        except PandocError:
            return {}
    words = printed.strip().split('|')
    if len(words) != 2 * len(LABELS):
        return {}
    found = {label: (words[2 * i], words[2 * i + 1]) for i, label in enumerate(LABELS)}
    return found | {ours: found[theirs] for ours, theirs in CSL_TERM.items()}
