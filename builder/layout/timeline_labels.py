"""The PDF's post-pass for the timeline: its labels laid over the drawing as text, not drawn inside the SVG.

WeasyPrint lays out and draws an SVG's text one letter at a time (each letter
may have its own position): a timeline of 80 events, about 9,000 letters,
took 1.2 s of a worker's time to draw, more than the rest of the chronology.
So the print document draws the timeline's shapes alone (an SVG without its
``<text>``) and prints each label as a line of HTML text, absolutely
positioned where the SVG put it. The labels keep their font, size, weight
and place; they become text the way the book's other lines are, which
WeasyPrint lays out a run at a time. The EPUB and the web edition keep the
SVG whole.
"""

from __future__ import annotations

import base64

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from ..chronology.timeline import FONT_SIZE, LINE_HEIGHT
from ..model import Resource

SVG = '{http://www.w3.org/2000/svg}'
# From the top of a label's box to its first baseline, where the SVG puts ``y``: half the drawing's line height,
# and half the difference of the font's ascent and descent at its size (Gentium Book Plus), measured on the PDF.
BASELINE = LINE_HEIGHT / 2 + 4.22


def timeline_labels_as_text(tree: HtmlElement, resources: tuple[Resource, ...]) -> HtmlElement:
    """``tree`` with each timeline image (the chronology's figures, ``templates/chronology.xhtml``) replaced by its
    shapes, its labels positioned over them as text."""
    drawings = {r.path: r.content for r in resources}
    for image in tree.xpath('//figure[contains(concat(" ", @class, " "), " timeline ")]/img'):
        content = drawings.get(image.get('src', ''))
        if content is not None:
            image.getparent().replace(image, _drawing(image, etree.fromstring(content)))
    return tree


def _drawing(image: HtmlElement, svg: etree._Element) -> HtmlElement:
    width, height = svg.get('width'), svg.get('height')
    box = lxml.html.Element('div', {'class': 'timeline-drawing', 'style': f'width:{width}px;height:{height}px;'
                                    f'font-size:{FONT_SIZE}px;line-height:{LINE_HEIGHT}px'})
    labels: list[HtmlElement] = []
    event, start, lines = None, 0.0, 0  # the label of the event being read (its date, then its lines)
    for text in list(svg.iter(f'{SVG}text')):
        kind, x, y = text.get('class', ''), float(text.get('x', '0')), float(text.get('y', '0'))
        text.getparent().remove(text)
        if kind == 'label' and event is not None:
            if lines == 0:  # the first line follows the date, as wide as the SVG left it
                event[0].set('style', f'width:{_n(x - start)}px')
                event[0].tail = text.text
            else:  # the next ones start under the date, a line lower each
                event.append(lxml.html.Element('br'))
                event[-1].tail = text.text
            lines += 1
            continue
        # A year ends at its x (text-anchor: end); a date starts there, and the lines of its event after it. Each
        # label is as wide as the room it has (not shrunk to its text): WeasyPrint need not measure it twice.
        where = f'left:0;width:{_n(x)}px' if kind == 'year' else f'left:{_n(x)}px;width:{_n(float(width) - x)}px'
        label = lxml.html.Element('span', {'class': 'event' if kind == 'date' else kind,
                                           'style': f'{where};top:{_n(y - BASELINE)}px'})
        if kind == 'date':
            label.append(lxml.html.Element('b'))
            label[0].text = text.text
            event, start, lines = label, x, 0
        else:
            label.text = text.text
            event = None
        labels.append(label)
    shapes = base64.b64encode(etree.tostring(svg, xml_declaration=True, encoding='UTF-8')).decode('ascii')
    box.append(lxml.html.Element('img', {'src': f'data:image/svg+xml;base64,{shapes}', 'alt': image.get('alt', '')}))
    box.extend(labels)
    box.tail = image.tail
    return box


def _n(value: float) -> str:
    return f'{round(value, 2) + 0.0:g}'
