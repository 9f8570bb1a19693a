"""Reproducible outputs: the same inputs give the same PDF, EPUB and web edition bytes, wherever and whenever
they are built."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from builder.resources import FONTS
from conftest import MAIN_EDITION, OPF, REPO, build, copy_book, dist_fingerprint, epub_files, epubcheck

pytestmark = pytest.mark.build  # every test here lays out a book


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def second_checkout(tmp_path: Path) -> Path:
    """The builder, with its bundled styles, copied to another path, as a second clone would be."""
    checkout = tmp_path / 'elsewhere' / 'checkout'
    shutil.copytree(REPO / 'builder', checkout / 'builder', ignore=shutil.ignore_patterns('__pycache__'))
    return checkout


def test_same_bytes_from_another_checkout_path_time_zone_and_process(tmp_path, accessible_book, monkeypatch):
    """The sample book has an image, its own stylesheet with a url() and a PDF/UA-1 PDF, all path-sensitive."""
    monkeypatch.delenv('SOURCE_DATE_EPOCH', raising=False)
    checkout = second_checkout(tmp_path)
    book = copy_book('accessible', tmp_path / 'a' / 'much' / 'deeper' / 'folder')
    env = {k: v for k, v in os.environ.items() if k != 'SOURCE_DATE_EPOCH'} | {'TZ': 'America/New_York'}
    result = subprocess.run([sys.executable, '-m', 'builder', 'build', str(book), *MAIN_EDITION], cwd=checkout, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    imported = subprocess.run([sys.executable, '-c', 'import builder; print(builder.__file__)'], cwd=checkout,
                              env=env, capture_output=True, text=True, check=True).stdout
    assert Path(imported.strip()).is_relative_to(checkout)  # the copy, not this checkout, did the build
    for suffix in ('.pdf', '.epub'):
        ours, theirs = accessible_book.output(suffix), next((book / 'dist').glob(f'*{suffix}'))
        assert ours.name == theirs.name
        assert sha256(ours) == sha256(theirs), suffix
    # The web edition: every file of the folder (its subset fonts, search index, images) the same.
    assert dist_fingerprint(accessible_book.output('-web')) == dist_fingerprint(next((book / 'dist').glob('*-web')))


def test_same_bytes_on_a_machine_without_harfbuzz_subset_or_system_fonts(tmp_path, accessible_book, monkeypatch):
    """WeasyPrint subsets with HarfBuzz-Subset where the system has it, else with fontTools; and Pango takes
    any font the book does not bring from the system's fonts. Force the fontTools path, hide every system
    font, and get the bytes of a build on this machine."""
    monkeypatch.delenv('SOURCE_DATE_EPOCH', raising=False)
    book = copy_book('accessible', tmp_path)
    no_fonts = tmp_path / 'fonts.conf'
    no_fonts.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{tmp_path / "no-fonts"}</dir>'
                        f'<cachedir>{tmp_path / "font-cache"}</cachedir></fontconfig>\n')
    without_harfbuzz_subset = (
        'import sys, weasyprint.pdf.fonts as fonts; fonts.harfbuzz_subset = None; '
        'from builder.cli import main; sys.exit(main(sys.argv[1:]))')
    result = subprocess.run([sys.executable, '-c', without_harfbuzz_subset, 'build', str(book), *MAIN_EDITION],
                            cwd=REPO, env=os.environ | {'FONTCONFIG_FILE': str(no_fonts)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for suffix in ('.pdf', '.epub'):
        assert sha256(accessible_book.output(suffix)) == sha256(next((book / 'dist').glob(f'*{suffix}'))), suffix


def embedded_font_dates(pdf_path: Path) -> dict[str, dt.datetime]:
    """Each embedded font program's ``head.modified``, by font name."""
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    dates = {}
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get('/Type') == '/FontDescriptor' and '/FontFile2' in obj:
                font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
                dates[str(obj.FontName)] = dt.datetime.fromtimestamp(font['head'].modified + epoch_diff, dt.timezone.utc)
    return dates


def test_embedded_fonts_are_dated_by_the_build(accessible_book):
    """fontTools stamps a font it saves with the time it is saved; ours carry the book's date."""
    dates = embedded_font_dates(accessible_book.output('.pdf'))
    assert dates and set(dates.values()) == {dt.datetime(2023, 9, 1, tzinfo=dt.timezone.utc)}, dates
    # The EPUB's fonts, subset to its characters (write/epub_fonts.py), too.
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(accessible_book.output('.epub')) as z:
        fonts = [TTFont(io.BytesIO(z.read(name))) for name in z.namelist() if name.endswith('.ttf')]
    assert fonts and {dt.datetime.fromtimestamp(f['head'].modified + epoch_diff, dt.timezone.utc) for f in fonts} == {
        dt.datetime(2023, 9, 1, tzinfo=dt.timezone.utc)}


