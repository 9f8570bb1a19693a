"""Pandoc fenced divs: ``::: {.instructor}`` … ``:::``, or ``::: warning`` for one class.

Built on mdit-py-plugins' container rule; the attribute block after the fence
becomes the div's attributes, parsed with the same parser as inline spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse
from mdit_py_plugins.container import container_plugin

from .spans import html_attributes
from .state import diagnostics_from_env, location_of

DIV = 'container_div_open'
# Pandoc's shorthand for a div with one class, "::: warning" (closing colons allowed: "::: warning :::").
_BARE_CLASS = re.compile(r'[\w-]+(?:\s+:+)?')
_CLOSING = re.compile(r':{3,}')


def fenced_div_plugin(md: MarkdownIt, *, allowed: Sequence[str]) -> None:
    container_plugin(md, 'div', validate=lambda params, *_: params.strip().startswith('{') or _BARE_CLASS.fullmatch(
        params.strip()) is not None)
    md.core.ruler.after('block', 'div_attributes', lambda state: _div_attributes(state, set(allowed)))
    md.core.ruler.after('div_attributes', 'div_unclosed', _unclosed_divs)
    md.add_render_rule(DIV, _render_open)
    md.add_render_rule('container_div_close', lambda self, tokens, idx, options, env: '</div>\n')


def _div_attributes(state: StateCore, allowed: set[str]) -> None:
    for token in state.tokens:
        if token.type != DIV:
            continue
        info = token.info.strip()
        if _BARE_CLASS.fullmatch(info):
            info = f'{{.{info.strip(":").strip()}}}'
        try:
            end, attrs = parse(info)
        except ParseError as exc:
            diagnostics_from_env(state.env).error(
                'div-attributes', f'cannot read the attributes {info!r}: {exc}', location_of(state.env, token)
            )
            continue
        if info[end + 1:].strip():
            diagnostics_from_env(state.env).error(
                'div-attributes', f'unexpected text after the attributes: {info[end + 1:].strip()!r}',
                location_of(state.env, token),
            )
        for name, value in attrs.items():
            if name in allowed:
                token.attrSet(name, value)


def _unclosed_divs(state: StateCore) -> None:
    """A div whose closing fence never comes runs to the end of the chapter (or of the list item or quotation
    it is in), as Pandoc reads it, with a warning as Pandoc gives one: an unclosed ``::: {.instructor}`` would
    otherwise take the rest of the chapter out of the student edition without a word."""
    lines = state.src.split('\n')
    for token in state.tokens:
        if token.type == DIV and token.map:
            end = token.map[1]
            if end >= len(lines) or not _CLOSING.fullmatch(lines[end].strip()):
                diagnostics_from_env(state.env).warning(
                    'div-unclosed', f"the div '{token.markup} {token.info.strip()}' opened here is never closed: it "
                    "runs to the end of what holds it (add a ':::' line where it should end)",
                    location_of(state.env, token))


def _render_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f'<div{html_attributes(tokens[idx])}>\n'
