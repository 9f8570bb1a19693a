"""The Markdown dialect: CommonMark plus the Pandoc syntax course-pack authors write.

:func:`make_parser` builds one configured markdown-it parser; each extension is
a plugin module of this package, added with ``md.use``.
"""

from __future__ import annotations

from collections.abc import Mapping

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .citations import citations_plugin
from .code_attributes import code_attributes_plugin
from .crossrefs import crossrefs_plugin
from .direction import direction_plugin
from .divs import fenced_div_plugin
from .editions import edition_content_plugin
from .escapes import escaped_space_plugin
from .figures import figures_plugin
from .footnotes import footnotes_plugin
from .headings import heading_attributes_plugin
from .highlight import highlight_plugin
from .image_attributes import image_attributes_plugin
from .index import index_plugin
from .limits import size_limits_plugin
from .line_blocks import line_blocks_plugin
from .links import links_plugin
from .lists import fancy_lists_plugin
from .locations import source_locations_plugin
from .math import math_plugin
from .punctuation import smart_punctuation_plugin
from .quotations import quotations_plugin
from .quotes import localized_quotes_plugin
from .raw_html import raw_html_plugin
from .scripts import scripts_plugin
from .table_captions import table_captions_plugin
from .tables import empty_header_cells_plugin
from .spans import spans_plugin
from .terms import TermIndex, terms_plugin
from .unsupported import unsupported_syntax_plugin

# Attributes an author may set on spans, divs and headings. Everything else
# (event handlers, style) is dropped: the outputs carry no author-supplied script.
ALLOWED_ATTRIBUTES = ('id', 'class', 'lang', 'dir', 'key', 'title', 'alt', 'width', 'height', 'see', 'seealso')


def make_parser(language: str, *, citation_notes: bool = False, terms: TermIndex | None = None,
                auto_terms: bool = False, editions: tuple[str, ...] = (),
                locator_terms: Mapping[str, tuple[str, str]] | None = None) -> MarkdownIt:
    """The parser; ``citation_notes`` makes citations footnotes (for a note citation style), ``terms``
    names the glossary terms unkeyed uses refer to, ``auto_terms`` marks each term's first use in a chapter,
    ``editions`` names the classes of edition-only content, ``locator_terms`` the book language's locator
    labels ("S." for a page in German), read as Pandoc reads them."""
    # html: HTML is read as HTML, so that no Markdown applies inside it; raw_html_plugin prints it as text.
    md = MarkdownIt('commonmark', {'html': True, 'typographer': True, 'xhtmlOut': True})
    md.enable(['table', 'replacements', 'smartquotes'])
    (
        md.use(front_matter_plugin)
        .use(raw_html_plugin)
        .use(math_plugin)
        .use(escaped_space_plugin)
        .use(fancy_lists_plugin)
        .use(links_plugin)
        .use(line_blocks_plugin)
        .use(code_attributes_plugin)
        .use(highlight_plugin)
        .use(scripts_plugin)
        .use(crossrefs_plugin)
        .use(footnotes_plugin)
        .use(citations_plugin, notes=citation_notes, locator_terms=locator_terms)
        .use(deflist_plugin)
        .use(attrs_plugin, spans=True, allowed=ALLOWED_ATTRIBUTES)
        .use(image_attributes_plugin, allowed=ALLOWED_ATTRIBUTES)
        .use(figures_plugin)
        .use(table_captions_plugin)
        .use(spans_plugin)
        .use(quotations_plugin)
        .use(fenced_div_plugin, allowed=ALLOWED_ATTRIBUTES)
        .use(heading_attributes_plugin)
        .use(smart_punctuation_plugin)
        .use(edition_content_plugin, editions=editions)
        .use(localized_quotes_plugin, language=language)
        .use(empty_header_cells_plugin)
        .use(source_locations_plugin)
        .use(terms_plugin, index=terms, auto=auto_terms)
        .use(index_plugin)
        .use(size_limits_plugin)
        .use(unsupported_syntax_plugin)
        .use(direction_plugin, language=language)
    )
    return md
