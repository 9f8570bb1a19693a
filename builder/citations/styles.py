"""CSL styles: a style's name, or a ``.csl`` file in the book -> :class:`Style`, found at load time.

The common styles are bundled (``csl/``, with their licence); any other is a
``.csl`` file in the book. Finding a style reads its XML only (is it a CSL
style, is it a note style, does it print a bibliography); formatting with it is
Pandoc's (:mod:`builder.citations.format`), with the CSL locale of the book's
language, which Pandoc carries inside its binary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..containment import contained
from ..diagnostics import did_you_mean
from ..i18n import catalog, has_catalog


@dataclass(frozen=True)
class Style:
    name: str
    path: Path
    locale: str
    note: bool  # a note style: citations are footnotes
    bibliography: bool = True  # the style prints a reference list
    punctuation_in_quote: bool = False  # "Title," rather than "Title", (American English)

    @property
    def title(self) -> str:
        """The heading of its bibliography, as each kind of style names it, in the catalog of its locale."""
        strings = catalog(self.locale.split('-')[0])
        if 'modern-language-association' in (self.name, self.path.stem):  # by name, or by file ('mla')
            return strings('references.title.works-cited')
        return strings('references.title.notes' if self.note else 'references.title.author-date')


BUNDLED = Path(__file__).parent / 'csl'
ALIASES = {'vancouver': 'nlm-citation-sequence', 'iso690-fr': 'iso690-author-date-fr', 'mla': 'modern-language-association',
           'chicago-notes': 'chicago-notes-bibliography', 'harvard': 'harvard-cite-them-right'}
CSL = '{http://purl.org/net/xbiblio/csl}'


def style_names() -> list[str]:
    return sorted([p.stem for p in BUNDLED.glob('*.csl')] + list(ALIASES))


def find_style(name: str, root: Path, language: str) -> Style | str:
    """The bundled style named, or the ``.csl`` file in the book; else the problem, as text."""
    if name.endswith('.csl'):
        path = contained(root, root / name)
        if path is None:
            return f"the style file '{name}' is outside the book folder"
        if not path.is_file():
            return f"the style file '{name}' does not exist"
    else:
        names = style_names()
        if name not in names:
            return f"unknown citation style '{name}'{did_you_mean(name, names)}; give a bundled style " \
                   f"({', '.join(names)}) or the path of a .csl file in the book"
        path = BUNDLED / f'{ALIASES.get(name, name)}.csl'

    try:
        root_element = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except etree.XMLSyntaxError as exc:
        return f"the style file '{name}' is not valid XML: {exc}"
    if root_element.tag != CSL + 'style':
        return f"'{name}' is not a CSL style"
    if root_element.find(f'{CSL}info/{CSL}link[@rel="independent-parent"]') is not None:
        return f"'{name}' is a dependent CSL style (it only names its parent style): use the parent's .csl file"
    locale = csl_locale(language)
    options = root_element.find(f'{CSL}locale/{CSL}style-options[@punctuation-in-quote]')
    in_quote = options.get('punctuation-in-quote') == 'true' if options is not None else locale == 'en-US'
    return Style(name, path, locale, root_element.get('class') == 'note',
                 root_element.find(CSL + 'bibliography') is not None, in_quote)


def csl_locale(language: str) -> str:
    """The CSL locale Pandoc is given: the book's language, with the catalog's region when it names none (a
    language without a catalog goes as it is: Pandoc has CSL locales for more languages than we have catalogs)."""
    if '-' in language or not has_catalog(language):
        return language
    return catalog(language).data('citations.csl-locale')
