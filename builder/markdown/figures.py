"""Figures, as Pandoc and Quarto read them: an image alone in a paragraph, its alt text the caption.

``![The signing](geneva.png){#fig-geneva}`` becomes ``<figure id="fig-geneva">``
with the image and a ``<figcaption>`` printing the same inline content as the
alt text (emphasis included); the id moves from the image to the figure, as
Pandoc moves it. A figure whose id starts with ``fig-`` is numbered, as
Quarto numbers it: ``meta['number']`` on ``figure_open`` is its running number
in the chapter, given while the whole chapter is parsed so that every edition
prints the same numbers. The resolve stage puts the chapter's number before
it ("Figure 3.2", :mod:`builder.captions`); the renderer prints that label at
the head of the caption from ``env['captions']``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# Quarto's id prefixes of numbered elements, by the kind of element they number.
NUMBERED_PREFIX = {'figure': 'fig-', 'table': 'tbl-'}


def figures_plugin(md: MarkdownIt) -> None:
    # After image_attributes: an id written {#fig-x} with an unquoted size beside it is read by then.
    md.core.ruler.after('image_attributes', 'figures', _figures)
    md.add_render_rule('figcaption_open', caption_open)


def numbered(kind: str, open_token: Token, count: dict[str, int]) -> None:
    """Give ``open_token`` the next number of its kind in the chapter when its id asks for one (``fig-…``)."""
    if str(open_token.attrGet('id') or '').startswith(NUMBERED_PREFIX[kind]):
        count[kind] = count.get(kind, 0) + 1
        open_token.meta['number'] = count[kind]


def caption_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """``<figcaption>`` or ``<caption>``, with "Figure 3.2." when the resolve stage numbered its figure or table."""
    label = env.get('captions', {}).get(tokens[idx].meta.get('target'))
    html = self.renderToken(tokens, idx, options, env)
    return html + (f'<span class="caption-label">{escapeHtml(label)}</span> ' if label else '')


def _figures(state: StateCore) -> None:
    tokens = state.tokens
    count: dict[str, int] = {}
    i = 0
    while i < len(tokens) - 2:
        image = _lone_image(tokens, i)
        if image is None:
            i += 1
            continue
        paragraph_open, inline, paragraph_close = tokens[i:i + 3]
        figure_open = block_like('figure_open', 'figure', 1, paragraph_open)
        ident = image.attrs.pop('id', None)
        if ident:
            figure_open.attrSet('id', ident)
            numbered('figure', figure_open, count)
        caption_open_token = block_like('figcaption_open', 'figcaption', 1, paragraph_open)
        caption_open_token.meta['target'] = ident
        # The caption's inline content is the image's own: one list, so that the rules after this one
        # (smart quotes, glossary terms) see it once and the alt text follows.
        caption = block_like('inline', '', 0, inline)
        caption.content, caption.children = image.content, image.children
        tokens[i:i + 3] = [figure_open, inline, caption_open_token, caption,
                           block_like('figcaption_close', 'figcaption', -1, paragraph_close),
                           block_like('figure_close', 'figure', -1, paragraph_close)]
        i += 6


def _lone_image(tokens: list[Token], i: int) -> Token | None:
    """The image of a paragraph holding nothing else (but white space), with a caption to print."""
    if tokens[i].type != 'paragraph_open' or tokens[i + 1].type != 'inline' or tokens[i].hidden:
        return None
    children = [c for c in tokens[i + 1].children or () if not (c.type == 'text' and not c.content.strip())]
    if len(children) != 1 or children[0].type != 'image' or not children[0].content.strip():
        return None
    return children[0]


def block_like(kind: str, tag: str, nesting: int, like: Token) -> Token:
    """A block token standing where ``like`` stands in the source."""
    token = Token(kind, tag, nesting, map=like.map, level=like.level, block=True)
    token.meta = {'loc': like.meta['loc']} if 'loc' in like.meta else {}
    return token
