"""The documents as the EPUB and the web edition write them (``write/documents.py``): each ``#id`` link that leads
into another document names that document's file, images get their names in the EPUB, one document at a time; and
the hash of what decides each document, kept bodies' outlines standing for the bodies."""

import lxml.html

from builder.blocks import fragment
from builder.model import Document, PageMap, PageNumbering
from builder.write import documents as documents_module
from builder.write.documents import KeptDocuments, placed
from builder.write.pagelist import PageBreaks


def _document(id_: str, body: str) -> Document:
    return Document(id_, 'chapter', id_, body)


def _bodies(documents, image_names=None, kept=None, breaks=None):  # type: ignore[no-untyped-def]
    return [lxml.html.tostring(p.tree(), encoding='unicode')
            for p in placed(documents, image_names or {}, breaks, kept or KeptDocuments(None))]


def test_a_link_into_another_document_names_its_file_and_one_within_its_own_does_not():
    one = _document('one', '<section id="one"><p id="one.1">See <a href="#two-note">the note</a> and '
                           '<a href="#one.1">this</a>, <a href="#nowhere">nothing</a>, '
                           '<a href="https://example.org/#two-note">away</a>.</p></section>')
    two = _document('two', '<section id="two"><p>Text <span><sup id="two-note">1</sup></span> '
                           '<a href="#one">back</a>.</p></section>')
    bodies = _bodies([one, two])
    assert 'href="two.xhtml#two-note"' in bodies[0]
    assert 'href="#one.1"' in bodies[0]  # in its own document
    assert 'href="#nowhere"' in bodies[0]  # no document holds it: left as it is
    assert 'href="https://example.org/#two-note"' in bodies[0]
    assert 'href="one.xhtml#one"' in bodies[1]  # a link back, to an id on the section itself
    assert '>the note</a>' in bodies[0] and 'Text <span><sup id="two-note">1</sup></span>' in bodies[1]


def test_images_take_their_names_in_the_epub_and_bodies_come_one_at_a_time(monkeypatch):
    read = []  # the bodies parsed into trees, in order

    def counted(body):  # type: ignore[no-untyped-def]
        read.append(body)
        return fragment(body)

    monkeypatch.setattr(documents_module, 'fragment', counted)
    documents = [_document('one', '<section><p><img src="images/a%20map.png" alt="A map"/></p></section>'),
                 _document('two', '<section><p id="later">Later.</p></section>')]
    places = placed(documents, {'images/a map.png': 'images/a-map-1234.png'}, None, KeptDocuments(None))
    first = next(places)
    assert read == [documents[0].body]  # the second body is not read before the first is handed on
    assert first.tree().find('.//img').get('src') == 'images/a-map-1234.png'
    assert next(places).tree().find('p').get('id') == 'later'
    assert read == [documents[0].body, documents[1].body]  # each read once: its tree kept from its outline's


def test_a_kept_body_is_not_read_again_but_what_it_reads_of_the_others_still_decides_it(tmp_path):
    one = _document('one', '<section id="one"><p id="one.1">See <a href="#x">it</a>.</p></section>')
    two = _document('two', '<section id="two"><p id="x">Here.</p></section>')
    three = _document('three', '<section id="three"><p id="three.1">Not here.</p></section>')
    kept = KeptDocuments(tmp_path)
    first = list(placed([one, two, three], {}, None, kept))
    assert all(p.parsed is not None for p in first)  # read for their outlines, which are kept

    again = list(placed([one, two, three], {}, None, kept))
    assert all(p.parsed is None for p in again) and [p.reads for p in again] == [p.reads for p in first]
    assert 'href="two.xhtml#x"' in lxml.html.tostring(again[0].tree(), encoding='unicode')  # read when asked

    # The id moves to the third document: the first, the same body, reads another file for its link
    moved = [one, _document('two', '<section id="two"><p id="two.1">Gone.</p></section>'),
             _document('three', '<section id="three"><p id="x">Here now.</p></section>')]
    after = list(placed(moved, {}, None, kept))
    assert after[0].parsed is None and after[0].reads != first[0].reads
    assert 'href="three.xhtml#x"' in lxml.html.tostring(after[0].tree(), encoding='unicode')


def test_page_markers_are_part_of_what_decides_a_document_and_go_where_a_read_body_would_have_them(tmp_path):
    documents = [_document('one', '<section><p id="a">A</p><p id="b">B</p></section>'),
                 _document('two', '<section><p id="c">C</p></section>')]
    kept = KeptDocuments(tmp_path)

    def written(pages: PageMap) -> tuple[list[str], list[str]]:
        places = list(placed(documents, {}, PageBreaks(pages, 1, PageNumbering()), kept))
        return [p.reads for p in places], [lxml.html.tostring(p.tree(), encoding='unicode') for p in places]

    reads, bodies = written(PageMap(a=1, b=2, c=3))  # read, outlines kept
    reads_again, bodies_again = written(PageMap(a=1, b=2, c=3))  # from the outlines
    assert (reads_again, bodies_again) == (reads, bodies)
    moved_reads, moved_bodies = written(PageMap(a=1, b=1, c=2))  # page 2 begins with c now
    assert moved_reads[0] != reads[0] and moved_reads[1] != reads[1]
    assert 'id="page-2"' not in moved_bodies[0] and 'id="page-2"' in moved_bodies[1]
