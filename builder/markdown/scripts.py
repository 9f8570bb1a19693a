"""Pandoc's subscript ``H~2~O``, superscript ``x^2^`` and strikeout ``~~gone~~``.

Strikeout is markdown-it's own rule; sub- and superscripts are
mdit-py-plugins' rules, which keep what they enclose as one piece of text. In
Pandoc that text is Markdown (``a^*hello*^`` is an emphasised superscript),
so a core rule parses it inline in place.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin


def scripts_plugin(md: MarkdownIt) -> None:
    md.enable('strikethrough')
    md.use(sub_plugin).use(superscript_plugin)
    md.core.ruler.after('inline', 'script_markup', _parse_inside)


def _parse_inside(state: StateCore) -> None:
    for block in state.tokens:
        children = block.children or []
        for i in range(len(children) - 2, 0, -1):
            if children[i - 1].type in ('sub_open', 'sup_open') and children[i].type == 'text':
                inside: list = []
                state.md.inline.parse(children[i].content, state.md, state.env, inside)
                children[i:i + 1] = inside
