"""Accessible outputs, checked by real validators: the EPUB's metadata and DAISY Ace, a tagged PDF/UA-1 and qpdf."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from conftest import MAIN_EDITION, OPF, REPO, build, copy_book, epub_files, epubcheck

pytestmark = pytest.mark.build  # every test here lays out a book

ACE = REPO / 'tools' / 'ace' / 'node_modules' / '.bin' / 'ace-cli'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
ROUTE_ALT = 'A schematic map: a line runs north from Kabul to Termez, with the Salang Pass marked halfway'

needs_ace = pytest.mark.skipif(not ACE.exists() or not shutil.which('chromium'),
                               reason='DAISY Ace is not installed: scripts/ace --install (CI does it before the tests)')


def package(run) -> etree._Element:
    return etree.fromstring(epub_files(run.output('.epub'))['EPUB/content.opf'])


def properties(opf: etree._Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in opf.iter(f'{OPF}meta'):
        if meta.get('property'):
            found.setdefault(meta.get('property'), []).append(meta.text)
    return found


def ace(epub: Path, report: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / 'scripts' / 'ace'), str(epub), str(report)], capture_output=True, text=True,
                          timeout=600)


def test_epub_declares_its_language_and_accessibility(accessible_book, minimal_book):
    opf = package(accessible_book)
    assert opf.get(XML_LANG) == 'en'
    declared = properties(opf)
    assert declared['schema:accessMode'] == ['textual', 'visual']
    assert declared['schema:accessModeSufficient'] == ['textual']
    assert {'structuralNavigation', 'tableOfContents', 'readingOrder', 'alternativeText'} <= set(
        declared['schema:accessibilityFeature'])
    assert declared['schema:accessibilityHazard'] == ['none']
    assert 'every image has a text alternative' in declared['schema:accessibilitySummary'][0]
    assert declared['dcterms:conformsTo'] == ['EPUB Accessibility 1.1 - WCAG 2.1 Level AA']
    # A book without images is not visual, and does not claim alt text.
    plain = properties(package(minimal_book))
    assert plain['schema:accessMode'] == ['textual']
    assert 'alternativeText' not in plain['schema:accessibilityFeature']
    assert 'text alternative' not in plain['schema:accessibilitySummary'][0]


def test_epub_images_keep_their_alt_text_and_several_authors_are_valid(accessible_book):
    files = epub_files(accessible_book.output('.epub'))
    chapter = etree.fromstring(files['EPUB/maps.xhtml'])
    images = list(chapter.iter('{http://www.w3.org/1999/xhtml}img'))
    assert [(img.get('src'), img.get('alt')) for img in images] == [('images/route.png', ROUTE_ALT)]
    assert 'EPUB/images/ornament.png' in files  # named only by the book's own epub.css
    # The empty corner of a table with row headings is not announced as a header.
    corner = etree.fromstring(files['EPUB/reading.xhtml']).find('.//{http://www.w3.org/1999/xhtml}thead/{http://www.w3.org/1999/xhtml}tr/*')
    assert (etree.QName(corner).localname, corner.text) == ('td', None)
    creators = package(accessible_book).iter('{http://purl.org/dc/elements/1.1/}creator')
    assert [(c.text, c.get('id')) for c in creators] == [('Test Author', 'creator1'), ('Second Author', 'creator2')]
    epubcheck(accessible_book.output('.epub'))


@needs_ace
def test_ace_finds_no_violation(accessible_book, tmp_path):
    result = ace(accessible_book.output('.epub'), tmp_path / 'ace')
    assert result.returncode == 0, result.stderr
    assert ': pass, 0 violation(s)' in result.stderr


@needs_ace
def test_ace_finds_no_violation_in_glossary_and_chronology(tmp_path):
    book = copy_book('glossary', tmp_path)
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    result = ace(run.output('.epub'), tmp_path / 'ace')
    assert result.returncode == 0, result.stderr
    epubcheck(run.output('.epub'))


@needs_ace
def test_ace_gate_fails_a_book_without_accessibility_metadata(accessible_book, tmp_path):
    """The gate can fail: the same EPUB with its accessibility metadata taken out."""
    source = accessible_book.output('.epub')
    stripped = tmp_path / 'stripped.epub'
    out = io.BytesIO()
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(out, 'w') as copy:
        for info in book.infolist():
            data = book.read(info)
            if info.filename == 'EPUB/content.opf':
                opf = etree.fromstring(data)
                for meta in list(opf.iter(f'{OPF}meta')):
                    if (meta.get('property') or '').startswith('schema:'):
                        meta.getparent().remove(meta)
                data = etree.tostring(opf, xml_declaration=True, encoding='utf-8')
            copy.writestr(info, data)
    stripped.write_bytes(out.getvalue())
    result = ace(stripped, tmp_path / 'ace')
    assert result.returncode == 1
    assert "EPUB/content.opf: serious[metadata-accessmode]" in result.stderr
    assert ': fail, ' in result.stderr


def test_pdf_ua_1_is_tagged_with_language_structure_and_figure_alt_text(accessible_book):
    pdf_path = accessible_book.output('.pdf')
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == 'en'
        assert pdf.open_metadata().get('pdfuaid:part') == '1'
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        structure = list(_structure(pdf.Root.StructTreeRoot))
        kinds = {kind for kind, _ in structure}
        assert {'/Document', '/H1', '/H2', '/P', '/L', '/LI', '/Table', '/TH', '/TD', '/Figure', '/BlockQuote'} <= kinds
        assert [alt for kind, alt in structure if kind == '/Figure'] == [ROUTE_ALT]
        assert pdf.check_pdf_syntax() == []
    if shutil.which('qpdf'):
        check = subprocess.run(['qpdf', '--check', str(pdf_path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert 'No syntax or stream encoding errors found' in check.stdout


def test_pdf_without_a_standard_is_untagged(minimal_book):
    with pikepdf.open(minimal_book.output('.pdf')) as pdf:
        assert '/StructTreeRoot' not in pdf.Root
        assert str(pdf.Root.Lang) == 'en'


def _structure(element):  # type: ignore[no-untyped-def]
    """(structure type, alt text) of every element of a PDF structure tree, in order."""
    kids = element.get('/K')
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and '/S' in kid:
            yield str(kid.S), str(kid.Alt) if '/Alt' in kid else None
            yield from _structure(kid)
