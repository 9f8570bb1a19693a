"""The reference manual in docs/ says what the builder does: its examples build, its tables match the code.

A fenced block whose info string carries ``example=NAME path=FILE`` is a file
of the example book NAME (blocks with the same path are joined in order);
``run=check`` on any of its blocks makes the test run ``coursepack check``
instead of ``build``; a ``text output=NAME`` block is what the command prints
on standard error.
"""

from __future__ import annotations

import re
from dataclasses import Field, dataclass, field, fields, is_dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from builder.cli import make_parser
from builder.config import BookConfig, load_config
from builder.diagnostics import Diagnostics
from conftest import REPO, build, epubcheck, run_cli

DOCS = REPO / 'docs'
DEFAULT_MANIFEST = 'title: An Example from the Manual\n'

# Examples that use syntax or keys still being built on other branches. Remove a mark when its feature lands.
@dataclass
class Example:
    name: str
    files: dict[str, str] = field(default_factory=dict)
    command: str = 'build'
    output: str | None = None


def fences(path: Path):  # type: ignore[no-untyped-def]
    for token in MarkdownIt('commonmark').parse(path.read_text()):
        if token.type == 'fence':
            words = token.info.split()
            yield dict(w.split('=', 1) for w in words[1:] if '=' in w), token.content


def gather_examples() -> dict[str, Example]:
    examples: dict[str, Example] = {}
    for doc in sorted(DOCS.glob('*.md')):
        for attrs, content in fences(doc):
            if 'example' in attrs:
                example = examples.setdefault(attrs['example'], Example(attrs['example']))
                previous = example.files.get(attrs['path'])
                example.files[attrs['path']] = f'{previous}\n{content}' if previous else content
                if attrs.get('run') == 'check':
                    example.command = 'check'
            elif 'output' in attrs:
                examples.setdefault(attrs['output'], Example(attrs['output'])).output = content
    return examples


EXAMPLES = gather_examples()


def test_the_manual_has_examples():
    assert {'syntax', 'sources', 'data-files', 'editions', 'manifest', 'mistake'} <= set(EXAMPLES)
    assert all(example.files for example in EXAMPLES.values())


@pytest.mark.build
@pytest.mark.parametrize('name', list(EXAMPLES))
def test_every_example_builds(tmp_path, name):
    example = EXAMPLES[name]
    book = tmp_path / name
    for path, content in example.files.items():
        (book / path).parent.mkdir(parents=True, exist_ok=True)
        (book / path).write_text(content)
    if 'book.yaml' not in example.files:
        (book / 'book.yaml').write_text(DEFAULT_MANIFEST)
    run = run_cli(example.command, book) if example.command == 'check' else build(book)
    if example.output is not None:
        printed = [re.sub(r' \(\d+\.\d s\)$', '', line) for line in run.err.splitlines()
                   if not line.startswith('coursepack: ') or 'check failed' in line or 'build failed' in line]
        assert printed == example.output.splitlines(), run.err
        return
    assert run.code == 0, run.err
    assert not re.search(r'(error|warning)\[', run.err), run.err
    if example.command == 'build':
        epubcheck(run.output('.epub'))
    for path, content in example.files.items():
        assert (book / path).read_text() == content, f'the build changed its input {path}'


KINDS = {'str': 'text', 'list[str]': 'list of text', 'bool': 'true or false', 'int': 'number', 'count': 'number',
         'map': 'mapping',
         'strings': 'interface strings'}


def documented_type(spec) -> str:  # type: ignore[no-untyped-def]
    choices = spec.metadata.get('choices')
    if choices:
        return 'one of ' + ', '.join(f'`{c}`' for c in choices)
    return KINDS.get(spec.metadata['kind'], spec.metadata['kind'])


def documented_default(value: object) -> str:
    if is_dataclass(value):
        return '`{}`'  # a section of keys, each documented on its own row
    if value is None:
        return '—'
    if isinstance(value, bool):
        return f'`{str(value).lower()}`'
    if isinstance(value, (tuple, list)):
        return '`[' + ', '.join(map(str, value)) + ']`'
    return f'`{value}`'


