"""The index's page: entries under their letters, with EPUB Indexes 1.1 semantics (``epub:type="index"``).

Each entry prints where it is used twice, as the glossary does: the page
numbers, collapsed into runs ("12, 34–36", each number a link to the first
passage on that page), for print; and links to every passage, by chapter, for
e-readers. The stylesheets show the one that suits their medium.
"""

from __future__ import annotations

from jinja2 import Environment

from ..glossary.terms import letter_groups
from ..i18n import Catalog
from ..model import IndexEntry


def index_body(templates: Environment, entries: tuple[IndexEntry, ...], title: str, uses, strings: Catalog,
               language: str) -> str:  # type: ignore[no-untyped-def]
    """The index's ``<section>``; ``uses`` prints the pages and links of an entry's passages."""
    groups = letter_groups(entries, strings('glossary.digits'), language, text=lambda entry: entry.term)
    return templates.get_template('index.xhtml').render(t=strings.markup, title=title, groups=groups, uses=uses)
