"""``book.yaml`` -> a frozen, validated :class:`BookConfig`.

Every key is declared once, in :class:`BookConfig`, with its type, default and
meaning (the reference manual is written from the same declarations). Unknown
keys, wrong types and missing files are reported with their line in
``book.yaml``, all of them, before the build stops.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from slugify import slugify

from .containment import contained
from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .i18n import (NOT_OVERRIDABLE, PLURAL_CATEGORIES, ROOT_LANGUAGE, Catalog, book_catalog, has_catalog,
                   load_layer, text_direction, value_kind, word_keys)
from .yamlfile import YamlList, YamlMap, load_yaml

MANIFEST = 'book.yaml'
PAPER_SIZES = ('a4', 'letter', 'a5')
PDF_STANDARDS = ('ua-1',)
BIBLIOGRAPHY_PLACES = ('end', 'per-chapter')
LISTS = ('figures', 'tables')  # the front matter's lists (issue 19: figures and tables)
_LANGUAGE = re.compile(r'^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')
_LENGTH = r'(?:\d+(?:\.\d+)?|\.\d+)(?:mm|cm|in|pt)'
_PAPER = re.compile(rf'^{_LENGTH} {_LENGTH}$')
_EDITION = re.compile(r'^[a-z][a-z0-9-]*$')


def check_paper(value: str) -> str | None:
    """Why ``value`` is not a paper size, or None: a named size or an explicit ``WIDTH HEIGHT``."""
    if value in PAPER_SIZES or _PAPER.match(value):
        return None
    return f"'paper' must be one of {', '.join(PAPER_SIZES)} or a width and height such as \"170mm 240mm\", not '{value}'"


def check_length(value: str) -> str | None:
    if re.fullmatch(_LENGTH, value):
        return None
    return f"'{value}' is not a length such as 3mm, 0.125in or 9pt"


def _key(doc: str, default: Any = None, *, kind: str = 'str', choices: tuple[str, ...] = (),
         check: Any = None) -> Any:
    return field(default=default, metadata={'doc': doc, 'kind': kind, 'choices': choices, 'check': check})


@dataclass(frozen=True)
class HandoutConfig:
    """The ``handouts:`` section: how ``coursepack handouts`` makes one PDF/EPUB per chapter."""

    page_numbers: str = _key("Handout pages number from 1 ('restart'), or keep the course pack's page numbers "
                             "('course-pack') so that a class can cite either.", 'restart',
                             choices=('restart', 'course-pack'))
    booklet: bool = _key('Impose handout PDFs two-up in saddle-stitch order, for a copy shop to fold and staple.',
                         False, kind='bool')
    web: bool = _key("Link each chapter's handout PDF (dist/handouts/<id>.pdf, which coursepack handouts makes) "
                     'from its page of the web edition.', False, kind='bool')


def check_share(value: str) -> str | None:
    if re.fullmatch(r'(?:100|\d{1,2}(?:\.\d+)?)%', value):
        return None
    return f"'{value}' is not a share of a source such as 10% (0% to 100%)"


@dataclass(frozen=True)
class ExcerptLimit:
    """The ``excerpt-limit:`` section: how much of one source an output may quote without a licence or permission."""

    words: int | None = _key('The most words of one source an output may quote (all its passages together).',
                             kind='count')
    share: str | None = _key("The largest share of one source an output may reproduce, such as '10%' "
                             '(of its words, or of its pages, as its length is given).', check=check_share)

    @property
    def fraction(self) -> float | None:
        return float(self.share.rstrip('%')) / 100 if self.share else None


@dataclass(frozen=True)
class BookConfig:
    """The book's manifest. Keys are written in kebab-case in ``book.yaml``."""

    title: str = _key('The book title, on the title page, in running heads and in the metadata.')
    subtitle: str | None = _key('A subtitle, shown under the title.')
    authors: tuple[str, ...] = _key('Authors or editors, in order.', (), kind='list[str]')
    language: str = _key('The book language as a BCP 47 tag (en, fr, en-GB): quotes, hyphenation, terms.', 'en')
    date: str | None = _key('Publication date, YYYY-MM-DD; also fixes the dates written into the outputs.')
    slug: str | None = _key('The base name of the output files; derived from the title when absent.')
    identifier: str | None = _key('A stable identifier (ISBN, URN); derived from the title and authors when absent.')
    description: str | None = _key('A one-paragraph description for the EPUB metadata.')
    rights: str | None = _key('A rights or licence statement, printed on the title page verso.')
    chapters: tuple[str, ...] = _key(
        'Chapter files in reading order; all of chapters/*.md in name order when absent.', (), kind='list[str]'
    )
    editions: tuple[str, ...] = _key(
        'The editions to build, the first one the main edition. Content in a ``::: {.NAME}`` div or ``[…]{.NAME}`` '
        'span, where NAME is another edition, appears only in that edition (answer keys, teaching notes).',
        ('student', 'instructor'), kind='list[str]')
    paper: str = _key('Paper size of the PDF: a4, letter, a5, or an explicit width and height ("170mm 240mm").',
                      'a4', check=check_paper)
    pdf_standard: str | None = _key(
        'A standard the PDF is written to: ua-1 (PDF/UA-1: tagged, with a structure tree, the language '
        'and figure alt text, for screen readers).', choices=PDF_STANDARDS)
    sides: str = _key("'duplex' (printed on both sides: chapters open on a right-hand page, with a blank page "
                      "before when needed) or 'simplex' (one side: no blank pages).", 'duplex',
                      choices=('duplex', 'simplex'))
    bleed: str | None = _key('Bleed around each page for a print shop, a length such as 3mm.', check=check_length)
    crop_marks: bool = _key('Print crop marks in the bleed area, for a print shop to trim the pages.', False,
                            kind='bool')
    handouts: HandoutConfig = _key('Options of ``coursepack handouts``.', HandoutConfig(), kind='map')
    glossary: str | None = _key('The glossary data file; glossary.yaml when it exists.')
    chronology: str | None = _key('The chronology data file; chronology.yaml when it exists.')
    auto_terms: bool = _key('Mark the first use of each glossary term in each chapter without {.term} markup.',
                            False, kind='bool')
    index_terms: bool = _key("Index every marked use of a glossary term under the term's name (the index "
                             'also takes [words]{.index} entries).', False, kind='bool')
    references: str | None = _key(
        'The bibliography data file: CSL-YAML (.yaml, .yml), CSL-JSON (.json) or BibTeX/BibLaTeX (.bib); '
        'references.yaml when absent and that file exists.')
    citation_style: str = _key(
        'A bundled CSL style (chicago-author-date, chicago-notes-bibliography, apa, modern-language-association, '
        'ieee, harvard-cite-them-right, vancouver, iso690-author-date-fr) or the path of a .csl file in the book; '
        "Pandoc's citeproc formats with it. A note style makes citations footnotes.", 'chicago-author-date')
    bibliography: str = _key(
        "Where the reference list goes: 'end' (one bibliography after the chapters) or 'per-chapter' (a list at "
        'the end of each chapter, for handouts; works under nocite are listed in each).', 'end',
        choices=BIBLIOGRAPHY_PLACES)
    bibliography_title: str | None = _key(
        "The bibliography's heading; by default the style's: References, Bibliography or Works Cited.")
    nocite: tuple[str, ...] = _key(
        'Reference ids to list in the bibliography although no chapter cites them; "*" lists every reference.',
        (), kind='list[str]')
    strings: tuple[tuple[str, Any], ...] = _key(
        "The book's own wording of interface strings, by catalog key: ``glossary.title: Lexique``, or plural "
        'forms by CLDR category (``uses.pages: {one: p., other: pp.}``); see docs/languages.md.',
        (), kind='strings')
    excerpt_limit: ExcerptLimit = _key(
        'Limits on what the book quotes from a source used under fair use or fair dealing, or with no licence '
        "or permission recorded (``coursepack check`` warns beyond them): ``{words: 400, share: 10%}``.",
        ExcerptLimit(), kind='map')
    toc_depth: int = _key('Heading levels listed in the contents: 1 chapters only, 2 with sections, 3 …',
                          2, kind='int')
    # Figures and tables (issue 19)
    lists: tuple[str, ...] = _key(
        'Lists after the contents, in this order: figures (the numbered figures, ``{#fig-…}``), tables (the '
        'numbered tables, ``{#tbl-…}``); each entry has its page in the PDF and links to its figure or table.',
        (), kind='list[str]', choices=LISTS)
    root: Path = field(default=Path('.'), metadata={'internal': True})
    location: SourceLocation = field(default=SourceLocation(MANIFEST), metadata={'internal': True})
    # kebab-case key -> where book.yaml sets it, for problems found after loading
    key_locations: dict[str, SourceLocation] = field(default_factory=dict, metadata={'internal': True},
                                                     compare=False)

    def where(self, key: str) -> SourceLocation:
        """Where ``book.yaml`` sets ``key`` (kebab-case), else the manifest itself."""
        return self.key_locations.get(key, self.location)

    @property
    def output_stem(self) -> str:
        return self.slug or slugify(self.title) or 'book'

    @property
    def build_date(self) -> dt.date:
        return dt.date.fromisoformat(self.date) if self.date else dt.date(1970, 1, 1)

    @property
    def main_edition(self) -> str:
        return self.editions[0]

    @property
    def direction(self) -> str:
        """'rtl' for a book in a language written right to left, else 'ltr'."""
        return text_direction(self.language)

    @property
    def interface(self) -> Catalog:
        """The interface strings of the book: its language's catalog, with its ``strings:`` on top."""
        return book_catalog(self.language, self.strings)