def manifest_table() -> dict[str, tuple[str, str]]:
    rows = re.findall(r'^\| `([\w.-]+)` \| (.+?) \| (.+?) \| .+ \|$', (DOCS / 'book-yaml.md').read_text(), re.M)
    return {key: (kind, default) for key, kind, default in rows}


def declared_keys(schema: type = BookConfig, prefix: str = '') -> list[tuple[str, Field]]:
    """Every public key as written in book.yaml, sections' keys as ``section.key``."""
    found = []
    for spec in fields(schema):
        if spec.metadata.get('internal'):
            continue
        key = prefix + spec.name.replace('_', '-')
        found.append((key, spec))
        if is_dataclass(spec.default):
            found += declared_keys(type(spec.default), f'{key}.')
    return found


def test_every_book_yaml_key_is_documented_with_its_type_and_default():
    table = manifest_table()
    for key, spec in declared_keys():
        assert key in table, f'book.yaml key {key!r} is not in docs/book-yaml.md'
        assert table[key] == (documented_type(spec), documented_default(spec.default)), key


def test_every_documented_key_exists():
    assert set(manifest_table()) <= {key for key, _ in declared_keys()}


def loading_problems(book: Path, key: str) -> list[str]:
    """The codes of what loading a book.yaml that sets ``key`` (``section.key`` for a section's) reports."""
    section, _, name = key.rpartition('.')
    setting = f'{section}:\n  {name}: 1\n' if section else f'{key}: 1\n'
    (book / 'book.yaml').write_text(setting if key == 'title' else 'title: T\n' + setting)
    diagnostics = Diagnostics()
    load_config(book, diagnostics)
    return [d.code for d in diagnostics]


def test_book_yaml_accepts_the_documented_keys_and_no_other(tmp_path):
    """What the loader does, not what the dataclass says: a documented key is known (a wrong value is
    another error), a field the loader keeps for itself or a made-up key is refused as unknown."""
    documented = manifest_table()
    assert documented
    for key in documented:
        assert 'config-unknown-key' not in loading_problems(tmp_path, key), key
    internal = [f.name.replace('_', '-') for f in fields(BookConfig) if f.metadata.get('internal')]
    assert internal
    for key in [*internal, 'colour', 'handouts.colour']:
        assert key not in documented
        assert 'config-unknown-key' in loading_problems(tmp_path, key), key


def test_every_command_and_option_is_documented():
    text = (DOCS / 'commands.md').read_text()
    synopsis = text.split('```')[1]
    commands = next(a for a in make_parser()._subparsers._group_actions if a.choices)
    for name, parser in commands.choices.items():
        assert f'## `coursepack {name}`' in text, name
        line = next(line for line in synopsis.splitlines() if line.split()[1:2] == [name])
        for action in parser._actions:
            if action.option_strings and '--help' not in action.option_strings:
                option = max(action.option_strings, key=len)
                assert option in line, (name, option)
                assert f'`{option}' in text, (name, option)
            elif not action.option_strings:
                assert action.metavar in line, (name, action.metavar)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r'[^\w\- ]', '', heading.strip().lower()).replace(' ', '-')


def test_links_in_the_manual_lead_somewhere():
    md = MarkdownIt('commonmark')
    anchors = {}
    for doc in [*DOCS.glob('*.md'), REPO / 'README.md']:
        tokens = md.parse(doc.read_text())
        anchors[doc.resolve()] = {slug(t.content) for i, t in enumerate(tokens)
                                  if t.type == 'inline' and tokens[i - 1].type == 'heading_open'}
    for doc in DOCS.glob('*.md'):
        for token in md.parse(doc.read_text()):
            for child in token.children or ():
                href = str(child.attrGet('href') or '')
                if child.type != 'link_open' or href.startswith(('http://', 'https://')):
                    continue
                path, _, anchor = href.partition('#')
                target = (doc.parent / path).resolve() if path else doc.resolve()
                assert target.exists(), (doc.name, href)
                if anchor:
                    assert anchor in anchors[target], (doc.name, href)


def test_the_readme_links_to_the_manual():
    assert '(docs/README.md)' in (REPO / 'README.md').read_text()
