"""Footnotes (``[^1]``) rendered as EPUB 3 notes.

Parsing is mdit-py-plugins' footnote plugin. The rendering is ours: a note
reference ``<a epub:type="noteref">`` and, at the end of the chapter,
``<aside epub:type="footnote">`` elements with a link back, which e-readers
show as pop-ups. The PDF writer moves each note to its call site, where CSS
``float: footnote`` sets it at the foot of the page. Ids contain the chapter
id, so that they stay unique in the one-document PDF.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin

from ..diagnostics import SourceLocation
from .state import diagnostics_from_env, location_of


def footnotes_plugin(md: MarkdownIt) -> None:
    md.use(footnote_plugin, inline=True)
    md.core.ruler.before('footnote_tail', 'footnote_definitions', _check_definitions)
    md.add_render_rule('footnote_anchor_name', _anchor_name)
    md.add_render_rule('footnote_ref', _render_ref)
    md.add_render_rule('footnote_block_open', lambda self, t, i, o, env: (
        '<section class="footnotes" epub:type="footnotes" role="doc-endnotes">\n'))
    md.add_render_rule('footnote_block_close', lambda self, t, i, o, env: '</section>\n')
    md.add_render_rule('footnote_open', _render_open)
    md.add_render_rule('footnote_close', lambda self, t, i, o, env: '</aside>\n')
    md.add_render_rule('footnote_anchor', _render_backlink)


def note_number(token) -> str:  # type: ignore[no-untyped-def]
    """The number (or letter) a note prints: the same in every edition, see :mod:`.editions`."""
    return str(token.meta.get('number', token.meta['id'] + 1))


def _anchor_name(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f"{env.get('docId', 'doc')}-{tokens[idx].meta['id'] + 1}"


def _ref_id(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    name = self.rules['footnote_anchor_name'](tokens, idx, options, env)
    sub = tokens[idx].meta.get('subId', 0)
    return f'fnref-{name}' + (f'-{sub}' if sub > 0 else '')


def _render_ref(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    name = self.rules['footnote_anchor_name'](tokens, idx, options, env)
    number = note_number(tokens[idx])
    return (
        f'<a class="noteref" epub:type="noteref" role="doc-noteref" href="#fn-{name}" '
        f'id="{_ref_id(self, tokens, idx, options, env)}">{number}</a>'
    )


def _render_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    name = self.rules['footnote_anchor_name'](tokens, idx, options, env)
    return (f'<aside class="footnote" epub:type="footnote" role="doc-footnote" id="fn-{name}" '
            f'data-number="{note_number(tokens[idx])}">\n')


def _render_backlink(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return (
        f' <a class="backlink" role="doc-backlink" href="#{_ref_id(self, tokens, idx, options, env)}">'
        '\u21a9\ufe0e</a>'
    )


def _check_definitions(state: StateCore) -> None:
    """The plugin silently drops a note that is never called, and all but the last of two with one label."""
    called = state.env.get('footnotes', {}).get('refs', {})
    defined: dict[str, SourceLocation] = {}
    for i, token in enumerate(state.tokens):
        if token.type != 'footnote_reference_open':
            continue
        label = token.meta['label']
        where = location_of(state.env, next((t for t in state.tokens[i:] if t.map), token))
        if label in defined:
            diagnostics_from_env(state.env).error(
                'footnote-duplicate', f'the note [^{label}] is already defined on line {defined[label].line}', where)
        elif called.get(f':{label}', -1) < 0:
            diagnostics_from_env(state.env).error(
                'footnote-unused', f'the note [^{label}] is never called, so its text would be lost: '
                f'write [^{label}] where it belongs, or delete it', where)
        defined.setdefault(label, where)
