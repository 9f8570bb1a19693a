"""Interface strings: every word the builder itself prints in a book, from one catalog per language.

The catalogs are YAML files in ``builder/locales/`` (package data), one per language tag. ``en.yaml``
holds every key; another language's file (``fr.yaml``, ``en-GB.yaml``) holds only what it changes. A
lookup for ``fr-CA`` reads ``fr-CA.yaml`` if there is one, then ``fr.yaml``, then ``en.yaml``, so a
language with a partial catalog prints English for what it lacks. A key that English lacks too is
an error (:class:`MissingString`), never a blank.

The files nest keys by where they are printed (``glossary: {title: Glossary}``); code names them with
dots (``glossary.title``). A value is one of:

- a text, a Python format string: ``Chapter {number}``;
- a text chosen by a count: a mapping of CLDR plural categories (``one``, ``few``, ``other`` …;
  ``other`` required) to texts, the category given by Babel for the count in the language of the file
  the value comes from;
- data a language's conventions need (quotation marks, season names, whether French spacing applies):
  a list of texts, a boolean, or a text read as data.

Adding a language is one file, ``locales/<tag>.yaml``, with the keys it translates; the tests check
every file against English (same keys, same kinds of value) and that English has every key the code
and the templates ask for.

Code asks ``strings = catalog(language)``, then ``strings('contents.title')``,
``strings.plural('uses.pages', count)`` or ``strings.data('typography.quotes')``. Templates get
``t = strings.markup``: the same calls, giving markup in which the catalog's text is escaped and
so is every argument that is not already markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape

ROOT_LANGUAGE = 'en'
# libyaml's loader, in PyYAML's wheels: the catalogs are read in each process that prints words (the build, and
# each writer beside the PDF), 0.002 s for en.yaml against 0.02 s with PyYAML's Python loader
_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
PLURAL_CATEGORIES = frozenset({'zero', 'one', 'two', 'few', 'many', 'other'})
# The keys of en.yaml that are data, not words: a catalog of another language need not have them.
DATA_KEYS = frozenset({
    'typography.quotes', 'typography.french-spacing',  # conventions, English's where a language lacks them
    'citations.csl-locale',                            # a CSL locale tag
    'glossary.digits',                                 # the heading of terms that begin with a digit: 0–9
    'edition.in-title',                                # '{title}, {edition}': punctuation only
})
# The keys a book's ``strings:`` cannot override, and what to use instead: they are looked up by the
# language of a citation style or of a date, not by the book.
NOT_OVERRIDABLE = {
    'references.title.author-date': "book.yaml's 'bibliography-title'",
    'references.title.notes': "book.yaml's 'bibliography-title'",
    'references.title.works-cited': "book.yaml's 'bibliography-title'",
    'citations.csl-locale': 'a locales file',
    'dates.seasons': 'a locales file',
    'dates.circa': 'a locales file',
    'typography.quotes': 'a locales file',
    'typography.french-spacing': 'a locales file',
}

Value = str | bool | tuple[str, ...] | Mapping[str, str]  # a text, a flag, a list, or plural forms


class CatalogError(LookupError):
    """A catalog file that cannot be read, or a key asked for that no catalog has."""


class MissingString(CatalogError, KeyError):
    """A key that no catalog in the lookup has, English included."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Layer:
    """One catalog: its language tag, its values by dotted key, and where they were read."""

    language: str
    values: Mapping[str, Value]
    source: str  # locales/fr.yaml, book.yaml


@dataclass(frozen=True)
class Catalog:
    """The strings of one language: its catalog layers, most specific first, English last."""

    language: str  # the tag asked for
    layers: tuple[Layer, ...]

    def value(self, key: str) -> tuple[Value, Layer]:
        """The value of ``key`` and the layer it comes from."""
        for layer in self.layers:
            if key in layer.values:
                return layer.values[key], layer
        raise MissingString(f"no interface string '{key}' in the catalogs of '{self.language}' "
                            f"({', '.join(layer.source for layer in self.layers)})")

    def __call__(self, key: str, /, **args: Any) -> str:
        """The text of ``key``, its ``{fields}`` filled in from ``args``."""
        return self._text(key).format(**args)

    def plural(self, key: str, count: int, /, **args: Any) -> str:
        """The text of ``key`` for ``count`` (also given to the text as ``{count}``)."""
        return self._plural_text(key, count).format(count=count, **args)

    def data(self, key: str) -> Any:
        """A value that is not a text to print as such: a list, a flag, a tag."""
        return self.value(key)[0]

    @property
    def markup(self) -> MarkupStrings:
        return MarkupStrings(self)

    def with_overrides(self, overrides: Mapping[str, Value], source: str = 'book.yaml') -> Catalog:
        """This catalog with some strings replaced (a book's own wording), each checked against English."""
        english = load_layer(ROOT_LANGUAGE).values
        values: dict[str, Value] = {}
        _flatten(overrides, '', values, source)
        for key, value in values.items():
            _check_like_english(key, value, english, source)
        return Catalog(self.language, (Layer(self.language, values, source), *self.layers))

    def _text(self, key: str) -> str:
        value, layer = self.value(key)
        if not isinstance(value, str):
            raise CatalogError(f"the interface string '{key}' ({layer.source}) is not a text")
        return value

    def _plural_text(self, key: str, count: int) -> str:
        value, layer = self.value(key)
        if isinstance(value, str):
            return value  # the same text for every count
        if not isinstance(value, Mapping):
            raise CatalogError(f"the interface string '{key}' ({layer.source}) is not a text")
        category = _plural_rule(layer.language)(count)
        return value.get(category, value['other'])


