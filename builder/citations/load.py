"""The book's reference data -> :class:`Reference` values in CSL-JSON form, each with its location.

Reference managers export CSL-JSON (``.json``) and BibTeX (``.bib``); Pandoc
users write CSL-YAML (``.yaml``, a list, or a mapping with ``references:``).
The file's extension chooses the reader. Every problem is a located
diagnostic: a malformed file at its line, an entry without ``id`` or
``type``, and a duplicate id naming both places.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..containment import contained
from ..permissions.rights import KEY as RIGHTS, Rights, read_rights
from ..diagnostics import Diagnostics, SourceLocation
from ..yamlfile import MAX_DATA_FILE_BYTES, YamlList, YamlMap, parse_yaml, read_text

DEFAULT_FILE = 'references.yaml'
FORMATS = {'.yaml': 'CSL-YAML', '.yml': 'CSL-YAML', '.json': 'CSL-JSON', '.bib': 'BibTeX'}


@dataclass(frozen=True)
class Reference:
    id: str
    data: dict[str, Any]  # CSL-JSON: {"id", "type", "title", "author": [{"family", "given"}], "issued": …}
    location: SourceLocation
    rights: Rights | None = None  # the entry's 'rights:' (builder.permissions), kept out of the CSL data


def load_references(root: Path, relpath: str | None, diagnostics: Diagnostics,
                    where: SourceLocation) -> tuple[Reference, ...]:
    """Read the book's references file (``relpath``, else ``references.yaml`` when it exists)."""
    if relpath is None:
        if not (root / DEFAULT_FILE).is_file():
            return ()
        relpath = DEFAULT_FILE
    suffix = Path(relpath).suffix.lower()
    if suffix not in FORMATS:
        diagnostics.error('references-format', f"'{relpath}': the references file must end in "
                          f"{', '.join(FORMATS)} (CSL-YAML, CSL-JSON or BibTeX)", where)
        return ()
    path = contained(root, root / relpath)
    if path is None:
        diagnostics.error('references-outside', f"the references file '{relpath}' is outside the book folder", where)
        return ()
    if not path.is_file():
        diagnostics.error('references-missing', f"the references file '{relpath}' does not exist", where)
        return ()
    text = read_text(root, relpath, diagnostics, max_bytes=MAX_DATA_FILE_BYTES)
    if text is None:
        return ()
    reader = {'.json': _read_json, '.bib': _read_bibtex}.get(suffix, _read_yaml)
    entries = reader(text, relpath, diagnostics)
    return _checked(entries, diagnostics)


def _checked(entries: list[tuple[Any, SourceLocation]], diagnostics: Diagnostics) -> tuple[Reference, ...]:
    seen: dict[str, SourceLocation] = {}
    references = []
    for data, where in entries:
        if not isinstance(data, dict):
            diagnostics.error('reference-type', 'each reference must be a mapping of CSL fields', where)
            continue
        ident = data.get('id')
        if not isinstance(ident, (str, int)) or not str(ident).strip():
            diagnostics.error('reference-id', "this reference has no 'id'", where)
            continue
        ident = str(ident)
        if ident in seen:
            diagnostics.error('reference-duplicate', f"the reference id '{ident}' is used twice: "
                              f'first at {seen[ident]}, again here', where)
            continue
        seen[ident] = where
        if not isinstance(data.get('type'), str):
            diagnostics.error('reference-no-type', f"the reference '{ident}' has no 'type' (book, chapter, "
                              'article-journal, webpage, …)', where)
            continue
        rights = None
        if RIGHTS in data:  # not CSL: the formatter is never given it
            at = data.where(RIGHTS) if isinstance(data, YamlMap) else where
            rights = read_rights(ident, data[RIGHTS], at, diagnostics)
        if _fields_are_text(ident, data, where, diagnostics):
            csl = {k: _plain(v) for k, v in data.items() if k != RIGHTS}
            references.append(Reference(ident, {**csl, 'id': ident}, where, rights))
    return tuple(references)


