"""EPUB accessibility: what the package declares so that readers and their tools can trust the book.

EPUB Accessibility 1.1 asks a publication to say how it can be read (access
modes), what helps (features), what could harm (hazards), to sum this up for
a person, and to name the standard it meets. DAISY Ace fails a book that
leaves any of these out, or that has no ``xml:lang`` on its ``<package>``,
which ebooklib cannot write: :class:`AccessibleEpubWriter` adds it.

The claims are true of every book Coursepack writes: the text is real text in
reading order, with headings, a table of contents, landmarks and linked
notes; every image must have alt text (the build fails otherwise); nothing
flashes, plays sound or moves.
"""

from __future__ import annotations

from ebooklib import epub

from ..model import RenderedBook

CONFORMANCE = 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def accessibility_metadata(rendered: RenderedBook) -> list[tuple[str, str]]:
    """(property, value) pairs for ``<meta property=…>`` in the package metadata."""
    images = bool(rendered.images)
    features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability']
    if images:
        features.append('alternativeText')
    if rendered.pages is not None:  # the print edition's page numbers: markers in the text and a page-list
        features += ['pageBreakMarkers', 'pageNavigation']
    strings = rendered.config.interface
    summary = strings('accessibility.summary-images' if images else 'accessibility.summary')
    if rendered.pages is None:  # built alone, with no layout of the print edition to take them from
        summary += ' ' + strings('accessibility.no-page-list')
    return [
        ('schema:accessMode', 'textual'),
        *([('schema:accessMode', 'visual')] if images else []),
        ('schema:accessModeSufficient', 'textual'),
        *[('schema:accessibilityFeature', feature) for feature in features],
        ('schema:accessibilityHazard', 'none'),
        ('schema:accessibilitySummary', summary),
        ('dcterms:conformsTo', CONFORMANCE),
    ]


def declare_accessibility(book: epub.EpubBook, rendered: RenderedBook) -> None:
    for prop, value in accessibility_metadata(rendered):
        book.add_metadata(None, 'meta', value, {'property': prop})


class AccessibleEpubWriter(epub.EpubWriter):
    """ebooklib's writer, with the book's language on ``<package>`` too (Ace: epub-lang)."""

    def _write_opf_file(self, root):  # type: ignore[no-untyped-def]
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)
