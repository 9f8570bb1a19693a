"""Pandoc's line blocks: lines that start with ``| `` keep their breaks and their leading spaces.

For verse and addresses::

    | The first line
    |     indented four spaces
    | and a line that goes on
      on the next line

Each ``| `` line is a line of the block; a line that starts with a space
continues the one before. The block is a paragraph with the class
``line-block`` whose lines end in hard breaks; leading spaces become
non-breaking spaces so that they print.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

NBSP = '\u00a0'


def line_blocks_plugin(md: MarkdownIt) -> None:
    # Not a terminator: as in Pandoc, a line block starts after a blank line.
    md.block.ruler.after('table', 'line_block', _line_block)


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _starts_line(text: str) -> bool:
    return text == '|' or text.startswith('| ')


def _line_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line) or not _starts_line(_line(state, start_line)):
        return False
    if silent:
        return True
    lines: list[str] = []
    line = start_line
    while line < end_line and not state.isEmpty(line):
        text = _line(state, line)
        if _starts_line(text):
            words = text[2:]
            lines.append(NBSP * (len(words) - len(words.lstrip(' '))) + words.lstrip(' '))
        elif state.sCount[line] > state.sCount[start_line]:
            lines[-1] = f'{lines[-1]} {text.strip()}'
        else:
            break
        line += 1
    opening = state.push('paragraph_open', 'p', 1)
    opening.attrSet('class', 'line-block')
    opening.map = [start_line, line]
    inline = state.push('inline', '', 0)
    # A backslash at the end of a line is a hard break.
    inline.content = '\\\n'.join(lines)
    inline.map = [start_line, line]
    inline.children = []
    state.push('paragraph_close', 'p', -1)
    state.line = line
    return True
