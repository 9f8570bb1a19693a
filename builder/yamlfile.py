"""YAML data files read safely, with the source location of every value.

PyYAML's defaults surprise authors and endanger builds: ``2024-01-01`` becomes
a date, ``NO`` becomes False, duplicate keys silently keep the last value, and
aliases can expand without bound. This loader keeps YAML's syntax but builds
plain values (str, int, float, true/false, null, lists, mappings) that remember
their line and column, and reports every problem as a located diagnostic.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml._yaml import CParser  # libyaml's parser, in PyYAML's wheels
except ImportError:  # PyYAML built without it
    CParser = None

from .containment import contained
from .diagnostics import Diagnostics, SourceLocation

MAX_DATA_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 50  # book data is a few levels deep: a list of entries, each a mapping of a few lists
_INT = 'tag:yaml.org,2002:int'
_FLOAT = 'tag:yaml.org,2002:float'
_BOOL = 'tag:yaml.org,2002:bool'
_NULL = 'tag:yaml.org,2002:null'
_STR = 'tag:yaml.org,2002:str'


class YamlMap(dict):
    """A mapping that knows where it and each of its keys stand in the file."""

    location: SourceLocation
    key_locations: dict[str, SourceLocation]
    value_locations: dict[str, SourceLocation]

    def where(self, key: str) -> SourceLocation:
        return self.key_locations.get(key, self.location)

    def where_value(self, key: str) -> SourceLocation:
        """Where the value of ``key`` begins: a problem with the value points at it, not at its key."""
        return self.value_locations.get(key, self.where(key))


class YamlList(list):
    location: SourceLocation
    item_locations: list[SourceLocation]


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars: no dates, no yes/no booleans, no sexagesimals."""


_Resolver.add_implicit_resolver(_BOOL, re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))
_Resolver.add_implicit_resolver(_NULL, re.compile(r'^(?:~|null|Null|NULL|)$'), ['~', 'n', 'N', ''])
_Resolver.add_implicit_resolver(_INT, re.compile(r'^[-+]?[0-9]+$'), list('-+0123456789'))
_Resolver.add_implicit_resolver(
    _FLOAT,
    re.compile(r'^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$'),
    list('-+0123456789.'),
)


class _Limits:
    """What book data may not use, refused while the file is composed."""

    depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent) or getattr(event, 'anchor', None):
            # Aliases let a few lines expand into gigabytes; data files never need them.
            raise _Refused('yaml-alias', 'anchors and aliases (&, *) are not allowed', event.start_mark)
        if self.depth >= MAX_DEPTH:
            # Deeper data would only meet Python's recursion limit, here or in a later stage.
            raise _Refused('yaml-depth', f'the data is nested more than {MAX_DEPTH} levels deep', event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _Composer(_Limits, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                _Resolver):
    """PyYAML's own reader, scanner and parser, in Python: what a file's problems are reported by."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


if CParser is not None:
    class _FastComposer(_Limits, yaml.composer.Composer, _Resolver, CParser):
        """The same nodes from libyaml's events: five times as fast (a 200-page book's data took 0.25 s). Their
        marks are the same but for an empty value in a flow mapping (``{a: }``), a column further on."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def composed(text: str) -> yaml.Node | None:
    """The node tree of ``text``. Of a file libyaml cannot read, PyYAML's own parser says what is wrong, in the
    words and at the places this module's messages expect."""
    if CParser is not None:
        try:
            return _FastComposer(text).get_single_node()
        except yaml.YAMLError:
            pass
    return _Composer(text).get_single_node()


def load_yaml(root: Path, relpath: str, diagnostics: Diagnostics) -> Any:
    """Read the YAML file ``relpath`` of the book in ``root``; on any problem add a located error and return None."""
    text = read_text(root, relpath, diagnostics, max_bytes=MAX_DATA_FILE_BYTES)
    if text is None:
        return None
    return parse_yaml(text, relpath, diagnostics)


