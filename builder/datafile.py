"""Keyed lists of entries in YAML data files (``glossary.yaml``, ``chronology.yaml``).

Both files are a list of mappings, each with a unique ``key``. This module
checks that shape, once, with located errors: unknown fields (with a
did-you-mean), missing or empty required fields, fields of the wrong type,
keys given twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .yamlfile import YamlList, YamlMap, load_yaml

KEY = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.:-]*$')


def entries(root: Path, relpath: str, fields: tuple[str, ...], required: tuple[str, ...],
            diagnostics: Diagnostics) -> Iterator[YamlMap]:
    """The well-formed entries of a data file, in file order; every problem becomes a located error."""
    data = load_yaml(root, relpath, diagnostics)
    if data is None:
        return
    if not isinstance(data, YamlList):
        diagnostics.error('data-type', f'{relpath} must be a list of entries, each starting with "- key:"',
                          getattr(data, 'location', SourceLocation(relpath)))
        return
    seen: dict[str, SourceLocation] = {}
    for item, where in zip(data, data.item_locations):
        if not isinstance(item, YamlMap):
            diagnostics.error('data-type', 'each entry must be a mapping of fields (key: …)', where)
            continue
        for name in item:
            if name not in fields:
                diagnostics.error('data-unknown-field', f"unknown field '{name}'{did_you_mean(name, fields)}",
                                  item.where(name))
        missing = [name for name in required if not isinstance(item.get(name), str) or not item[name].strip()]
        for name in missing:
            problem = 'is missing' if name not in item else 'must be non-empty text'
            diagnostics.error('data-missing-field', f"the field '{name}' {problem}", item.where(name))
        if missing:
            continue
        key = item['key']
        if not KEY.match(key):
            diagnostics.error('data-key', f"the key '{key}' may only use letters, digits and - _ . :",
                              item.where('key'))
            continue
        if key in seen:
            diagnostics.error('data-duplicate-key', f"the key '{key}' is already used at {seen[key]}",
                              item.where('key'))
            continue
        seen[key] = item.where('key')
        yield item


def optional_text(item: YamlMap, name: str, diagnostics: Diagnostics) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        diagnostics.error('data-type', f"'{name}' must be text", item.where(name))
        return None
    return value.strip() or None


def text_list(item: YamlMap, name: str, diagnostics: Diagnostics) -> tuple[tuple[str, SourceLocation], ...]:
    """A list of text values (a single value counts as a list of one), each with its location."""
    value = item.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        return ((value, item.where(name)),)
    if not isinstance(value, YamlList) or not all(isinstance(v, str) for v in value):
        diagnostics.error('data-type', f"'{name}' must be a list of text values", item.where(name))
        return ()
    return tuple(zip(value, value.item_locations))
