"""Rendering of Pandoc-style spans and divs: attributes that are not HTML become ``data-*``.

``[text]{.term key=mujahideen}`` keeps ``key`` for the plugins that read it,
but an XHTML document may not carry an unknown attribute (EPUBCheck rejects
it), so the renderer writes it as ``data-key``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

HTML_ATTRIBUTES = frozenset({'id', 'class', 'lang', 'dir', 'title'})


def spans_plugin(md: MarkdownIt) -> None:
    md.add_render_rule('span_open', lambda self, tokens, idx, options, env: f'<span{html_attributes(tokens[idx])}>')
    md.add_render_rule('span_close', lambda self, tokens, idx, options, env: '</span>')


def html_attributes(token: Token) -> str:
    parts = []
    for name, value in token.attrs.items():
        shown = name if name in HTML_ATTRIBUTES else f'data-{name}'
        parts.append(f' {shown}="{escapeHtml(str(value))}"')
    return ''.join(parts)
