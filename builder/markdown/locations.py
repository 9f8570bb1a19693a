"""Source locations on inline tokens.

markdown-it gives ``map`` (0-based lines) to block tokens only. This core rule
stamps ``meta['loc']`` on every inline child: the parent block's first line
plus the line breaks seen before the child, so that diagnostics about a
citation or a term point at its own line.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..diagnostics import SourceLocation
from .state import chapter_env


def source_locations_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('inline', 'source_locations', _stamp)


def _stamp(state: StateCore) -> None:
    path, offset = chapter_env(state.env).path, chapter_env(state.env).line_offset
    for block in state.tokens:
        if block.map:
            block.meta.setdefault('loc', SourceLocation(path, block.map[0] + 1 + offset))
        if block.type != 'inline' or not block.children or not block.map:
            continue
        line = block.map[0] + 1 + offset
        for child in block.children:
            child.meta.setdefault('loc', SourceLocation(path, line, child.meta.get('column')))
            if child.type in ('softbreak', 'hardbreak'):
                line += 1
            elif child.type == 'text':
                line += child.content.count('\n')
