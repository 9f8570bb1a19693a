"""The resolve stage resolves what needs no citation (cross-references, glossary, chronology) while Pandoc formats
the citations: the caller's ``meanwhile`` and the rest of the stage start once Pandoc runs, and the problems are
reported in the stage's order, the citations' first."""

from __future__ import annotations

import os
import time
from pathlib import Path

from builder.diagnostics import Diagnostics
from builder.load import load
from builder.parse import parse_book
from builder.resolve import resolve_book

from conftest import copy_book, replace_text


def pandoc_starts() -> bool:
    """Whether a Pandoc, a child of this process, runs now or within a second."""
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        for task in Path('/proc/self/task').iterdir():
            for child in (task / 'children').read_text().split():
                try:
                    if Path(f'/proc/{child}/comm').read_text().strip() == 'pandoc':
                        return True
                except OSError:
                    continue  # ended since
        time.sleep(0.005)
    return False


def resolved(book: Path):  # type: ignore[no-untyped-def]
    diagnostics = Diagnostics()
    loaded = load(book, diagnostics)
    chapters, notes = parse_book(loaded, diagnostics)
    parsed = len(diagnostics)
    meanwhile: list[bool] = []
    whole = resolve_book(loaded, chapters, notes, diagnostics, cache=True,
                         meanwhile=lambda: meanwhile.append(pandoc_starts()))
    return whole, [d.code for d in diagnostics][parsed:], meanwhile


def test_the_rest_of_the_stage_is_resolved_while_pandoc_formats_the_citations(tmp_path):
    if not os.path.isdir('/proc/self/task'):
        import pytest
        pytest.skip('reads the child processes from /proc')
    book = copy_book('citations', tmp_path)
    replace_text(book, 'chapters/02-accords.md', '[@un-geneva]',
                 '[@un-geneva] ([the decision](#no-such-place)); the accords speak of "a settlement" [@un-geneva]')
    # A source whose rights are recorded, quoted: the acknowledgements, resolved beside Pandoc, name it
    replace_text(book, 'references.yaml', '  container-title: UN Peacemaker\n',
                 '  container-title: UN Peacemaker\n  rights: {holder: United Nations, licence: public-domain}\n')
    replace_text(book, 'chapters/02-accords.md', '[@roy1985, p. 210]', '[@roy1958, p. 210]')

    whole, told, meanwhile = resolved(book)
    assert meanwhile == [True]  # once, with Pandoc running
    assert told.index('cite-unknown') < told.index('xref-unknown'), told  # the citations' problems first
    assert whole.bibliography is not None and whole.bibliography.citations
    assert 'decision' in whole.targets
    assert [r.id for r in whole.acknowledgements.sources] == ['un-geneva']  # the quotation's source

    # Kept from the last build, the citations are formatted without Pandoc, and the rest is resolved as before
    again, told_again, meanwhile = resolved(book)
    assert meanwhile == [False]
    assert told_again == told
    assert again.bibliography == whole.bibliography and again.targets == whole.targets
    assert again.acknowledgements == whole.acknowledgements