def public_keys(schema: type = BookConfig) -> list[tuple[str, Any]]:
    """The manifest keys as (kebab-case name, dataclass field), in declaration order."""
    return [(f.name.replace('_', '-'), f) for f in fields(schema) if not f.metadata.get('internal')]


def load_config(root: Path, diagnostics: Diagnostics) -> BookConfig | None:
    data = load_yaml(root, MANIFEST, diagnostics)
    if data is None:
        if not diagnostics.has_errors():
            diagnostics.error('config-empty', 'book.yaml is empty; it needs at least a title', SourceLocation(MANIFEST))
        return None
    if not isinstance(data, YamlMap):
        diagnostics.error('config-type', 'book.yaml must be a mapping of keys to values', data_location(data))
        return None

    values = _check_mapping(data, BookConfig, diagnostics)
    if 'title' not in values:
        diagnostics.error('config-missing-key', "book.yaml needs a 'title'", data.location)
    _check_semantics(values, data, diagnostics)
    _check_language(values, data, diagnostics)
    chapters = _chapter_files(root, values.get('chapters'), data, diagnostics)
    for key in ('glossary', 'chronology'):
        values[key] = _data_file(root, key, values.get(key), data, diagnostics)
    if diagnostics.has_errors():
        return None
    return BookConfig(**values | {'chapters': chapters}, root=root, key_locations=dict(data.key_locations))


