"""Chapter titles written in the body, as Pandoc reads them.

A chapter written for Pandoc often has no front matter. Its title is then a
``%`` title block on its first lines (``% Title``, then ``% Authors`` and
``% Date``), or its first heading when that is a level-1 heading: Pandoc with
``--top-level-division=chapter`` starts the chapter there, and
``--shift-heading-level-by=-1`` makes it the title. :func:`body_title` finds
either and blanks its lines, so that the rest parses without it and every
other line keeps its number for diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import split_attributes

_ATX = re.compile(r' {0,3}#(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*')
_SETEXT_UNDERLINE = re.compile(r' {0,3}=+[ \t]*')


@dataclass(frozen=True)
class BodyTitle:
    text: str  # inline Markdown
    line: int  # 1-based line of the title in the file
    attributes: dict[str, str] = field(default_factory=dict)  # {#id .unnumbered} on a heading
    byline: tuple[str, ...] = ()  # the authors and date lines of a % title block


def body_title(text: str, first_line: int) -> tuple[str, BodyTitle | None]:
    """The text with the title's lines blanked, and the title, looked for from ``first_line`` (0-based)."""
    lines = text.split('\n')
    start = next((i for i in range(first_line, len(lines)) if lines[i].strip()), None)
    if start is None:
        return text, None
    if start == 0 and lines[0].startswith('%'):
        return _title_block(lines)
    heading = _ATX.fullmatch(lines[start])
    if heading and heading['text']:
        end = start + 1
        title = heading['text']
    elif start + 1 < len(lines) and _SETEXT_UNDERLINE.fullmatch(lines[start + 1]) and lines[start][:4].strip():
        end = start + 2
        title = lines[start].strip()
    else:
        return text, None
    title, attributes = split_attributes(title)
    return _blanked(lines, start, end), BodyTitle(title, start + 1, attributes)


def _title_block(lines: list[str]) -> tuple[str, BodyTitle | None]:
    """Pandoc's title block: up to three ``%`` fields, each continued on lines that start with a space."""
    fields: list[str] = []
    end = 0
    while end < len(lines) and len(fields) <= 3:
        if lines[end].startswith('%') and len(fields) < 3:
            fields.append(lines[end][1:].strip())
        elif lines[end].startswith((' ', '\t')) and lines[end].strip() and fields:
            fields[-1] = f'{fields[-1]} {lines[end].strip()}'.strip()
        else:
            break
        end += 1
    if not fields[0]:
        return _blanked(lines, 0, end), None
    return _blanked(lines, 0, end), BodyTitle(fields[0], 1, byline=tuple(f for f in fields[1:] if f))


def _blanked(lines: list[str], start: int, end: int) -> str:
    return '\n'.join(lines[:start] + [''] * (end - start) + lines[end:])
