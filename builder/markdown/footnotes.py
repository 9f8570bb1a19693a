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
from mdit_py_plugins.footnote import footnote_plugin


def footnotes_plugin(md: MarkdownIt) -> None:
    md.use(footnote_plugin, inline=True)
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