class MarkupStrings:
    """A catalog as templates call it: ``t('key', name=value)``, ``t.plural('key', count)`` give markup."""

    def __init__(self, strings: Catalog) -> None:
        self.strings = strings

    def __call__(self, key: str, /, **args: Any) -> Markup:
        return escape(self.strings._text(key)).format(**args)

    def plural(self, key: str, count: int, /, **args: Any) -> Markup:
        return escape(self.strings._plural_text(key, count)).format(count=count, **args)


@cache
def catalog(language: str) -> Catalog:
    """The strings for a BCP 47 language tag: its own catalog, its primary language's (``fr-CA`` -> ``fr``),
    English's. Tags match whatever their case; a tag of three subtags falls back to its primary
    language directly (``en-GB-oxendict`` -> ``en``), as the builder's tables always did."""
    tag = language.lower()
    available = catalog_files()
    tags = dict.fromkeys(t for t in (tag, tag.split('-')[0]) if t in available and t != ROOT_LANGUAGE)
    return Catalog(language, (*(load_layer(available[t]) for t in tags), load_layer(ROOT_LANGUAGE)))


@cache
def book_catalog(language: str, overrides: tuple[tuple[str, Any], ...] = ()) -> Catalog:
    """The catalog of a book: its language's, with the book's ``strings:`` (dotted key, value) on top.
    Plural forms come as a tuple of (category, text) pairs, so that the arguments can be cached."""
    strings = catalog(language)
    if not overrides:
        return strings
    return strings.with_overrides({key: dict(value) if isinstance(value, tuple) and value and
                                   isinstance(value[0], tuple) else value for key, value in overrides})


@cache
def text_direction(language: str) -> str:
    """'rtl' for a language written right to left (Arabic, Persian, Hebrew, Urdu, Pashto …: CLDR's character
    order, by Babel), else 'ltr' (a language CLDR does not know included)."""
    try:
        order = Locale.parse(language, sep='-').character_order
    except (UnknownLocaleError, ValueError):
        return 'ltr'
    return 'rtl' if order == 'right-to-left' else 'ltr'


def has_catalog(language: str) -> bool:
    """Whether a language tag has a catalog of its own or of its primary language (English has one)."""
    tag = language.lower()
    return tag in catalog_files() or tag.split('-')[0] in catalog_files()


def word_keys() -> list[str]:
    """The keys of en.yaml that print words: every catalog of another language has them."""
    return [key for key in load_layer(ROOT_LANGUAGE).values if key not in DATA_KEYS]


@cache
def catalog_files() -> dict[str, str]:
    """The catalogs there are, by lower-case language tag -> the tag as its file spells it."""
    return {path.name[:-len('.yaml')].lower(): path.name[:-len('.yaml')]
            for path in files(__package__).joinpath('locales').iterdir() if path.name.endswith('.yaml')}


@cache
def load_layer(language: str) -> Layer:
    """Read ``locales/<language>.yaml`` into dotted keys, checking every value's shape."""
    name = f'locales/{language}.yaml'
    try:
        data = yaml.load(files(__package__).joinpath(name).read_text(encoding='utf-8'), Loader=_LOADER)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f'cannot read the catalog {name}: {exc}') from None
    values: dict[str, Value] = {}
    _flatten(data or {}, '', values, name)
    if language != ROOT_LANGUAGE:
        english = load_layer(ROOT_LANGUAGE).values
        for key, value in values.items():
            _check_like_english(key, value, english, name)
    return Layer(language, values, name)


def _flatten(data: Any, prefix: str, into: dict[str, Value], source: str) -> None:
    if not isinstance(data, Mapping):
        raise CatalogError(f'{source}: {prefix or "the file"} must be a mapping of keys')
    for name, value in data.items():
        key = f'{prefix}{name}'
        if isinstance(value, Mapping) and value and set(value) <= PLURAL_CATEGORIES:
            if 'other' not in value or not all(isinstance(v, str) for v in value.values()):
                raise CatalogError(f"{source}: the plural forms of '{key}' need texts, 'other' among them")
            into[key] = dict(value)
        elif isinstance(value, Mapping):
            _flatten(value, key + '.', into, source)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            into[key] = tuple(value)
        elif isinstance(value, (str, bool)):
            into[key] = value
        else:
            raise CatalogError(f"{source}: '{key}' must be a text, a list of texts, true/false or plural forms")


def value_kind(value: Value) -> str:
    """What kind of value: 'text' (a text or plural forms), 'list of N', 'bool'."""
    if isinstance(value, Mapping):
        return 'text'  # plural forms stand where a text does, and a single text where plural forms do
    if isinstance(value, tuple):
        return f'list of {len(value)}'
    return type(value).__name__.replace('str', 'text')


def _check_like_english(key: str, value: Value, english: Mapping[str, Value], source: str) -> None:
    if key not in english:
        raise CatalogError(f"{source}: '{key}' is not an interface string (the English catalog has no such key)")
    if value_kind(value) != value_kind(english[key]):
        raise CatalogError(f"{source}: '{key}' must be a {value_kind(english[key])}, like English's, "
                           f'not a {value_kind(value)}')


@cache
def _plural_rule(language: str):  # type: ignore[no-untyped-def]
    """CLDR's plural rule of a catalog's language, by Babel; English's for a layer that is not a language."""
    try:
        return Locale.parse(language, sep='-').plural_form
    except (ValueError, TypeError):
        return Locale.parse(ROOT_LANGUAGE).plural_form