def data_location(value: Any) -> SourceLocation:
    return getattr(value, 'location', SourceLocation(MANIFEST))


def _check_mapping(data: YamlMap, schema: type, diagnostics: Diagnostics, prefix: str = '') -> dict[str, Any]:
    """The checked values of ``data`` against the keys ``schema`` declares, by field name."""
    known = dict(public_keys(schema))
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = data.where(key)
        if key not in known:
            diagnostics.error('config-unknown-key', f"unknown key '{prefix}{key}'{did_you_mean(key, known)}", where)
            continue
        checked = _check_value(prefix + key, value, known[key], where, diagnostics)
        if checked is not None:
            values[known[key].name] = checked
    return values


def _check_value(key: str, value: Any, spec: Any, where: SourceLocation, diagnostics: Diagnostics) -> Any:
    kind = spec.metadata['kind']
    if kind == 'map':
        if not isinstance(value, YamlMap):
            diagnostics.error('config-type', f"'{key}' must be a mapping of keys to values", where)
            return None
        schema = type(spec.default)
        return schema(**_check_mapping(value, schema, diagnostics, prefix=f'{key}.'))
    if kind == 'strings':
        return _check_strings(key, value, where, diagnostics)
    if kind == 'bool':
        if not isinstance(value, bool):
            diagnostics.error('config-type', f"'{key}' must be true or false, not {value!r}", where)
            return None
        return value
    if kind == 'list[str]':
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            diagnostics.error('config-type', f"'{key}' must be a list of text values", where)
            return None
        choices = spec.metadata['choices']
        wrong = [v for v in value if choices and v not in choices]
        if wrong:
            diagnostics.error('config-value', f"'{key}' may list {', '.join(choices)}, not '{wrong[0]}'"
                              f'{did_you_mean(wrong[0], choices)}', where)
            return None
        return tuple(value)
    if kind == 'count':
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            diagnostics.error('config-type', f"'{key}' must be a whole number, 1 or more", where)
            return None
        return value
    if kind == 'int':
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 6:
            diagnostics.error('config-type', f"'{key}' must be a whole number from 1 to 6", where)
            return None
        return value
    if not isinstance(value, str) or not value.strip():
        shown = 'a number' if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
        diagnostics.error('config-type', f"'{key}' must be text, not {shown}", where)
        return None
    choices = spec.metadata['choices']
    if choices and value not in choices:
        diagnostics.error(
            'config-value',
            f"'{key}' must be one of {', '.join(choices)}, not '{value}'{did_you_mean(value, choices)}",
            where,
        )
        return None
    problem = spec.metadata['check'] and spec.metadata['check'](value)
    if problem:
        diagnostics.error('config-value', problem if problem.startswith("'" + key) else f"'{key}': {problem}", where)
        return None
    return value


