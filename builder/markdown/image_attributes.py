"""Image attributes with unquoted sizes, as Pandoc reads them: ``![A map](map.png){width=50%}``.

mdit-py-plugins' attrs rule takes an unquoted value of letters, digits, ``-``
and ``_`` only, so ``width=50%`` or ``height=3.5in`` after an image stays
text. This core rule reads such a block after an image with its values quoted,
and gives the image the attributes an author may set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse

_BLOCK = re.compile(r'\{[^{}]*\}')
_UNQUOTED = re.compile(r'=([^\s"\'{}]+)')


def image_attributes_plugin(md: MarkdownIt, *, allowed: Sequence[str]) -> None:
    md.core.ruler.after('inline', 'image_attributes', lambda state: _read(state, set(allowed)))


def _read(state: StateCore, allowed: set[str]) -> None:
    for block in state.tokens:
        children = block.children or []
        for image, text in zip(children, children[1:]):
            found = _BLOCK.match(text.content) if image.type == 'image' and text.type == 'text' else None
            if not found:
                continue
            try:
                _, attrs = parse(_UNQUOTED.sub(r'="\1"', found.group()))
            except ParseError:
                continue
            image.attrs.update({name: value for name, value in attrs.items() if name in allowed})
            text.content = text.content[found.end():]
