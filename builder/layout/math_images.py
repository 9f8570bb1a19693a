"""The PDF's post-pass for math: each MathML ``<math>`` drawn as an SVG image, since WeasyPrint has no MathML.

``ziamath`` draws the formula from its TeX (the ``alttext`` the renderer
wrote, :mod:`builder.markdown.math`) with the STIX Two Math font it ships
(SIL Open Font Licence), in pure Python, the same way every time: the
image's bytes depend on the formula alone. The image is sized in ``em`` and
lowered by its depth below the baseline, so that it grows with the text
around it and sits on the line as letters do; its alt text is the TeX.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import lxml.html
from lxml.html import HtmlElement

SIZE = 20.0  # ziamath's base font size, in SVG units: an em of the image


def math_as_images(tree: HtmlElement) -> HtmlElement:
    """``tree`` with every ``<math>`` replaced by an ``<img class="math">`` of its drawing."""
    for math in list(tree.iter('math')):
        tex = math.get('alttext', '')
        block = math.get('display') == 'block'
        src, width, depth = drawing(tex, block)
        # No height: the drawing's own proportions give it, so a formula wider than the page (img's
        # max-width) shrinks whole rather than squashed.
        image = lxml.html.Element('img', {
            'class': 'math display' if block else 'math', 'src': src, 'alt': tex,
            'style': f'width:{width}em;vertical-align:-{depth}em'})
        image.tail = math.tail
        math.getparent().replace(math, image)
    return tree


@lru_cache(maxsize=4096)
def drawing(tex: str, block: bool) -> tuple[str, str, str]:
    """(data URI, width, depth below the baseline), the sizes in em."""
    import ziamath

    formula = ziamath.Latex(tex, size=SIZE, inline=not block, margin=0)
    svg = formula.svg().encode('utf-8')
    width, _ = formula.getsize()
    depth = -formula.getyofst()
    return (f"data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}",
            _em(width), _em(max(depth, 0.0)))


def _em(length: float) -> str:
    return f'{round(length / SIZE, 3) + 0.0:g}'  # + 0.0: no "-0"