def _check_semantics(values: dict[str, Any], data: YamlMap, diagnostics: Diagnostics) -> None:
    if 'language' in values and not _LANGUAGE.match(values['language']):
        diagnostics.error(
            'config-value', f"'language' must be a language tag such as en or fr, not '{values['language']}'",
            data.where('language'),
        )
        del values['language']
    if 'date' in values:
        try:
            dt.date.fromisoformat(values['date'])
        except ValueError:
            diagnostics.error('config-value', f"'date' must be YYYY-MM-DD, not '{values['date']}'", data.where('date'))
            del values['date']
    for name in values.get('editions', ()):
        if not _EDITION.match(name):
            diagnostics.error('config-value', f"edition names are lower-case words such as student or instructor, "
                              f"not '{name}'", data.where('editions'))
    if 'editions' in values and (not values['editions'] or len(set(values['editions'])) != len(values['editions'])):
        diagnostics.error('config-value', "'editions' must list at least one edition, each once",
                          data.where('editions'))


def _check_strings(key: str, value: Any, where: SourceLocation, diagnostics: Diagnostics) -> tuple | None:
    """``strings:``: interface keys (dotted, or nested as in the catalogs) -> values of the kind English has."""
    if not isinstance(value, YamlMap):
        diagnostics.error('config-type', f"'{key}' must be a mapping of interface strings to texts, such as "
                          "'glossary.title: Lexique'", where)
        return None
    english = load_layer(ROOT_LANGUAGE).values
    found: list[tuple[str, Any, SourceLocation]] = []

    def walk(data: YamlMap, prefix: str) -> None:
        for name, item in data.items():
            dotted, at = f'{prefix}{name}', data.where(name)
            if dotted in english:
                found.append((dotted, item, at))
            elif isinstance(item, YamlMap) and any(k.startswith(dotted + '.') for k in english):
                walk(item, dotted + '.')
            else:
                diagnostics.error('config-unknown-key', f"unknown interface string '{key}.{dotted}'"
                                  f'{did_you_mean(dotted, english)}', at)

    walk(value, '')
    checked = []
    for dotted, item, at in found:
        if dotted in NOT_OVERRIDABLE:
            diagnostics.error('config-value', f"the interface string '{key}.{dotted}' cannot be set in book.yaml; "
                              f'use {NOT_OVERRIDABLE[dotted]}', at)
            continue
        wanted = value_kind(english[dotted])
        if isinstance(item, YamlMap) and wanted == 'text' and item and set(item) <= PLURAL_CATEGORIES \
                and 'other' in item and all(isinstance(v, str) for v in item.values()):
            checked.append((dotted, tuple((c, item[c]) for c in sorted(item))))
        elif isinstance(item, str) and wanted == 'text':
            checked.append((dotted, item))
        else:
            shape = ('a text, or plural forms by CLDR category (one, few, many, other …; other required)'
                     if wanted == 'text' else f'a {wanted}')
            diagnostics.error('config-type', f"the interface string '{key}.{dotted}' must be {shape}, "
                              f'not {item!r}', at)
    return tuple(checked)


