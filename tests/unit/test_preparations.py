"""What a build prepares while Pandoc formats its citations: for the writers that write in the build's own process."""

from builder.options import BuildOptions
from builder.write import epub
from builder.write.formats import preparations


def test_an_epub_beside_a_pdf_is_prepared_by_the_process_that_writes_it():
    # A process of its own writes it (``beside.py``) and draws its own cover: the build's would be for nothing.
    assert epub.prepare not in preparations(BuildOptions(formats=('pdf', 'epub', 'html')))
    assert epub.prepare not in preparations(BuildOptions(formats=('pdf', 'epub')))


def test_an_epub_the_build_writes_itself_is_prepared_by_it():
    assert preparations(BuildOptions(formats=('epub',))) == [epub.prepare]
    assert preparations(BuildOptions(formats=('epub', 'html'))) == [epub.prepare]
    # A handout's EPUB is written beside its PDF, where the handout is made (``epub.write``)
    assert preparations(BuildOptions(formats=('pdf', 'epub'), handouts=())) == [epub.prepare]
    assert preparations(BuildOptions(formats=('pdf',))) == []
