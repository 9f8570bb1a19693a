"""The timeline figure: the chronology drawn as an SVG, from the same entries as the list.

A vertical time axis suits a portrait page and an e-reader screen alike, and
gives every label a line of its own, so labels never overlap. The axis is
stretched where events crowd (each row needs the height of its label) and
broken where nothing happens for years (a gap mark instead of empty space);
year ticks follow the same mapping, so the reader sees where time runs
faster. Marks: filled for a day, open for a month, season or year; bars for
ranges. Label widths are measured with the book font (Pillow), so wrapping
is real, not guessed.

The SVG is built as an element tree (lxml) and shipped as its own file: the
EPUB references it with ``<img>`` (ebooklib would mangle inline SVG), and
WeasyPrint draws it as vectors.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from lxml import etree
from lxml.builder import ElementMaker
from PIL import ImageFont

from ..i18n import Catalog
from ..model import ChronologyEntry
from ..resources import FONTS

SVG_NS = 'http://www.w3.org/2000/svg'
FONT_FAMILY = "'Gentium Book Plus', Gentium, 'Times New Roman', serif"

WIDTH = 520
FONT_SIZE = 11.5
LINE_HEIGHT = 14
ROW_GAP = 5
AXIS_X = 58
LANE_WIDTH = 6
LABEL_GAP = 12
MARGIN = 16
MAX_LINES = 2
MAX_HEIGHT = 680  # 180 mm at CSS's 96 px per inch: a page below a heading, or an e-reader screen
PX_PER_YEAR = 70  # the axis scale where events are sparse enough to allow it
BREAK_AFTER = 1.6 * PX_PER_YEAR  # a longer quiet stretch is cut, with a gap mark
BREAK_HEIGHT = 34
YEAR_LABEL_SPACING = 15
RUN_OUT = 0.3  # years of axis before the first event and after the last
YEAR_GAP = 9  # from a year's tick down to the next row
WIDE = 1.08  # text is measured this much wider than the book font sets it, for a reader's fallback font

E = ElementMaker(namespace=SVG_NS, nsmap={None: SVG_NS})


@dataclass(frozen=True)
class _Row:
    entry: ChronologyEntry
    date: str  # the short date that starts the first line, in bold
    lines: tuple[str, ...]
    start: float  # fractional years
    end: float | None  # ranges only

    @property
    def height(self) -> float:
        return len(self.lines) * LINE_HEIGHT + ROW_GAP


@dataclass(frozen=True)
class Panel:
    """One figure of the timeline: a stretch of the chronology that fits a page or a screen."""

    svg: bytes
    first: int  # years shown
    last: int
    events: int


def draw_timeline(entries: tuple[ChronologyEntry, ...], language: str, title: str, strings: Catalog) -> list[Panel]:
    """The timeline of the chronology's entries (in date order), cut into panels of at most MAX_HEIGHT;
    ``strings`` give the words of its title and description.

    A long chronology drawn as one figure would be scaled down past reading on a page or a
    screen; panels keep the type at its size and each fits a page at its natural size.
    """
    lanes = _range_lanes(entries)
    label_x = AXIS_X + (max(lanes.values(), default=-1) + 1) * (LANE_WIDTH + 3) + LABEL_GAP
    rows = []
    for e in entries:
        date = e.event.date.format(language, short=True)
        rows.append(_Row(e, date, _wrap(_label(e), WIDTH - MARGIN - label_x, _indent(date)),
                         _years(e.event.date.first_day), _years(e.event.date.last_day) if e.event.date.end else None))
    groups = _split(rows, MAX_HEIGHT)
    if len(groups) > 1:
        # Even the panels out, rather than leave a last one with an event or two.
        even = _split(rows, min(MAX_HEIGHT, _Axis(rows).bottom / len(groups) * 1.1))
        groups = even if len(even) == len(groups) else groups
    panels = []
    for n, group in enumerate(groups, start=1):
        axis = _Axis(group)
        panel_title = strings('chronology.timeline.title-part', title=title, part=n, parts=len(groups)) \
            if len(groups) > 1 else title
        svg = _draw(group, axis, lanes, label_x, panel_title, strings)
        panels.append(Panel(svg, int(group[0].start), int(axis.last), len(group)))
    return panels


def _split(rows: list[_Row], height: float) -> list[list[_Row]]:
    """Consecutive rows in groups whose drawings are at most ``height`` tall (a row taller alone stands alone)."""
    groups: list[list[_Row]] = [[]]
    for row in rows:
        if groups[-1] and _Axis([*groups[-1], row]).bottom + MARGIN > height:
            groups.append([])
        groups[-1].append(row)
    return groups


def _draw(rows: list[_Row], axis: _Axis, lanes: dict[str, int], label_x: float, title: str,
          strings: Catalog) -> bytes:
    height = axis.bottom + MARGIN
    drawing = E.g()
    for top, bottom in axis.segments():
        drawing.append(E.line(x1=_n(AXIS_X), y1=_n(top), x2=_n(AXIS_X), y2=_n(bottom), **{'class': 'axis'}))
    for y in axis.breaks():
        for dy in (-3, 3):
            drawing.append(E.line(x1=_n(AXIS_X - 7), y1=_n(y + dy + 3), x2=_n(AXIS_X + 7), y2=_n(y + dy - 3),
                                  **{'class': 'gap'}))
    last_label = -YEAR_LABEL_SPACING
    for year, y in axis.year_ticks():
        drawing.append(E.line(x1=_n(AXIS_X - 5), y1=_n(y), x2=_n(AXIS_X), y2=_n(y), **{'class': 'tick'}))
        if y - last_label >= YEAR_LABEL_SPACING:
            drawing.append(E.text(str(year), x=_n(AXIS_X - 9), y=_n(y + 4), **{'class': 'year'}))
            last_label = y
    for row, y in zip(rows, axis.row_y):
        date = row.entry.event.date
        if row.end is not None:
            x = AXIS_X + 4 + lanes[row.entry.event.key] * (LANE_WIDTH + 3)
            drawing.append(E.rect(x=_n(x), y=_n(y), width=_n(LANE_WIDTH), height=_n(axis.y(row.end) - y),
                                  rx='2', **{'class': 'range'}))
        exact = date.start.precision == 'day' and not date.approximate
        drawing.append(E.circle(cx=_n(AXIS_X), cy=_n(y), r='3.6', **{'class': 'mark' if exact else 'mark vague'}))
        drawing.append(E.line(x1=_n(AXIS_X + 4), y1=_n(y), x2=_n(label_x - 3), y2=_n(y), **{'class': 'leader'}))
        # The date and the label are separate text elements: nested or sibling tspans are
        # where SVG renderers differ most.
        drawing.append(E.text(row.date, x=_n(label_x), y=_n(y + 4), **{'class': 'date'}))
        for n, line in enumerate(row.lines):
            x = label_x + (_indent(row.date) if n == 0 else 0)
            drawing.append(E.text(line, x=_n(x), y=_n(y + 4 + n * LINE_HEIGHT), **{'class': 'label'}))
    svg = E.svg(
        E.title(title),
        E.desc(strings('chronology.timeline.description', events=len(rows), first=int(rows[0].start),
                       last=int(axis.last))),
        E.style(STYLE),
        drawing,
        version='1.1', width=_n(WIDTH), height=_n(height), viewBox=f'0 0 {_n(WIDTH)} {_n(height)}', role='img',
    )
    svg.set('font-family', FONT_FAMILY)
    return etree.tostring(svg, xml_declaration=True, encoding='UTF-8', pretty_print=True)


STYLE = f"""
.axis, .tick {{ stroke: #222; stroke-width: 1.2; }}
.gap {{ stroke: #222; stroke-width: 1.2; }}
.leader {{ stroke: #bbb; stroke-width: 0.6; }}
.mark {{ fill: #222; stroke: #222; stroke-width: 1.2; }}
.mark.vague {{ fill: #fff; }}
.range {{ fill: #777; }}
.year {{ font-size: {FONT_SIZE}px; font-weight: bold; text-anchor: end; fill: #222; }}
.label {{ font-size: {FONT_SIZE}px; fill: #111; }}
.date {{ font-size: {FONT_SIZE}px; font-weight: bold; fill: #111; }}
"""


class _Axis:
    """Time -> y: proportional where events are sparse, stretched where they crowd, cut where nothing happens."""

    def __init__(self, rows: list[_Row]) -> None:
        self.knots: list[tuple[float, float]] = []  # (time, y), both increasing
        self.cut: list[bool] = []  # cut[i]: the stretch from knot i to i + 1 is a gap
        self.row_y: list[float] = []
        self.last = max(r.end if r.end is not None else r.start for r in rows)
        # Begin a little before the first event (at its year's start if that is near), end a little after.
        start = max(float(int(rows[0].start)), rows[0].start - RUN_OUT)
        self._knot(start, MARGIN + 6, cut=False)
        for row, previous in zip(rows, [None, *rows[:-1]]):
            need = previous.height if previous else 0.0
            self._advance(row.start, need)
            self.row_y.append(self.knots[-1][1])
        # Run on past the last event or range, so that it has room below it.
        self._advance(self.last + RUN_OUT, rows[-1].height)

    @property
    def bottom(self) -> float:
        return self.knots[-1][1]

    def _knot(self, t: float, y: float, *, cut: bool) -> None:
        if self.knots:
            self.cut.append(cut)
        self.knots.append((t, y))

    def _advance(self, t: float, need: float) -> None:
        """Run on to time ``t``, at least ``need`` below the last knot, cutting a long quiet stretch."""
        last_t = self.knots[-1][0]
        if (t - last_t) * PX_PER_YEAR > BREAK_AFTER:
            # Keep a short proportional run-out on each side of the cut.
            run = BREAK_AFTER / 3 / PX_PER_YEAR
            self._run(last_t + run, need)
            self._knot(t - run, self.knots[-1][1] + BREAK_HEIGHT, cut=True)
            need = 0
        self._run(t, need)

    def _run(self, t: float, need: float) -> None:
        # Each new year gets a knot of its own below the rows before it, so that its tick
        # falls between two labels and reads as a boundary, not as one label's year.
        for year in range(int(self.knots[-1][0]) + 1, int(t) + 1):
            if year < t:
                self._step(year, need)
                need = YEAR_GAP
        if t > self.knots[-1][0] or need > 0:
            self._step(t, need)

    def _step(self, t: float, need: float) -> None:
        last_t, last_y = self.knots[-1]
        self._knot(t, last_y + max((t - last_t) * PX_PER_YEAR, need), cut=False)

    def y(self, t: float) -> float:
        for (t0, y0), (t1, y1), cut in zip(self.knots, self.knots[1:], self.cut):
            if t0 <= t <= t1 and not cut:
                return y0 if t1 == t0 else y0 + (t - t0) / (t1 - t0) * (y1 - y0)
        return self.knots[-1][1] if t >= self.knots[-1][0] else self.knots[0][1]

    def segments(self) -> list[tuple[float, float]]:
        """Stretches of drawn axis between the cuts."""
        out: list[tuple[float, float]] = []
        top = self.knots[0][1]
        for (_, y0), (_, y1), cut in zip(self.knots, self.knots[1:], self.cut):
            if cut:
                out.append((top, y0))
                top = y1
        out.append((top, self.knots[-1][1]))
        return out

    def breaks(self) -> list[float]:
        return [(y0 + y1) / 2 for (_, y0), (_, y1), cut in zip(self.knots, self.knots[1:], self.cut) if cut]

    def year_ticks(self) -> list[tuple[int, float]]:
        ticks = []
        for year in range(int(self.knots[0][0]), int(self.knots[-1][0]) + 1):
            for (t0, y0), (t1, y1), cut in zip(self.knots, self.knots[1:], self.cut):
                # A year whose first day falls where time runs (a year repeated at a stretch's ends: once).
                if not cut and t0 <= year <= t1 and t1 > t0 and (not ticks or ticks[-1][0] != year):
                    ticks.append((year, y0 + (year - t0) / (t1 - t0) * (y1 - y0)))
        return ticks


def _range_lanes(entries: tuple[ChronologyEntry, ...]) -> dict[str, int]:
    """A lane beside the axis for each range, so that overlapping ranges sit side by side."""
    lanes: dict[str, int] = {}
    ends: list[dt.date] = []
    for entry in entries:
        date = entry.event.date
        if date.end is None:
            continue
        lane = next((i for i, end in enumerate(ends) if end < date.first_day), len(ends))
        if lane == len(ends):
            ends.append(date.last_day)
        ends[lane] = date.last_day
        lanes[entry.event.key] = lane
    return lanes


def _label(entry: ChronologyEntry) -> str:
    """The event's ``label``, else the first clause of its text, without citations."""
    if entry.event.label:
        return entry.event.label
    words = ''.join(t.content for block in entry.text.tokens if block.type == 'inline'
                    for t in block.children or () if t.type == 'text')
    words = re.sub(r'\s*\[@[^\]]*\]', '', words)
    return re.split(r'(?<=\w)[.:;](?:\s|$)|\s[—–]\s|\s\(', words, maxsplit=1)[0].strip()


@functools.lru_cache(maxsize=4096)  # a build draws the timeline at each rendering: measured once
def _wrap(text: str, width: float, indent: float) -> tuple[str, ...]:
    """Words in lines of at most ``width`` (the first one ``indent`` shorter), at most MAX_LINES, ellipsized."""
    font = _font()
    lines: list[str] = []

    def room(n: int) -> float:
        return width - (indent if n == 0 else 0)

    for word in text.split():
        if lines and font.getlength(f'{lines[-1]} {word}') <= room(len(lines) - 1):
            lines[-1] += f' {word}'
        else:
            lines.append(word)
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1]
        while last and font.getlength(last + '…') > room(MAX_LINES - 1):
            last = last.rsplit(' ', 1)[0] if ' ' in last else last[:-1]
        lines = [*lines[:MAX_LINES - 1], last + '…']
    return tuple(lines) or ('',)


@functools.cache
def _font(bold: bool = False) -> ImageFont.FreeTypeFont:
    # Measured a little wide, so that a reader's fallback serif still fits.
    name = 'GentiumBookPlus-Bold.ttf' if bold else 'GentiumBookPlus-Regular.ttf'
    return ImageFont.truetype(str(FONTS / name), FONT_SIZE * WIDE)


def _indent(date: str) -> float:
    """Where the label starts after its bold date: the date's width at the drawn size, and a space."""
    return _font(bold=True).getlength(date) / WIDE + FONT_SIZE * 0.45


def _years(day: dt.date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 365.25


def _n(value: float) -> str:
    """A coordinate as SVG text: rounded, without a trailing .0, stable across runs."""
    return f'{value:.1f}'.rstrip('0').rstrip('.')
