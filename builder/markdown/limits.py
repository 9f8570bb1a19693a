"""Refuse nesting deeper, and tables longer, than the engines can lay out.

markdown-it silently drops content nested past its ``maxNesting`` (20), and
WeasyPrint recurses out past about 137 nested elements. Rather than lose text,
a chapter that comes near either limit fails with a located error.

WeasyPrint lays a long table out in time and memory that grow faster than its
rows (whole builds under load: 1,000 rows took 20 s and 224 MB; 5,000 rows 81 s and 712 MB
against 318 MB for a 428-page chapter of prose): a table longer than
MAX_TABLE_ROWS is refused before layout, where ``check`` reports it too.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .state import diagnostics_from_env, location_of

# Well below markdown-it's maxNesting (20), where it starts to drop text.
MAX_DEPTH = 16
MAX_TABLE_ROWS = 1000


def size_limits_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push('nesting_limit', _check_depth)
    md.core.ruler.push('table_length_limit', _check_table_rows)


def _check_depth(state: StateCore) -> None:
    depth = 0
    for token in state.tokens:
        depth += token.nesting
        deepest = depth + _inline_depth(token.children or [])
        if deepest > MAX_DEPTH or token.level >= MAX_DEPTH:
            diagnostics_from_env(state.env).error(
                'nesting-too-deep',
                'content is nested too deeply: lists, quotes, divs and emphasis inside one another here '
                f'make more than {MAX_DEPTH} levels of markup, which the engines would drop or fail on; flatten it',
                location_of(state.env, token),
            )
            return


def _inline_depth(children) -> int:  # type: ignore[no-untyped-def]
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest


def _check_table_rows(state: StateCore) -> None:
    table, rows = None, 0
    for token in state.tokens:
        if token.type == 'table_open':
            table, rows = token, 0
        elif token.type == 'tr_open':
            rows += 1
        elif token.type == 'table_close' and rows > MAX_TABLE_ROWS:
            diagnostics_from_env(state.env).error(
                'table-too-long',
                f'this table has {rows:,} rows; a table of more than {MAX_TABLE_ROWS:,} rows takes too long and '
                'too much memory to lay out: split it into several tables, or give readers the data as a file',
                location_of(state.env, table))
