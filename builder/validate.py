"""``coursepack check --outputs``: validate the files in ``dist/`` with the tools a publisher would use.

- every file: it opens, and a warning when an input changed after it was written;
- then the checks its format registers (``write/formats.py``): for a PDF, that
  it has pages and ``qpdf --check``; for an EPUB, EPUBCheck and DAISY Ace
  (``write/validators.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics, SourceLocation
from .inputs import newest_input
from .write.formats import WRITERS, writer_for
from .write.summary import OutputSummary


@dataclass
class Validated:
    """One output file: what it is, and one note per validator (run, or why not)."""

    shown: str  # the path as printed
    summary: OutputSummary | None = None
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return '; '.join([f'{self.shown}: {self.summary or "unreadable"}', *self.notes])


def output_files(out_dir: Path) -> list[Path]:
    """The outputs (PDF, EPUB, web folder) under ``out_dir``, leaving out the temporaries of a build in progress."""
    return sorted(p for p in out_dir.rglob('*')
                  if not p.name.startswith('.') and any(w.wrote(p) for w in WRITERS.values()))


def validate_outputs(root: Path, out_dir: Path, shown_dir: str, diagnostics: Diagnostics) -> list[Validated]:
    files = output_files(out_dir) if out_dir.is_dir() else []
    newest = newest_input(root, out_dir)
    if not files:
        diagnostics.error('outputs-missing', 'there is no PDF or EPUB to check: run coursepack build first',
                          SourceLocation(shown_dir))
    results = []
    for path in files:
        shown = f'{shown_dir}/{path.relative_to(out_dir).as_posix()}'
        result = Validated(shown)
        try:
            result.summary = writer_for(path).summarize(path)
        except Exception as exc:  # any reader error means a damaged file, which is what we report
            diagnostics.error('output-unreadable', f'cannot be opened: {type(exc).__name__}: {exc}',
                              SourceLocation(shown))
            results.append(result)
            continue
        if newest and path.stat().st_mtime < newest[1]:
            diagnostics.warning('output-stale', f'older than {newest[0].relative_to(root).as_posix()}, changed since '
                                'the last build: run coursepack build', SourceLocation(shown))
        result.notes.extend(writer_for(path).validate(path, shown, result.summary, diagnostics))
        results.append(result)
    return results