def _check_language(values: dict[str, Any], data: YamlMap, diagnostics: Diagnostics) -> None:
    """One warning for a language without a catalog: which strings are English's, and how to give them."""
    language = values.get('language')
    if language is None or has_catalog(language):
        return
    overridden = {key for key, _ in values.get('strings', ())}
    english = [key for key in word_keys() if key not in overridden]
    if not english:
        return
    primary = language.split('-')[0]
    diagnostics.warning(
        'language-no-strings',
        f"no interface strings for the language '{language}': {len(english)} strings are printed in English "
        f"({', '.join(english)}); give them in book.yaml under 'strings:' (such as 'glossary.title: …') "
        f'or add them to Coursepack in builder/locales/{primary}.yaml (see docs/languages.md)',
        data.where('language'))


def _data_file(root: Path, key: str, named: str | None, data: YamlMap, diagnostics: Diagnostics) -> str | None:
    """A data file the book names (it must exist), else ``<key>.yaml`` if the book has one."""
    if named is None:
        return f'{key}.yaml' if (root / f'{key}.yaml').is_file() else None
    path = contained(root, root / named)
    if path is None:
        diagnostics.error('data-file-outside', f"'{named}' is outside the book folder", data.where(key))
    elif not path.is_file():
        diagnostics.error('data-file-missing', f"the {key} file '{named}' does not exist", data.where(key))
    return named


def _chapter_files(root: Path, listed: tuple[str, ...] | None, data: YamlMap, diagnostics: Diagnostics) -> tuple[str, ...]:
    if not listed:
        found = tuple(sorted(p.relative_to(root).as_posix() for p in (root / 'chapters').glob('*.md')))
        if not found:
            diagnostics.error('config-no-chapters', 'no chapters: chapters/*.md is empty and book.yaml lists none',
                              data.location)
        return found
    items = data['chapters']
    locations = items.item_locations if isinstance(items, YamlList) else [data.where('chapters')] * len(listed)
    seen: set[str] = set()
    for name, where in zip(listed, locations):
        path = contained(root, root / name)
        if path is None:
            diagnostics.error('chapter-outside', f"chapter '{name}' is outside the book folder", where)
        elif path.exists() and not path.is_file():
            diagnostics.error('chapter-not-file', f"chapter '{name}' is not a file", where)
        elif not path.is_file():
            candidates = [p.relative_to(root).as_posix() for p in (root / 'chapters').glob('*.md')]
            diagnostics.error('chapter-missing', f"chapter file '{name}' does not exist{did_you_mean(name, candidates)}",
                              where)
        elif name in seen:
            diagnostics.error('chapter-duplicate', f"chapter '{name}' is listed twice", where)
        seen.add(name)
    return listed
