"""The book's reference data -> :class:`Reference` values in CSL-JSON form, each with its location.

Reference managers export CSL-JSON (``.json``) and BibTeX or BibLaTeX
(``.bib``, read by Pandoc's own reader, so that ``{{United Nations}}``,
months, ``urldate`` and LaTeX accents mean what they mean to Pandoc); Pandoc
users write CSL-YAML (``.yaml``, a list, or a mapping with ``references:``).
The file's extension chooses the reader. Every problem is a located
diagnostic: a malformed file at its line, an entry without ``id`` or
``type``, and a duplicate id naming both places.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..containment import contained
from ..permissions.rights import KEY as RIGHTS, Rights, read_rights
from ..diagnostics import Diagnostics, SourceLocation
from ..yamlfile import MAX_DATA_FILE_BYTES, YamlList, YamlMap, parse_yaml, read_text
from .pandoc import PandocError, run_pandoc

DEFAULT_FILE = 'references.yaml'
FORMATS = {'.yaml': 'CSL-YAML', '.yml': 'CSL-YAML', '.json': 'CSL-JSON', '.bib': 'BibTeX or BibLaTeX'}


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
    if suffix == '.bib':
        entries = _read_bibtex(text, relpath, diagnostics, path)
    else:
        entries = (_read_json if suffix == '.json' else _read_yaml)(text, relpath, diagnostics)
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


# ---- BibTeX and BibLaTeX ----

# An entry's head, where its key is: @book{key, (not @string, @preamble or @comment).
_BIB_ENTRY = re.compile(r'^[ \t]*@(?!(?:string|preamble|comment)\b)\w+[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,',
                        re.I | re.M)
_PANDOC_PLACE = re.compile(r'\(line (\d+), column (\d+)\)')


def _read_bibtex(text: str, relpath: str, diagnostics: Diagnostics, path: Path) -> list[tuple[Any, SourceLocation]]:
    """Pandoc's BibLaTeX reader (the one ``--citeproc`` uses) -> CSL-JSON; each entry located from its head."""
    try:
        data = json.loads(run_pandoc(['--from', 'biblatex', '--to', 'csljson', str(path)]))
    except PandocError as exc:
        place = _PANDOC_PLACE.search(str(exc))
        lines = str(exc).splitlines()  # Error at "refs.bib" (line 4, column 1): / unexpected '@' / …
        diagnostics.error('bibtex-syntax', 'malformed BibTeX: ' + (lines[1].strip() if len(lines) > 1 else lines[0]),
                          SourceLocation(relpath, int(place[1]), int(place[2])) if place else SourceLocation(relpath))
        return []
    heads: dict[str, list[SourceLocation]] = {}
    for match in _BIB_ENTRY.finditer(text):
        at = match.start(1)
        heads.setdefault(match[1], []).append(SourceLocation(relpath, text.count('\n', 0, at) + 1,
                                                             at - text.rfind('\n', 0, at)))

    def place(ident: str) -> SourceLocation:  # a key used twice: each entry its own head, in file order
        found = heads.get(ident)
        return found.pop(0) if found else SourceLocation(relpath)

    return [(entry, place(str(entry.get('id')))) for entry in data]
