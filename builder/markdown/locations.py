"""Source locations, with columns, on block tokens and on inline ones.

markdown-it gives ``map`` (0-based lines) to block tokens only. This core rule
stamps ``meta['loc']`` on every block (where its first character stands) and
on every inline child: found by the text its source starts with (``![`` for
an image, ``[`` for a link or span, a text's own words), searched for in the
block's content from where the previous child was found. A child whose text
cannot be found (quotes curled by smart punctuation) keeps its line only:
the block's first line plus the line breaks seen before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..diagnostics import SourceLocation
from .state import chapter_env, diagnostics_from_env

# What the source of an inline token starts with, by token type, where the type alone tells.
_OPENINGS = {'image': '![', 'link_open': '[', 'span_open': '[', 'footnote_ref': '[^'}


def source_locations_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('inline', 'source_locations', _stamp)


def position_in_block(block: Token, lines: list[str], offset: int, path: str, line_offset: int = 0) -> SourceLocation:
    """The file, line and column of ``offset`` in the inline ``block``'s content; ``lines`` are the parsed text's."""
    content = block.content
    row = content.count('\n', 0, offset)
    start = content.rfind('\n', 0, offset) + 1
    end = content.find('\n', offset)
    column = offset - start
    line_no = block.map[0] + row  # type: ignore[index]
    # Block content loses its indentation and markers ("> ", "- "); find where the line starts in the file.
    source = lines[line_no] if line_no < len(lines) else ''
    text = content[start:end if end >= 0 else len(content)]  # the line of ``offset``
    shift = source.find(text)
    if shift < 0:
        stripped = text.lstrip()
        shift = max(source.find(stripped) - (len(text) - len(stripped)), 0)
    # line_offset places Markdown that starts inside a data file (a glossary definition).
    return SourceLocation(path, line_no + 1 + line_offset, shift + column + 1)


def _stamp(state: StateCore) -> None:
    path, offset = chapter_env(state.env).path, chapter_env(state.env).line_offset
    lines = state.src.split('\n')
    for block in state.tokens:
        if block.map:
            first = lines[block.map[0]] if block.map[0] < len(lines) else ''
            block.meta.setdefault('loc', SourceLocation(path, block.map[0] + 1 + offset,
                                                        len(first) - len(first.lstrip()) + 1))
        if block.type != 'inline' or not block.children or not block.map:
            continue
        line = block.map[0] + 1 + offset
        cursor = 0
        for child in block.children:
            opening = _opening(child)
            at = block.content.find(opening, cursor) if opening else -1
            if at >= 0:
                child.meta.setdefault('loc', position_in_block(block, lines, at, path, offset))
                cursor = at + len(opening)
            else:
                child.meta.setdefault('loc', SourceLocation(path, line))
            if child.type in ('softbreak', 'hardbreak'):
                line += 1
            elif child.type == 'text':
                line += child.content.count('\n')


def _opening(token: Token) -> str:
    """The text the source of an inline token starts with, or '' when it is not known."""
    if token.type == 'link_open' and token.markup in ('autolink', 'linkify'):
        return ''  # <https://…> and bare addresses: their text is the address, found as the text that follows
    if token.type in _OPENINGS:
        return _OPENINGS[token.type]
    if token.type == 'text':
        return token.content
    if token.type == 'code_inline' or token.nesting == 1:
        return token.markup  # backticks, *, **, ~~
    return ''


def syntax_location(state: StateCore, block: Token, raw: str = '', start: int = 0) -> tuple[SourceLocation, int]:
    """Where a piece of syntax is in the file: ``raw`` as written in the inline ``block``, first found from
    ``start`` (and where it ends, to find the next one); a block token's first written character without it."""
    env = chapter_env(state.env)
    lines = state.src.split('\n')
    if not block.map:
        return SourceLocation(env.path), start
    if not raw:
        line = lines[block.map[0]] if block.map[0] < len(lines) else ''
        return SourceLocation(env.path, block.map[0] + 1 + env.line_offset, len(line) - len(line.lstrip()) + 1), start
    at = block.content.find(raw, start)
    if at < 0:
        return SourceLocation(env.path, block.map[0] + 1 + env.line_offset), start
    return position_in_block(block, lines, at, env.path, env.line_offset), at + len(raw)


def warn_at_each(state: StateCore, code: str, message: str, block_type: str,
                 inline_sources: Mapping[str, Callable[[Token], str]]) -> None:
    """A located warning at each block token of ``block_type``, and at each inline token of a type that
    ``inline_sources`` names, with how to tell that token's text as written (to find where it stands)."""
    diagnostics = diagnostics_from_env(state.env)
    for block in state.tokens:
        if block.type == block_type:
            diagnostics.warning(code, message, syntax_location(state, block)[0])
        cursor = 0
        for child in block.children or ():
            if child.type in inline_sources:
                where, cursor = syntax_location(state, block, inline_sources[child.type](child), cursor)
                diagnostics.warning(code, message, where)
