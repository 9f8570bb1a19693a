"""Numbers and names of figures and tables, for the resolve stage.

The Markdown plugins (:mod:`builder.markdown.figures`,
:mod:`builder.markdown.table_captions`) give each figure or table whose id
asks for a number (``fig-…``, ``tbl-…``) its running number in its chapter;
here it gets the chapter's number before it ("Figure 3.2", words from the
catalog), the label that an empty cross-reference to it prints and that the
PDF follows with its page. A figure or table with another id is named by its
caption instead ("figure “…”").
"""

from __future__ import annotations

from markdown_it.token import Token

from .i18n import Catalog
from .markdown.math import MATH_TOKENS
from .model import Caption, Chapter

KINDS = {'figure_open': 'figure', 'table_open': 'table'}
CAPTION_OPENINGS = ('figcaption_open', 'caption_open')


def caption_of(tokens: tuple[Token, ...], i: int, chapter: Chapter, strings: Catalog) -> tuple[str, Caption | None]:
    """What a cross-reference to the figure or table opened at ``tokens[i]`` prints (''
    when nothing names it), and its numbered caption if it has a number."""
    opening = tokens[i]
    kind = KINDS[opening.type]
    ident = str(opening.attrGet('id'))
    caption = _caption(tokens, i, ident)
    text = inline_text(tokens[caption + 1]) if caption else ''
    if 'number' not in opening.meta:
        if not text:
            return '', None
        return (strings('cross-reference.figure', alt=text) if kind == 'figure' else
                strings('table.unnamed', caption=text)), None
    n = opening.meta['number']
    number = f'{chapter.number}.{n}' if chapter.number else str(n)
    label = strings('figure.label' if kind == 'figure' else 'table.label', number=number)
    return label, Caption(ident, kind, number, label, text, chapter.id)


TIMELINE = 'fig-timeline'  # the id of the chronology's timeline figure (its first panel's)


def timeline_caption(captions: list[Caption], strings: Catalog) -> Caption:
    """The chronology's timeline, a figure of the back matter. The back matter has no chapter number: the
    timeline is numbered after the figures of the chapters that have none either ("Figure 1")."""
    number = str(1 + sum(c.kind == 'figure' and '.' not in c.number for c in captions))
    label = strings('figure.label', number=number)
    return Caption(TIMELINE, 'figure', number, label, strings('figure.timeline'), 'chronology')


def caption_labels(captions: tuple[Caption, ...], strings: Catalog) -> dict[str, str]:
    """Each numbered figure's or table's id -> what its caption starts with: "Figure 3.2."."""
    return {c.id: strings('figure.caption' if c.kind == 'figure' else 'table.caption', number=c.number)
            for c in captions}


def id_written_at(tokens: tuple[Token, ...], i: int) -> Token:
    """The token where the id of the figure or table opened at ``tokens[i]`` is written: a table's caption."""
    caption = _caption(tokens, i, str(tokens[i].attrGet('id')))
    return tokens[caption] if caption and tokens[i].type == 'table_open' else tokens[i]


def _caption(tokens: tuple[Token, ...], i: int, ident: str) -> int | None:
    """The index of the caption's opening token of the figure or table opened at ``tokens[i]``."""
    for j in range(i + 1, len(tokens) - 1):
        if tokens[j].type in CAPTION_OPENINGS and tokens[j].meta.get('target') == ident:
            return j
        if tokens[j].type in ('figure_close', 'table_close') and tokens[j].level == tokens[i].level:
            return None
    return None


def inline_text(inline: Token) -> str:
    """The plain text of an inline token, after smart punctuation; a formula as its TeX, raw HTML as written, as
    the text prints it (the contents, the PDF's bookmarks and the lists of figures and tables are plain text)."""
    return ''.join(c.content for c in inline.children or ()
                   if c.type in ('text', 'code_inline', 'html_inline', *MATH_TOKENS))
