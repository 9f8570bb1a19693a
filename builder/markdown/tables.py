"""Tables: an empty header cell is a data cell.

A table whose first column holds row headings leaves its top-left cell empty.
As a ``<th>`` it is announced by screen readers as a header that says nothing
(DAISY Ace: empty-table-header); as a ``<td>`` it is just the corner.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore


def empty_header_cells_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('inline', 'empty_header_cells', _demote)


def _demote(state: StateCore) -> None:
    tokens = state.tokens
    for i, token in enumerate(tokens[:-2]):
        if token.type == 'th_open' and tokens[i + 1].type == 'inline' and not tokens[i + 1].content.strip():
            for cell in (token, tokens[i + 2]):
                cell.type, cell.tag = cell.type.replace('th_', 'td_'), 'td'
