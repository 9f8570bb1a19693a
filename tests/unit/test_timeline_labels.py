"""The print document's timeline: its shapes as an SVG image, its labels as text positioned where the SVG has
them (layout/timeline_labels.py)."""

from __future__ import annotations

import base64

import lxml.html
from lxml import etree

from builder.layout.timeline_labels import BASELINE, timeline_labels_as_text
from builder.model import Resource

SVG = b'''<?xml version='1.0' encoding='UTF-8'?>
<svg xmlns="http://www.w3.org/2000/svg" width="520" height="200" viewBox="0 0 520 200" role="img">
  <title>Timeline</title>
  <g>
    <line x1="58" y1="22" x2="58" y2="180" class="axis"/>
    <text x="49" y="26" class="year">1988</text>
    <circle cx="58" cy="36.6" r="3.6" class="mark"/>
    <text x="70" y="40.6" class="date">14 Apr 1988</text>
    <text x="140.5" y="40.6" class="label">The Geneva Accords are signed, and the withdrawal</text>
    <text x="70" y="54.6" class="label">is to begin &amp; end in nine months</text>
    <text x="70" y="73.6" class="date">15 May 1988</text>
    <text x="141" y="73.6" class="label">The withdrawal begins</text>
  </g>
</svg>'''


def test_labels_become_positioned_text_and_the_image_keeps_the_shapes():
    tree = lxml.html.fromstring('<div><figure class="timeline"><img src="generated/timeline-1.svg" alt="Two events">'
                                '<figcaption>Timeline</figcaption></figure></div>')
    out = timeline_labels_as_text(tree, (Resource('generated/timeline-1.svg', 'image/svg+xml', SVG),))
    drawing = out.find('.//div[@class="timeline-drawing"]')
    assert drawing.get('style') == 'width:520px;height:200px;font-size:11.5px;line-height:14px'
    image = drawing.find('img')
    assert image.get('alt') == 'Two events'
    shapes = etree.fromstring(base64.b64decode(image.get('src').removeprefix('data:image/svg+xml;base64,')))
    assert shapes.findall('.//{http://www.w3.org/2000/svg}text') == []
    assert len(shapes.findall('.//{http://www.w3.org/2000/svg}circle')) == 1
    year, first, second = drawing.findall('span')
    # A year ends where its text-anchor: end put it; each event starts at its date, its first line after the date
    # (as far as the SVG put it), its next line under the date.
    assert (year.get('class'), year.text) == ('year', '1988')
    assert year.get('style') == f'left:0;width:49px;top:{26 - BASELINE:g}px'
    assert first.get('class') == 'event' and first.get('style') == f'left:70px;width:450px;top:{40.6 - BASELINE:g}px'
    assert lxml.html.tostring(first, encoding='unicode').startswith(
        '<span class="event" style="left:70px;width:450px;top:29.38px"><b style="width:70.5px">14 Apr 1988</b>'
        'The Geneva Accords are signed, and the withdrawal<br>is to begin &amp; end in nine months</span>')
    assert second.text_content() == '15 May 1988The withdrawal begins'
    assert drawing.getparent().find('figcaption').text == 'Timeline'


def test_other_images_are_left_alone():
    tree = lxml.html.fromstring('<div><img src="images/map.svg" alt="Map"></div>')
    out = timeline_labels_as_text(tree, (Resource('images/map.svg', 'image/svg+xml', SVG),))
    assert lxml.html.tostring(out) == b'<div><img src="images/map.svg" alt="Map"></div>'


def test_a_timeline_of_one_panel_too():
    # One panel is generated/timeline.svg, several generated/timeline-1.svg …: the figure says which it is.
    tree = lxml.html.fromstring('<div><figure class="timeline"><img src="generated/timeline.svg" alt="One"></figure>'
                                '</div>')
    out = timeline_labels_as_text(tree, (Resource('generated/timeline.svg', 'image/svg+xml', SVG),))
    assert [span.get('class') for span in out.iterfind('.//div[@class="timeline-drawing"]/span')] == [
        'year', 'event', 'event']
