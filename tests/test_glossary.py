"""Glossary and chronology end to end, on the tests/books/glossary fixture: real PDF pages, real EPUB files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from PIL import ImageFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from builder.resources import FONTS
from conftest import (BOOKS, EPUB_NS, LOCATED, MAIN_EDITION, OPF, SVG, XHTML, Run, build, build_once, copy_book,
                      copy_built, dist_fingerprint, epub_files, epubcheck, expand_pages, page_labels, pdf_pages_text,
                      set_key)

pytestmark = pytest.mark.build  # every test here lays out a book

FIXTURE = BOOKS / 'glossary'

# The fixture's glossary as a reader should find it: collation order, "émigré" under E, not after Z.
GLOSSARY_ORDER = ['Durand Line', 'émigré', 'Geneva Accords', 'KGB', 'Loya Jirga', 'mujahideen', 'Peshawar Seven',
                  'Politburo', 'United Nations', 'Zia ul-Haq']
# The chronology file is out of order; the book prints it by date, each date at its precision.
CHRONOLOGY_DATES = ['27 December 1979', 'c.\u00a01985', 'March 1985', 'October 1986', '1987', '14 April 1988',
                    '15 May 1988 – 15 February 1989', 'autumn 1988', 'April 1992']


@pytest.fixture(scope='session')
def glossary_book(tmp_path_factory) -> Run:
    return build_once(tmp_path_factory, 'glossary', *MAIN_EDITION)


def words(text: str) -> str:
    """PDF text with line-end hyphenation and all spacing undone, lower-cased, for 'does it appear' checks."""
    text = re.sub(r'[\u2010-]\s*\n\s*', '', text)
    return ' '.join(text.split()).casefold()


def marked_texts(key: str) -> set[str]:
    """What the chapters mark as a use of ``key``: its forms and the text of every keyed use."""
    import yaml

    entry = next(e for e in yaml.safe_load((FIXTURE / 'glossary.yaml').read_text()) if e['key'] == key)
    texts = {entry['term'], *(f['form'] for f in entry.get('forms', []))}
    for chapter in (FIXTURE / 'chapters').glob('*.md'):
        texts |= set(re.findall(rf'\[([^\]]+)\]\{{\.term key={key}\}}', chapter.read_text()))
    return {t.casefold() for t in texts}


def marked_uses(kind: str) -> dict[str, list[str]]:
    """Key -> the ids of the uses the fixture's chapters mark (``term`` or ``event``), as the builder numbers them:
    ``term-<chapter>-<n>``, the n-th such span of the chapter. An unkeyed use names its term by a form."""
    import yaml

    forms = {}
    for entry in yaml.safe_load((FIXTURE / 'glossary.yaml').read_text()):
        for form in [entry['term'], *(f['form'] for f in entry.get('forms', []))]:
            forms[form.casefold()] = entry['key']
    uses: dict[str, list[str]] = {}
    for chapter in sorted((FIXTURE / 'chapters').glob('*.md')):
        text = chapter.read_text()
        chapter_id = re.search(r'^id: ([\w-]+)$', text, re.M)[1]
        spans = re.finditer(rf'\[([^\]]+)\]\{{\.{kind}\b(?:[^}}]*?\bkey=([\w-]+))?[^}}]*\}}', text)
        for n, span in enumerate(spans, start=1):
            uses.setdefault(span[2] or forms[span[1].casefold()], []).append(f'{kind}-{chapter_id}-{n}')
    return uses


def pages_of(pdf: Path, ids: list[str]) -> list[int]:
    """The numbers printed on the pages of the PDF on which these elements are (their named destinations), in
    order: pages of the body, numbered from 1."""
    reader = PdfReader(pdf)
    destinations = {name: int(reader.page_labels[reader.get_destination_page_number(dest)])
                    for name, dest in reader.named_destinations.items() if name in ids}
    return sorted({destinations[ident] for ident in ids})


def glossary_pages(pages: list[str]) -> range:
    start = next(i for i, text in enumerate(pages) if re.search(r'^\s*Glossary\s*$', text, re.M) and i > 3)
    end = next(i for i, text in enumerate(pages) if re.search(r'^\s*Chronology\s*$', text, re.M) and i > start)
    return range(start, end)


def test_glossary_page_numbers_are_pages_where_the_term_is(glossary_book):
    pages = pdf_pages_text(glossary_book.output('.pdf'))
    text = '\n'.join(pages[i] for i in glossary_pages(pages))
    listed: dict[str, list[int]] = {term: [] for term in GLOSSARY_ORDER}
    current = None
    for line in text.splitlines():
        # An entry's first line is its term, alone or followed by its other forms in parentheses.
        current = next((t for t in GLOSSARY_ORDER if line.strip() == t or line.startswith(f'{t} (')), current)
        found = re.match(r'pp?\.[ \u00a0]*([\d, –]+)$', line.strip())
        if found:
            listed[current] = expand_pages(found.group(1))
    assert listed['Loya Jirga'] == []  # defined, never used
    # Each term lists the pages its marked uses are laid out on, every one of them, read off the PDF.
    uses = marked_uses('term')
    assert 'loya-jirga' not in uses and len(uses['mujahideen']) == 5  # in every chapter, once in French
    for term, key in (('mujahideen', 'mujahideen'), ('émigré', 'emigre'), ('Politburo', 'politburo')):
        assert listed[term] == pages_of(glossary_book.output('.pdf'), uses[key]), term
    assert len(listed['mujahideen']) > 1  # a list of pages, not one
    key_of = {'Durand Line': 'durand-line', 'émigré': 'emigre', 'Geneva Accords': 'geneva-accords', 'KGB': 'kgb',
              'mujahideen': 'mujahideen', 'Peshawar Seven': 'peshawar-seven', 'Politburo': 'politburo',
              'United Nations': 'united-nations', 'Zia ul-Haq': 'zia'}
    labels = page_labels(glossary_book.output('.pdf'))
    for term, key in key_of.items():
        assert listed[term], term
        for page in listed[term]:
            on_page = words(pages[labels.index(str(page))])
            assert any(form in on_page for form in marked_texts(key)), (term, page)


def test_glossary_page_numbers_link_to_the_use_on_that_page(glossary_book):
    reader = PdfReader(glossary_book.output('.pdf'))
    pages = pdf_pages_text(glossary_book.output('.pdf'))
    destinations = {name: int(reader.page_labels[reader.get_destination_page_number(dest)])
                    for name, dest in reader.named_destinations.items() if name.startswith('term-')}
    printed, linked = set(), set()
    for i in glossary_pages(pages):
        for found in re.finditer(r'\bpp?\.[ \u00a0]*([\d, –]+)', pages[i]):
            printed |= set(expand_pages(found.group(1).strip().rstrip(',')))
        for annot in reader.pages[i].get('/Annots') or []:
            dest = str(annot.get_object().get('/Dest', ''))
            if dest.startswith('term-'):
                linked.add(destinations[dest])
    assert printed and printed == linked


def test_every_use_links_to_its_entry_and_back(glossary_book):
    files = epub_files(glossary_book.output('.epub'))
    glossary = etree.fromstring(files['EPUB/glossary.xhtml'])
    entries = {dt.get('id') for dt in glossary.iter(f'{XHTML}dt')}
    backlinks = {a.get('href') for a in glossary.iter(f'{XHTML}a') if a.get('role') == 'doc-backlink'}
    uses = 0
    for name in ('beginnings', 'geneva', 'aftermath'):
        chapter = etree.fromstring(files[f'EPUB/{name}.xhtml'])
        for link in chapter.iter(f'{XHTML}a'):
            if 'term' not in (link.get('class') or '').split():
                continue
            uses += 1
            file, _, target = link.get('href').partition('#')
            assert file == 'glossary.xhtml' and target in entries, link.get('href')
            assert link.get(f'{EPUB_NS}type') == 'glossref'
            assert f'{name}.xhtml#{link.get("id")}' in backlinks
    assert uses == len(backlinks) == 17  # every marked use in the fixture's chapters
    # The PDF links them too: every use is a link annotation to a glossary entry.
    reader = PdfReader(glossary_book.output('.pdf'))
    to_entries = [a for page in reader.pages for a in page.get('/Annots') or []
                  if str(a.get_object().get('/Dest', '')).startswith('glossary-')]
    assert len(to_entries) >= uses


def test_glossary_entries_in_collation_order_with_letters_forms_and_see_also(glossary_book):
    glossary = etree.fromstring(epub_files(glossary_book.output('.epub'))['EPUB/glossary.xhtml'])
    section = glossary.find(f'.//{XHTML}section')
    assert section.get(f'{EPUB_NS}type') == 'glossary'
    assert [d.text for d in glossary.iter(f'{XHTML}dfn')] == GLOSSARY_ORDER
    assert [''.join(h.itertext()) for h in glossary.iter(f'{XHTML}h2')] == list('DEGKLMPUZ')  # text after page breaks
    mujahideen = glossary.find(f'.//{XHTML}dt[@id="glossary-mujahideen"]')
    french = [s for s in mujahideen.iter(f'{XHTML}span') if s.text == 'moudjahidines']
    assert french and french[0].get('lang') == 'fr'
    definition = mujahideen.getnext()
    assert definition.get(f'{EPUB_NS}type') == 'glossdef'
    see_also = definition.find(f'{XHTML}p[@class="see-also"]')
    assert [(a.get('href'), a.text) for a in see_also.iter(f'{XHTML}a')] == [
        ('#glossary-peshawar-seven', 'Peshawar Seven'), ('#glossary-zia', 'Zia ul-Haq')]
    assert definition.find(f'.//{XHTML}em').text == 'Peshawar'  # the definition is Markdown
    # The sources are Pandoc citations, formatted by the book's citation style and linked to the bibliography.
    sources = definition.find(f'{XHTML}p[@class="sources"]')
    cite = sources.find(f'.//{XHTML}a')
    assert cite.get('href') == 'bibliography.xhtml#ref-fixture-source' and cite.text == 'Writer 2001, 1'
    nav = etree.fromstring(epub_files(glossary_book.output('.epub'))['EPUB/nav.xhtml'])
    landmarks = next(n for n in nav.iter(f'{XHTML}nav') if n.get(f'{EPUB_NS}type') == 'landmarks')
    assert any(a.get(f'{EPUB_NS}type') == 'glossary' and a.get('href') == 'glossary.xhtml'
               for a in landmarks.iter(f'{XHTML}a'))


def test_chronology_in_date_order_at_each_date_precision(glossary_book):
    files = epub_files(glossary_book.output('.epub'))
    chronology = etree.fromstring(files['EPUB/chronology.xhtml'])
    dates = [_date_text(p) for p in chronology.iter(f'{XHTML}p') if p.get('class') == 'event-date']
    assert dates == CHRONOLOGY_DATES
    times = {t.text: t.get('datetime') for t in chronology.iter(f'{XHTML}time')}
    assert times['14 April 1988'] == '1988-04-14' and times['March 1985'] == '1985-03' and times['1987'] == '1987'
    # The same order in the PDF (for the dates whose long form the timeline, drawn on the same pages, does not use).
    pages = pdf_pages_text(glossary_book.output('.pdf'))
    text = words('\n'.join(pages[glossary_pages(pages).stop:]))
    long_forms = [d for d in CHRONOLOGY_DATES if re.search(r'[A-Z][a-z]{4,}|\d [A-Z][a-z]+', d)]
    assert len(long_forms) == 6
    positions = [text.index(words(d)) for d in long_forms]
    assert positions == sorted(positions)
    # Each event lists the pages that discuss it: the withdrawal, in chapters 2 and 3.
    withdrawal = text[text.index(words('15 May 1988 – 15 February 1989')):]
    listed = re.match(r'.*?from its first day to its last\.\s*sources: \(writer 2001, 4\)\s*pp?\.\s*([\d, –]+\d)',
                      withdrawal)
    assert listed, withdrawal[:300]
    uses = marked_uses('event')['withdrawal']
    assert len(uses) == 2
    assert expand_pages(listed[1]) == pages_of(glossary_book.output('.pdf'), uses)


def _date_text(p) -> str:
    tags = p.find(f'{XHTML}span')
    text = ''.join(p.itertext())
    return text[: len(text) - len(''.join(tags.itertext()))].strip() if tags is not None else text.strip()


def test_timeline_is_vector_in_the_pdf_and_an_svg_file_in_the_epub(glossary_book):
    files = epub_files(glossary_book.output('.epub'))
    opf = etree.fromstring(files['EPUB/content.opf'])
    items = {i.get('href'): i.get('media-type') for i in opf.iter(f'{OPF}item')}
    assert items['generated/timeline.svg'] == 'image/svg+xml'
    chronology = etree.fromstring(files['EPUB/chronology.xhtml'])
    image = chronology.find(f'.//{XHTML}figure/{XHTML}img')
    assert image.get('src') == 'generated/timeline.svg' and 'Timeline of 9 events' in image.get('alt')
    svg = etree.fromstring(files['EPUB/generated/timeline.svg'])
    assert svg.get('viewBox')  # camel case intact: not mangled by an HTML parser
    labels = ' '.join(''.join(t.itertext()) for t in svg.iter(f'{SVG}text'))
    assert 'Geneva Accords signed' in labels and '14 Apr 1988' in labels
    assert 'Soviet invasion of Afghanistan' in labels  # no label: the text's first clause
    # In the PDF the labels are text drawn as vectors, on the chronology's first page, with no raster image.
    reader = PdfReader(glossary_book.output('.pdf'))
    pages = pdf_pages_text(glossary_book.output('.pdf'))
    index = next(i for i, text in enumerate(pages) if 'Geneva Accords signed' in text)
    assert '14 Apr 1988' in pages[index] and 'Soviet withdrawal' in pages[index]
    # Every label of the drawing is a line of text there (laid over its shapes: layout/timeline_labels.py), not
    # the SVG's text, which WeasyPrint draws a letter at a time: one text-showing operator a letter (439 on this
    # page), where lines of text take one each (41).
    page_words = ' '.join(pages[index].replace('\xa0', ' ').split())
    for text in svg.iter(f'{SVG}text'):
        assert ' '.join(text.text.replace('\xa0', ' ').split()) in page_words, text.text
    shown = [op for _, op in ContentStream(reader.pages[index].get_contents(), reader).operations
             if op in (b'Tj', b'TJ', b"'", b'"')]
    letters = sum(len(text.text) for text in svg.iter(f'{SVG}text'))
    assert len(shown) < letters / 4, (len(shown), letters)
    xobjects = reader.pages[index]['/Resources'].get('/XObject') or {}
    assert not [x for x in xobjects.values() if x.get_object().get('/Subtype') == '/Image']


def test_epub_passes_epubcheck(glossary_book):
    epubcheck(glossary_book.output('.epub'))


def test_unused_term_and_unsourced_event_are_located_warnings(glossary_book):
    assert "glossary.yaml:61:3: warning[term-unused]: the term 'loya-jirga' is defined but never used" \
        in glossary_book.err
    assert "chronology.yaml:51:3: warning[event-no-source]: the event 'kabul-falls' gives no source" \
        in glossary_book.err


def test_auto_terms_mark_the_first_use_in_running_text_only(tmp_path):
    book = copy_book('glossary', tmp_path)
    set_key(book, 'auto-terms: true')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    chapter = etree.fromstring(epub_files(run.output('.epub'))['EPUB/aftermath.xhtml'])
    durand = [a for a in chapter.iter(f'{XHTML}a') if a.get('href') == 'glossary.xhtml#glossary-durand-line']
    # Not in the heading, the code or the link: the first use in running text, and only that one.
    assert len(durand) == 1 and durand[0].text == 'Durand Line'
    assert durand[0].getparent().tag == f'{XHTML}p'
    assert durand[0].getprevious().tag == f'{XHTML}a'  # after the link that names it, not inside it
    # Terms marked explicitly earlier in the chapter are not marked again.
    kgb = [a for a in chapter.iter(f'{XHTML}a') if a.get('href') == 'glossary.xhtml#glossary-kgb']
    assert len(kgb) == 1
    epubcheck(run.output('.epub'))


def test_dense_chronology_labels_never_overlap_and_panels_fit_a_page(tmp_path):
    """Forty events crowded into two years: the timeline still sets every label apart, on page-sized panels."""
    book = copy_book('glossary', tmp_path)
    events = ''.join(
        f'- key: e{n}\n  date: "{1988 + n // 20}-{n % 12 + 1:02d}{"-15" if n % 3 == 0 else ""}"\n'
        f'  text: "Event number {n}, whose description is long enough to need more than one line when it '
        f'is set as a label beside the axis of the timeline."\n  sources: "[@fixture-source]"\n'
        for n in range(40))
    (book / 'chronology.yaml').write_text((book / 'chronology.yaml').read_text() + events)
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    files = epub_files(run.output('.epub'))
    panels = sorted(name for name in files if name.startswith('EPUB/generated/timeline'))
    assert len(panels) >= 2
    font = ImageFont.truetype(str(FONTS / 'GentiumBookPlus-Regular.ttf'), 11.5)
    seen = 0
    for name in panels:
        svg = etree.fromstring(files[name])
        assert float(svg.get('height')) <= 680
        boxes = []
        for text in svg.iter(f'{SVG}text'):
            if text.get('class') == 'year':
                continue
            x, y = float(text.get('x')), float(text.get('y'))
            boxes.append((x, y - 9, x + font.getlength(text.text), y + 3, text.text))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
            assert a[2] <= float(svg.get('width')), a
        seen += sum(1 for t in svg.iter(f'{SVG}text') if t.get('class') == 'date')
    assert seen == 49  # every event of the chronology, once
    epubcheck(run.output('.epub'))


def edit(book: Path, path: str, transform) -> None:
    target = book / path
    target.write_text(transform(target.read_text()))


BAD_INPUTS = {
    'unknown term key': (
        'chapters/03-aftermath.md', lambda t: t.replace('[KGB]{.term}', '[KGB]{.term key=kbg}'),
        'chapters/03-aftermath.md', 8, 'term-unknown', "no glossary term 'kbg' (did you mean 'kgb'?)"),
    'term text that is no form': (
        'chapters/02-geneva.md', lambda t: t.replace('[UN]{.term}', '[U.N.]{.term}'),
        'chapters/02-geneva.md', 8, 'term-unknown', "no glossary term has the form 'U.N.'"),
    'two terms share a form': (
        'glossary.yaml', lambda t: t + '- key: unesco\n  term: UNESCO\n  forms: [UN]\n  definition: x\n',
        'glossary.yaml', 64, 'term-form-shared',
        "the form 'UN' belongs to both 'united-nations' (glossary.yaml:20:3) and 'unesco'"),
    'see-also names no term': (
        'glossary.yaml', lambda t: t.replace('see-also: [peshawar-seven, zia]', 'see-also: [peshawar-seven, zai]'),
        'glossary.yaml', 17, 'term-see-also-unknown', "see-also names no glossary term 'zai' (did you mean 'zia'?)"),
    'invalid date': (
        'chronology.yaml', lambda t: t.replace('date: "1986-10"', 'date: "1986-13"'),
        'chronology.yaml', 40, 'event-date', "'1986-13' is not an EDTF date"),
    'range that ends before it begins': (
        'chronology.yaml', lambda t: t.replace('1988-05-15/1989-02-15', '1989-05-15/1988-02-15'),
        'chronology.yaml', 10, 'event-date', 'ends before it begins'),
    'unknown event key': (
        'chapters/02-geneva.md', lambda t: t.replace('key=reconciliation', 'key=reconcilation'),
        'chapters/02-geneva.md', 20, 'event-unknown', "no event 'reconcilation' in chronology.yaml "
        "(did you mean 'reconciliation'?)"),
    'event passage without a key': (
        'chapters/02-geneva.md', lambda t: t.replace('{.event key=reconciliation}', '{.event}'),
        'chapters/02-geneva.md', 20, 'event-key-missing', 'an event passage names its event'),
    'unknown glossary field': (
        'glossary.yaml', lambda t: t.replace('  see-also: [geneva-accords]', '  see-aslo: [geneva-accords]'),
        'glossary.yaml', 26, 'data-unknown-field', "unknown field 'see-aslo' (did you mean 'see-also'?)"),
    'duplicate event key': (
        'chronology.yaml', lambda t: t.replace('- key: reduction', '- key: gorbachev'),
        'chronology.yaml', 39, 'data-duplicate-key', "the key 'gorbachev' is already used at chronology.yaml:22:3"),
    'unknown reference in a glossary source': (
        'glossary.yaml', lambda t: t.replace('[@fixture-source, p. 3]', '[@fixture-sorce, p. 3]'),
        'glossary.yaml', 5, 'cite-unknown', "no reference 'fixture-sorce' (did you mean 'fixture-source'?)"),
    'glossary file named but missing': (
        'book.yaml', lambda t: t + 'glossary: terms.yaml\n',
        'book.yaml', 7, 'data-file-missing', "the glossary file 'terms.yaml' does not exist"),
}


@pytest.mark.parametrize('case', BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_glossary_or_chronology_is_a_located_error_and_dist_is_untouched(glossary_book, tmp_path, case):
    path, transform, where, line, code, message = BAD_INPUTS[case]
    book = copy_built(glossary_book, tmp_path)
    before = dist_fingerprint(book / 'dist')
    edit(book, path, transform)
    bad = build(book)
    assert bad.code == 1
    assert 'Traceback' not in bad.err
    errors = [m for m in map(LOCATED.match, bad.err.splitlines()) if m and m['level'] == 'error']
    assert errors, bad.err
    first = errors[0]
    assert (first['path'], int(first['line']), first['code']) == (where, line, code), bad.err
    assert message in first['msg'], bad.err
    assert dist_fingerprint(book / 'dist') == before


def test_strict_makes_glossary_warnings_fatal(glossary_book, tmp_path):
    book = copy_built(glossary_book, tmp_path)
    run = build(book, '--strict', '--format', 'epub')
    assert run.code == 1 and 'warning[term-unused]' in run.err