def parse_yaml(text: str, relpath: str, diagnostics: Diagnostics, *, line_offset: int = 0) -> Any:
    """Parse YAML text; ``line_offset`` places text that starts inside a larger file."""
    try:
        node = composed(text)
    except yaml.MarkedYAMLError as exc:
        mark, message = exc.problem_mark or exc.context_mark, (exc.problem or exc.context or 'malformed YAML').strip()
        if exc.context and exc.context_mark and ('end of stream' in message or '<stream end>' in message):
            # Run off the end of the file: what was left open (a quote, a bracket) is where to look.
            mark, message = exc.context_mark, f'{message} {exc.context.strip()} that starts here: is it closed?'
        if message == 'mapping values are not allowed here':
            message += "; a value holding ': ' is written in quotes: title: \"Geneva: the accords\""
        where = SourceLocation(relpath, mark.line + 1 + line_offset, mark.column + 1) if mark else SourceLocation(relpath)
        code = exc.code if isinstance(exc, _Refused) else 'yaml-syntax'
        diagnostics.error(code, message, where)
        return None
    except yaml.YAMLError as exc:
        diagnostics.error('yaml-syntax', str(exc).splitlines()[0], SourceLocation(relpath))
        return None
    if node is None:
        return None
    return _ValueBuilder(relpath, diagnostics, line_offset).build(node)


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that book data may not use."""

    def __init__(self, code: str, problem: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, problem, mark)
        self.code = code


class _ValueBuilder:
    def __init__(self, relpath: str, diagnostics: Diagnostics, line_offset: int) -> None:
        self.relpath = relpath
        self.diagnostics = diagnostics
        self.line_offset = line_offset

    def where(self, node: yaml.Node) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.relpath, mark.line + 1 + self.line_offset, mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        if node.tag.startswith('tag:yaml.org,2002:python') or not node.tag.startswith('tag:yaml.org,2002:'):
            self.diagnostics.error('yaml-tag', f"the tag '{node.tag}' is not allowed in book data", self.where(node))
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if isinstance(node, yaml.SequenceNode):
            result = YamlList(self.build(item) for item in node.value)
            result.location = self.where(node)
            result.item_locations = [self.where(item) for item in node.value]
            return result
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap()
        result.location = self.where(node)
        result.key_locations = {}
        result.value_locations = {}
        for key_node, value_node in node.value:
            key = self.build(key_node)
            if not isinstance(key, str):
                self.diagnostics.error('yaml-key', f'keys must be text, not {key!r}', self.where(key_node))
                continue
            if key in result:
                first = result.key_locations[key]
                self.diagnostics.error(
                    'yaml-duplicate-key', f"duplicate key '{key}' (first given at line {first.line})", self.where(key_node)
                )
                continue
            result[key] = self.build(value_node)
            result.key_locations[key] = self.where(key_node)
            result.value_locations[key] = self.where(value_node)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        value = node.value
        if node.tag == _STR:
            return value
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL:
            return value.lower() == 'true'
        if node.tag == _INT:
            try:
                return int(value)
            except ValueError:
                self.diagnostics.error('yaml-number', 'this number is too long', self.where(node))
                return None
        if node.tag == _FLOAT:
            return float(value)
        return value


def read_text(root: Path, relpath: str, diagnostics: Diagnostics, *, max_bytes: int) -> str | None:
    """The file ``relpath`` of the book in ``root`` as text: inside the book folder, UTF-8, no NUL bytes,
    within a size limit; else a located error."""
    path = contained(root, root / relpath)
    if path is None:
        diagnostics.error('file-outside', f"the file leads outside the book folder, to '{(root / relpath).resolve()}'; "
                          'a build reads only files inside the book folder: copy it in', SourceLocation(relpath))
        return None
    if path.exists() and not path.is_file():
        # A folder, or a named pipe or device, which reading would wait on for ever.
        diagnostics.error('file-not-regular', 'this is not a regular file', SourceLocation(relpath))
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        diagnostics.error('file-missing', 'no such file', SourceLocation(relpath))
        return None
    except OSError as exc:
        diagnostics.error('file-unreadable', exc.strerror or str(exc), SourceLocation(relpath))
        return None
    if len(data) > max_bytes:
        diagnostics.error('file-too-large', f'the file is {len(data):,} bytes; the limit is {max_bytes:,}, '
                          'reached on this line', _offset_location(data, max_bytes, relpath, b'\n'))
        return None
    if _is_utf16(data):
        diagnostics.error('file-encoding', 'the file is UTF-16: save it as UTF-8', SourceLocation(relpath))
        return None
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        diagnostics.error('file-encoding', f'the file is not valid UTF-8{_other_encoding(data, exc.start)}: '
                          'save it as UTF-8', _offset_location(data, exc.start, relpath, b'\n'))
        return None
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        char = forbidden.group()
        where = _offset_location(text, forbidden.start(), relpath, '\n')
        if char == '\x00':
            diagnostics.error('file-nul', 'the file contains a NUL byte', where)
        else:
            diagnostics.error('file-control-character', f'the file contains the invisible character U+{ord(char):04X}, '
                              'which XHTML and PDF text cannot hold; delete it', where)
        return None
    return text.removeprefix('\ufeff')


def _is_utf16(data: bytes) -> bool:
    """A UTF-16 file: a byte-order mark, or a NUL byte beside most characters (Latin text without a mark)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:1000]
    return len(sample) >= 2 and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4


def _other_encoding(data: bytes, bad: int) -> str:
    """What the text seems to be instead: editors on Windows save Latin-1 (Windows-1252) by default."""
    try:
        data.decode('cp1252')
    except UnicodeDecodeError:
        return ''
    return f" (it looks like Latin-1 or Windows-1252 text: byte 0x{data[bad]:02X} is '{data[bad:bad + 1].decode('cp1252')}')"


# Characters XML 1.0 forbids (so neither the EPUB nor the PDF's text can carry them):
# C0 controls other than tab, line feed and carriage return, and the non-characters U+FFFE, U+FFFF.
_FORBIDDEN = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _offset_location(content, offset: int, relpath: str, newline) -> SourceLocation:  # type: ignore[no-untyped-def]
    """The line and column of ``offset`` in a text or byte string."""
    line = content.count(newline, 0, offset) + 1
    column = offset - (content.rfind(newline, 0, offset) + 1) + 1
    return SourceLocation(relpath, line, column)