NAME_PARTS = ('family', 'given', 'literal', 'suffix', 'dropping-particle', 'non-dropping-particle')


def _fields_are_text(ident: str, data: dict, where: SourceLocation, diagnostics: Diagnostics) -> bool:
    """Names and plain fields hold text (or numbers): YAML reads an unquoted true, no or null otherwise."""
    problems = []
    for key, value in data.items():
        if key == RIGHTS:
            continue  # checked by builder.permissions.rights
        if isinstance(value, list) and all(isinstance(name, dict) for name in value):  # author, editor, …
            problems += [(name, part) for name in value for part in NAME_PARTS
                         if part in name and not isinstance(name[part], str)]
        elif value is None or isinstance(value, bool):
            problems.append((data, key))
    for mapping, key in problems:
        at = mapping.where(key) if isinstance(mapping, YamlMap) else where
        problem = ('is empty: fill it in or delete it' if mapping[key] is None
                   else f'must be text, not {mapping[key]!r}: put it in quotes')
        diagnostics.error('reference-field', f"'{key}' of the reference '{ident}' {problem}", at)
    return not problems


def _plain(value: Any) -> Any:
    """YAML values with locations -> plain dicts and lists, as CSL-JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ---- CSL-YAML ----

def _read_yaml(text: str, relpath: str, diagnostics: Diagnostics) -> list[tuple[Any, SourceLocation]]:
    data = parse_yaml(text, relpath, diagnostics)
    if data is None:
        return []
    if isinstance(data, YamlMap) and 'references' in data:
        data = data['references']
    if not isinstance(data, YamlList):
        diagnostics.error('references-shape', 'a CSL-YAML file is a list of references (or has a '
                          "'references:' list)", getattr(data, 'location', SourceLocation(relpath, 1)))
        return []
    return list(zip(data, data.item_locations))


# ---- CSL-JSON ----

def _read_json(text: str, relpath: str, diagnostics: Diagnostics) -> list[tuple[Any, SourceLocation]]:
    """A JSON array read element by element, so that each entry knows its line."""
    decoder = json.JSONDecoder()

    def where(offset: int) -> SourceLocation:
        return SourceLocation(relpath, text.count('\n', 0, offset) + 1, offset - text.rfind('\n', 0, offset))

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ' \t\r\n':
            i += 1
        return i

    entries = []
    i = skip(0)
    try:
        if text[i:i + 1] != '[':
            raise json.JSONDecodeError('a CSL-JSON file is an array of references: expected [', text, i)
        i = skip(i + 1)
        while text[i:i + 1] != ']':
            value, end = decoder.raw_decode(text, i)
            entries.append((value, where(i)))
            i = skip(end)
            if text[i:i + 1] == ',':
                i = skip(i + 1)
            elif text[i:i + 1] != ']':
                raise json.JSONDecodeError("expected ',' or ']'", text, i)
        if skip(i + 1) != len(text):
            raise json.JSONDecodeError('extra data after the array', text, skip(i + 1))
    except json.JSONDecodeError as exc:
        diagnostics.error('json-syntax', exc.msg, SourceLocation(relpath, exc.lineno, exc.colno))
        return []
    return entries


# ---- BibTeX ----

BIBTEX_TYPES = {
    'article': 'article-journal', 'book': 'book', 'booklet': 'pamphlet', 'inbook': 'chapter',
    'incollection': 'chapter', 'inproceedings': 'paper-conference', 'conference': 'paper-conference',
    'manual': 'report', 'mastersthesis': 'thesis', 'phdthesis': 'thesis', 'thesis': 'thesis',
    'proceedings': 'book', 'techreport': 'report', 'report': 'report', 'unpublished': 'manuscript',
    'online': 'webpage', 'misc': 'document',
}
BIBTEX_FIELDS = {
    'title': 'title', 'journal': 'container-title', 'journaltitle': 'container-title',
    'booktitle': 'container-title', 'publisher': 'publisher', 'address': 'publisher-place',
    'location': 'publisher-place', 'pages': 'page', 'volume': 'volume', 'number': 'issue', 'edition': 'edition',
    'series': 'collection-title', 'doi': 'DOI', 'url': 'URL', 'isbn': 'ISBN', 'note': 'note',
    'language': 'language', 'langid': 'language', 'school': 'publisher', 'institution': 'publisher',
    'organization': 'publisher', 'howpublished': 'publisher', 'chapter': 'chapter-number',
}
NAME_FIELDS = {'author': 'author', 'editor': 'editor', 'translator': 'translator'}
LANGUAGES = {'french': 'fr', 'english': 'en', 'german': 'de', 'russian': 'ru', 'american': 'en-US', 'british': 'en-GB'}


def _read_bibtex(text: str, relpath: str, diagnostics: Diagnostics) -> list[tuple[Any, SourceLocation]]:
    import bibtexparser
    from bibtexparser import middlewares as mw

    logging.getLogger('bibtexparser').setLevel(logging.CRITICAL)  # its problems become our diagnostics
    library = bibtexparser.parse_string(text, append_middleware=[
        mw.LatexDecodingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    for block in library.failed_blocks:
        where = SourceLocation(relpath, block.start_line + 1)
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
            diagnostics.error('reference-duplicate', f"the reference id '{block.key}' is used twice: first at "
                              f'{_entry_line(library, block.key, relpath)}, again here',
                              where)
        else:
            diagnostics.error('bibtex-syntax', 'malformed BibTeX entry: ' + str(block.error).split('\n')[0]
                              if str(block.error) else 'malformed BibTeX entry', where)
    return [(_csl_from_bibtex(entry), SourceLocation(relpath, entry.start_line + 1)) for entry in library.entries]


def _entry_line(library: Any, key: str, relpath: str) -> SourceLocation:
    entry = library.entries_dict.get(key)
    return SourceLocation(relpath, entry.start_line + 1) if entry else SourceLocation(relpath)


def _csl_from_bibtex(entry: Any) -> dict[str, Any]:
    fields = {f.key.lower(): f.value for f in entry.fields}
    kind = entry.entry_type.lower()
    csl: dict[str, Any] = {'id': entry.key, 'type': BIBTEX_TYPES.get(kind, 'document')}
    if kind == 'misc' and 'url' in fields:
        csl['type'] = 'webpage'
    if kind == 'inbook' and 'booktitle' not in fields:
        csl['type'] = 'book'
    for name, value in fields.items():
        if name in NAME_FIELDS:
            csl[NAME_FIELDS[name]] = [_csl_name(n) for n in value]
        elif name in BIBTEX_FIELDS and isinstance(value, str):
            csl.setdefault(BIBTEX_FIELDS[name], value.replace('--', '–') if name == 'pages' else value)
    if 'language' in csl:
        csl['language'] = LANGUAGES.get(csl['language'].lower(), csl['language'])
    year = fields.get('year') or fields.get('date', '')[:4]
    if str(year).strip().isdigit():
        csl['issued'] = {'date-parts': [[int(year)]]}
    if fields.get('urldate'):
        csl['accessed'] = {'raw': fields['urldate']}
    return csl


def _csl_name(name: Any) -> dict[str, str]:
    if not hasattr(name, 'last'):
        return {'literal': str(name)}
    family = ' '.join(name.last)
    if not name.first and not name.von:
        return {'literal': family}  # {United Nations}: a corporate author, kept whole
    csl = {'family': family, 'given': ' '.join(name.first)}
    if name.von:
        csl['non-dropping-particle'] = ' '.join(name.von)
    if name.jr:
        csl['suffix'] = ' '.join(name.jr)
    return csl