def test_the_pdf_embeds_only_fonts_of_the_bundled_families(accessible_book):
    """A font the system picks (for code, or for a character the book's fonts lack) differs between machines.
    By name only: a system copy of a bundled family passes here, and fails the build without system fonts above."""
    from fontTools.ttLib import TTFont

    families = {TTFont(path)['name'].getDebugName(1).replace(' ', '-') for path in FONTS.glob('*.ttf')}
    with pikepdf.open(accessible_book.output('.pdf')) as pdf:
        embedded = {str(font.BaseFont).split('+')[-1] for page in pdf.pages for font in page.Resources.Font.values()}
    assert {name for name in embedded if name.startswith('DejaVu-Sans-Mono')}, embedded  # the code's font
    assert all(name.startswith(tuple(families)) for name in embedded), (embedded, families)


def test_epub_zip_entries_have_fixed_order_times_and_modes(accessible_book):
    with zipfile.ZipFile(accessible_book.output('.epub')) as z:
        infos = z.infolist()
    assert [i.filename for i in infos[:2]] == ['mimetype', 'META-INF/container.xml']
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2023, 9, 1, 0, 0, 0)}  # the book's date
    assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_source_date_epoch_sets_every_date_in_both_outputs(tmp_path, monkeypatch):
    moment = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
    monkeypatch.setenv('SOURCE_DATE_EPOCH', str(int(moment.timestamp())))
    book = copy_book('accessible', tmp_path)
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err

    with pikepdf.open(run.output('.pdf')) as pdf:
        assert str(pdf.docinfo['/CreationDate']).startswith('D:20250304050607')
        assert str(pdf.docinfo['/ModDate']).startswith('D:20250304050607')
        xmp = pdf.open_metadata()
        dates = {key: value for key, value in xmp.items() if key.endswith(('CreateDate', 'ModifyDate', 'MetadataDate'))}
        assert dates and all(value.startswith('2025-03-04T05:06:07') for value in dates.values()), dates
    assert set(embedded_font_dates(run.output('.pdf')).values()) == {moment}
    files = epub_files(run.output('.epub'))
    opf = etree.fromstring(files['EPUB/content.opf'])
    modified = [m.text for m in opf.iter(f'{OPF}meta') if m.get('property') == 'dcterms:modified']
    assert modified == ['2025-03-04T05:06:07Z']
    with zipfile.ZipFile(run.output('.epub')) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 3, 4, 5, 6, 6)}  # zip times count in 2 s steps


def test_a_book_without_a_date_and_extreme_epochs_still_build(tmp_path, monkeypatch):
    """Zip entries cannot hold times before 1980 or after 2107: the times are moved into that range."""
    book = copy_book('minimal', tmp_path)
    manifest = book / 'book.yaml'
    manifest.write_text(''.join(line for line in manifest.read_text().splitlines(True) if not line.startswith('date:')))
    monkeypatch.delenv('SOURCE_DATE_EPOCH', raising=False)
    undated = build(book, '--format', 'epub', *MAIN_EDITION)
    assert undated.code == 0, undated.err
    with zipfile.ZipFile(undated.output('.epub')) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    epubcheck(undated.output('.epub'))
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '99999999999')  # the year 5138
    late = build(book, '--format', 'epub', *MAIN_EDITION)
    assert late.code == 0, late.err
    epubcheck(late.output('.epub'))


def test_a_malformed_source_date_epoch_is_an_error(tmp_path, monkeypatch):
    book = copy_book('minimal', tmp_path)
    monkeypatch.setenv('SOURCE_DATE_EPOCH', 'yesterday')
    run = build(book)
    assert run.code == 1
    assert "error[source-date-epoch]: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970" in run.err
    assert not (book / 'dist').exists()


def test_handouts_have_the_same_bytes_whatever_the_processes_hash_seed(tmp_path):
    """A handout's first page has the part's font and the folio's copy of it: merged in the order a page lists
    its fonts (a set, in the order of the process's string hashes), the shared font's descriptor was the folio's
    (only digits: fixed pitch) in every other build."""
    fingerprints = []
    for seed in ('1', '2'):
        book = copy_book('glossary', tmp_path / seed)
        result = subprocess.run([sys.executable, '-m', 'builder', 'handouts', str(book), '--format', 'pdf'],
                                cwd=REPO, env=os.environ | {'PYTHONHASHSEED': seed}, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        fingerprints.append(dist_fingerprint(book / 'dist' / 'handouts'))
    assert len(fingerprints[0]) >= 2 and fingerprints[0] == fingerprints[1]
