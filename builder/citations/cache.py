"""Formatted citations kept by content, so that a rebuild formats them again only when they changed.

Formatting runs Pandoc, a second or more for a long book. What it produces
depends only on the references file, the citations in reading order (with
their places in the source, which diagnostics print), the style file, the
options and the Pandoc binary, so the result is stored under the hash of those, as JSON (never pickle: the cache
lives in the book folder, which a build must not trust to run code).

Where each citation stands is left out of the hash: a sentence added above
citations moves them, not what they print. A problem found at a citation is
kept with the citation's index, and reported where that citation is now.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from ..cache import builder_key, cache_dir, diagnostic_from_json, file_hash, keep_recent, mark_used, write_json
from .format import CITEPROC_FAILED, CitationUse, Entry, Formatted
from .pandoc import PandocError, pandoc_path

FOLDER = 'citations'
KEEP_EACH = 2  # formattings kept for each a build makes: its last build's, and the one before


def cached_formatting(root: Path, inputs: tuple, uses: Sequence[CitationUse], style_file: Path,
                      references_file: Path | None, compute: Callable[[], Formatted], made: int = 1) -> Formatted:
    """``compute()``'s result for these inputs and citations, from the cache when it holds it; ``made``: how many
    formattings a build of the book makes, which are all kept."""
    files = [file_hash(style_file), file_hash(references_file) if references_file else '', _pandoc_version()]
    placeless = [replace(use, location=None) for use in uses]
    key = hashlib.sha256(repr((builder_key('citations'), files, inputs, placeless)).encode()).hexdigest()
    folder = cache_dir(root) / FOLDER
    path = folder / f'{key}.json'
    try:
        formatted = _decode(json.loads(path.read_text()), uses)
        mark_used(path)
        return formatted
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    formatted = compute()
    if any(d.code == CITEPROC_FAILED for d in formatted.diagnostics):
        return formatted  # Pandoc failed: tried again next build, which would otherwise report this failure for ever
    write_json(path, _encode(formatted, uses))
    # Fewer than a build makes, and each handout's would push out the next one's (handouts of 16 chapters or
    # more all ran Pandoc on every build)
    keep_recent(folder, '*.json', KEEP_EACH * made)
    return formatted


def formatting_kept(root: Path) -> bool:
    """Whether a build of the book in ``root`` kept a formatting: one an edit is likely to find again."""
    return any((cache_dir(root) / FOLDER).glob('*.json'))


def _pandoc_version() -> str:
    """Which Pandoc formats: another may format differently. Its binary's size and time, not a hash of its
    150 MB nor the package's metadata (looking that up takes 30 ms); a new binary is a new file."""
    try:
        found = os.stat(pandoc_path())
    except (OSError, PandocError):
        return ''  # formatting will say that Pandoc is missing
    return f'{found.st_size}:{found.st_mtime_ns}'


def _encode(formatted: Formatted, uses: Sequence[CitationUse]) -> dict:
    """The formatting as JSON, each problem found at a citation with that citation's index in ``uses``."""
    at = {use.location: index for index, use in reversed(list(enumerate(uses)))}  # the first citation of a place
    data = asdict(formatted)
    data['diagnostics'] = [{**encoded, 'use': at.get(diagnostic.location)}
                           for encoded, diagnostic in zip(data['diagnostics'], formatted.diagnostics)]
    return data


def _decode(data: dict, uses: Sequence[CitationUse]) -> Formatted:
    diagnostics = [diagnostic_from_json(d) for d in data['diagnostics']]
    return Formatted(
        citations=data['citations'],
        entries={group: tuple(Entry(e['key'], e['id'], e['html'], tuple(e['citations'])) for e in entries)
                 for group, entries in data['entries'].items()},
        diagnostics=tuple(d if encoded['use'] is None else replace(d, location=uses[encoded['use']].location)
                          for d, encoded in zip(diagnostics, data['diagnostics'])),
        note_style=data['note_style'],
        title=data['title'],
        groups=data['groups'],
    )
