"""The builder's modules import only their own layer and earlier ones: data flows one way through the stages.

The layers, in order, are defined here and nowhere else. A module belongs to the
layer of the longest name below that its dotted name starts with (``layout``
holds ``builder.layout.parts``); a module in no layer fails the test, so that a
new one is given its place. Imports under ``if TYPE_CHECKING:`` are left out:
they name types for annotations and run nothing.

Every layer may use the ``base`` layer. The stages after rendering work on its
result and reach back no further than ``render``: a writer that parsed Markdown
or resolved citations itself would be a second pipeline. Features (citations,
glossary, chronology) hold their own data loading, so the ``source`` layer
that loads a book comes after them; a feature's module that the model or the
Markdown plugins share (event dates, a term's forms) is in ``base``, and those
that render its back matter are in ``render``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BUILDER = Path(__file__).resolve().parent.parent / 'builder'

# (layer, its modules and packages, the earliest layer besides base that it may import)
LAYERS: list[tuple[str, tuple[str, ...], str]] = [
    ('base', ('builder', 'diagnostics', 'model', 'config', 'options', 'containment', 'yamlfile', 'datafile',
              'resources', 'fetcher', 'progress', 'workers', 'dates', 'cache', 'inputs', 'printshop',
              'images', 'stylesheets', 'i18n', 'collation', 'chronology.dates', 'glossary.forms'), 'base'),
    ('markdown', ('markdown',), 'base'),
    ('features', ('citations', 'glossary', 'chronology', 'index', 'permissions.rights',
                  'permissions.attribution'), 'base'),
    ('source', ('load', 'parse', 'fonts', 'kept_parses'), 'base'),
    ('resolve', ('resolve', 'captions'), 'base'),
    ('selection', ('selection',), 'base'),
    ('ledger', ('permissions', 'page_changes'), 'base'),
    ('render', ('render', 'backmatter', 'citations.render', 'chronology.timeline', 'page_runs', 'blocks',
                'index.render', 'permissions.report', 'permissions.credits'), 'base'),
    ('layout', ('layout',), 'render'),
    ('write', ('write',), 'render'),
    ('pipeline', ('pipeline',), 'base'),
    ('cli', ('cli', '__main__', 'validate', 'watch', 'newbook', 'fork_server'), 'base'),
]
NAMES = [name for name, _, _ in LAYERS]


def layer_of(module: str) -> int | None:
    """The index in ``LAYERS`` of a dotted module name (``builder.layout.parts``), None if it has none."""
    best: tuple[int, int] | None = None  # (length of the matching name, layer)
    for index, (_, names, _) in enumerate(LAYERS):
        for name in names:
            full = 'builder' if name == 'builder' else f'builder.{name}'
            if (module == full or module.startswith(f'{full}.')) and (best is None or len(full) > best[0]):
                best = (len(full), index)
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BUILDER.parent).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import of a builder module in ``path``, outside ``if TYPE_CHECKING:``."""
    module = module_name(path)
    package = module if path.name == '__init__.py' else module.rpartition('.')[0]
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and 'TYPE_CHECKING' in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')[:len(package.split('.')) - node.level + 1]
                target = '.'.join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ''
            if node.module is None:  # from . import x: x is a module
                found.extend((node.lineno, f'{target}.{a.name}') for a in node.names)
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return [(line, name) for line, name in found if name == 'builder' or name.startswith('builder.')]


def modules() -> list[Path]:
    return sorted(BUILDER.rglob('*.py'))


@pytest.mark.parametrize('path', modules(), ids=lambda p: module_name(p))
def test_module_imports_no_later_layer(path: Path) -> None:
    module = module_name(path)
    layer = layer_of(module)
    assert layer is not None, f'{module} is in no layer: give it one in LAYERS'
    reach = NAMES.index(LAYERS[layer][2])
    wrong = []
    for line, name in runtime_imports(path):
        used = layer_of(name) or 0
        if used > layer:
            wrong.append(f'{path.relative_to(BUILDER.parent)}:{line}: imports {name} ({NAMES[used]}), '
                         f'a later layer than {NAMES[layer]}')
        elif 0 < used < reach:
            wrong.append(f'{path.relative_to(BUILDER.parent)}:{line}: imports {name} ({NAMES[used]}): '
                         f'{NAMES[layer]} reaches back no further than {NAMES[reach]}')
    assert not wrong, '\n'.join(wrong)


def test_layers_name_every_module_once() -> None:
    names = [name for _, group, _ in LAYERS for name in group]
    assert len(names) == len(set(names))
    assert all(reach in NAMES[:index + 1] for index, (_, _, reach) in enumerate(LAYERS))


def test_the_command_line_offers_every_registered_format() -> None:
    from builder.options import FORMATS, LAID_OUT
    from builder.write.formats import WRITERS

    assert FORMATS == tuple(WRITERS)
    assert LAID_OUT == tuple(name for name, writer in WRITERS.items() if writer.needs_layout)
