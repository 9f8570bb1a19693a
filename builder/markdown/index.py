"""Index entries in the text: the words a back-of-book index points to.

Syntax (bracketed spans, parsed by mdit-py-plugins' attrs plugin)::

    [Geneva Accords]{.index}                            indexed under its own words
    [the accords]{.index key="Geneva Accords"}          indexed under the key
    [who signed]{.index key="Geneva Accords!signatories"}   a sub-entry: levels split at "!"
    [the accords]{.index key="Accords" see="Geneva Accords"}       "Accords, see Geneva Accords": no page
    [Kabul]{.index seealso="Afghanistan"}               a page, and "see also Afghanistan"

A core rule turns each such span into ``index_open``/``index_close`` tokens
whose ``meta`` holds the ``key`` (the words when no key is given), ``see``,
``seealso``, the marked ``text`` and an ``id`` unique in the book
(``ix-<chapter>-<n>``, or the author's own ``{#id}``): the anchor whose page
the index prints and its links point to. A glossary term marked ``.index``
too (``[glossary]{.term .index}``) is indexed under its words, at the term's
own anchor. The entries are resolved by :mod:`builder.index`.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .spans import html_attributes
from .state import chapter_env
from .terms import span_text

FIELDS = ('key', 'see', 'seealso')


def index_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('terms_and_events', 'index_entries', _mark)
    md.add_render_rule('index_open', lambda self, tokens, idx, options, env: (
        f'<span{html_attributes(tokens[idx])}>'))
    md.add_render_rule('index_close', lambda self, tokens, idx, options, env: '</span>')


def _mark(state: StateCore) -> None:
    env = chapter_env(state.env)
    count = env.extra.setdefault('index_count', [0])
    for block in state.tokens:
        children = block.children or []
        opened: list[Token | None] = []
        for i, token in enumerate(children):
            if token.type in ('span_open', 'term_open'):
                classes = str(token.attrGet('class') or '').split()
                marked = 'index' in classes
                if marked:
                    _open(token, classes, span_text(children, i), env.chapter_id, count)
                opened.append(token if marked and token.type == 'index_open' else None)
            elif token.type in ('span_close', 'term_close') and opened:
                if opened.pop() is not None:
                    token.type = 'index_close'


def _open(token: Token, classes: list[str], text: str, chapter_id: str, count: list[int]) -> None:
    attrs = {k: v for k, v in token.attrs.items() if k not in (*FIELDS, 'class')}
    attrs['class'] = ' '.join(classes)  # with "index": the print stylesheet keeps the words whole
    if token.type == 'term_open':  # a glossary term, indexed under its words at its own anchor
        token.attrs = attrs
        token.meta = {**token.meta, 'index': {'key': text, 'see': None, 'seealso': None, 'text': text,
                                              'id': token.meta['id']}}
        return
    if 'id' not in attrs:
        count[0] += 1
        attrs['id'] = f'ix-{chapter_id}-{count[0]}'
    fields = {name: (str(token.attrGet(name)) if token.attrGet(name) else None) for name in FIELDS}
    token.type = 'index_open'
    token.attrs = attrs
    token.meta = {**token.meta, 'index': {**fields, 'key': fields['key'] or text, 'text': text,
                                          'id': str(attrs['id'])}}
