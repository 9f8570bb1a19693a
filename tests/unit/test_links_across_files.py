"""The EPUB's links across files (``write/epub.py``): each ``#id`` link that leads into another document names
that document's file, one document at a time, and images get their names in the EPUB."""

import lxml.html

from builder.model import Document
from builder.write.epub import links_across_files


def _document(id_: str, body: str) -> Document:
    return Document(id_, 'chapter', id_, body)


def test_a_link_into_another_document_names_its_file_and_one_within_its_own_does_not():
    one = _document('one', '<section id="one"><p id="one.1">See <a href="#two-note">the note</a> and '
                           '<a href="#one.1">this</a>, <a href="#nowhere">nothing</a>, '
                           '<a href="https://example.org/#two-note">away</a>.</p></section>')
    two = _document('two', '<section id="two"><p>Text <span><sup id="two-note">1</sup></span> '
                           '<a href="#one">back</a>.</p></section>')
    bodies = [lxml.html.tostring(tree, encoding='unicode') for tree in links_across_files([one, two], {})]
    assert 'href="two.xhtml#two-note"' in bodies[0]
    assert 'href="#one.1"' in bodies[0]  # in its own document
    assert 'href="#nowhere"' in bodies[0]  # no document holds it: left as it is
    assert 'href="https://example.org/#two-note"' in bodies[0]
    assert 'href="one.xhtml#one"' in bodies[1]  # a link back, to an id on the section itself
    assert '>the note</a>' in bodies[0] and 'Text <span><sup id="two-note">1</sup></span>' in bodies[1]


def test_images_take_their_names_in_the_epub_and_bodies_come_one_at_a_time():
    documents = [_document('one', '<section><p><img src="images/a%20map.png" alt="A map"/></p></section>'),
                 _document('two', '<section><p id="later">Later.</p></section>')]
    bodies = links_across_files(documents, {'images/a map.png': 'images/a-map-1234.png'})
    assert next(bodies).find('.//img').get('src') == 'images/a-map-1234.png'  # the first, before the second is made
    assert next(bodies).find('p').get('id') == 'later'
