"""Event dates: EDTF strings -> values that sort, print in the book's language and sit on a time axis.

``chronology.yaml`` writes dates in the Library of Congress Extended
Date/Time Format, parsed by the ``edtf`` package: ``1986`` (year), ``1986-10``
(month), ``1986-10-15`` (day), ``1987-21`` (season: 21 spring … 24 winter),
``1985~`` (circa), ``1988?`` (uncertain), ``1988-05-15/1989-02-15`` (a range).
A date prints at the precision it was given, in the book's language: month
names and the order of day, month and year come from CLDR through babel,
season names and "circa" from the language's catalog (:mod:`builder.i18n`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date, format_skeleton

from ..i18n import catalog

PRECISIONS = ('year', 'season', 'month', 'day')  # coarse to fine
SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}


class EventDateError(ValueError):
    """The text is not an EDTF date this builder can print."""


@dataclass(frozen=True)
class DatePoint:
    """A day, month, season or year."""

    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None  # EDTF season code 21–24

    @property
    def precision(self) -> str:
        return 'day' if self.day else 'month' if self.month else 'season' if self.season else 'year'

    @property
    def first_day(self) -> dt.date:
        month = SEASON_MONTHS[self.season][0] if self.season else self.month or 1
        return dt.date(self.year, month, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day
        if self.season:
            last_month = SEASON_MONTHS[self.season][1]
            year = self.year + (last_month < SEASON_MONTHS[self.season][0])
            return _month_end(year, last_month)
        return _month_end(self.year, self.month or 12)

    def iso(self) -> str | None:
        """The HTML ``datetime`` value: year, month or day precision only."""
        if self.season:
            return None
        return '-'.join(f'{part:0{width}d}' for part, width in ((self.year, 4), (self.month, 2), (self.day, 2))
                        if part)

    def format(self, locale: Locale, *, short: bool = False) -> str:
        if self.day:
            return format_skeleton('yMMMd', self.first_day, locale=locale) if short else format_date(
                self.first_day, 'long', locale=locale)
        if self.month:
            return format_skeleton('yMMM' if short else 'yMMMM', self.first_day, locale=locale)
        if self.season:
            names = catalog(locale.language).data('dates.seasons')  # CLDR has no season names
            return f'{names[self.season - 21]} {self.year}'
        return str(self.year)


@dataclass(frozen=True)
class EventDate:
    """A chronology date: one point, or a range of two, possibly circa or uncertain."""

    text: str  # as written in chronology.yaml
    start: DatePoint
    end: DatePoint | None = None  # a range's last point
    approximate: bool = False
    uncertain: bool = False

    @property
    def sort_key(self) -> tuple:
        """Earlier first; at the same first day, the vaguer date first ("1987" before "1987-01")."""
        return (self.start.first_day, PRECISIONS.index(self.start.precision), (self.end or self.start).last_day)

    @property
    def first_day(self) -> dt.date:
        return self.start.first_day

    @property
    def last_day(self) -> dt.date:
        return (self.end or self.start).last_day

    def iso(self) -> str | None:
        if self.end or self.approximate or self.uncertain:
            return None
        return self.start.iso()

    def format(self, language: str, *, short: bool = False) -> str:
        """The date as a reader expects it: "May 1986", "14 April 1988", "1988–1989", "c. 1985";
        ``short`` abbreviates month names ("14 Apr 1988"), for figures."""
        locale = Locale.parse(language, sep='-')
        text = self.start.format(locale, short=short)
        if self.end:
            end = self.end.format(locale, short=short)
            # A closed-up en dash between single words (1988–1989), a spaced one between phrases.
            text = f'{text}–{end}' if ' ' not in text + end else f'{text} – {end}'
        if self.approximate:
            text = catalog(locale.language)('dates.circa', date=text)
        if self.uncertain:
            text += '?'
        return text


CALENDAR_DATE = re.compile(r'(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?')


def parse_event_date(text: str) -> EventDate:
    """Parse an EDTF date; raise :class:`EventDateError` saying what is wrong or unsupported."""
    plain = calendar_date(text.strip())
    if plain is not None:
        return EventDate(text, plain, None, False, False)
    # Imported here: the EDTF grammar takes 0.05 s to import, and most books' dates are plain
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException
    from edtf.parser.parser_classes import Interval, Level1Interval

    try:
        parsed = parse_edtf(text.strip())
    except EDTFParseException:
        raise EventDateError(f"'{text}' is not an EDTF date: write 1986, 1986-10, 1986-10-15, "
                             '1988-05-15/1989-02-15, 1985~ or 1987-21') from None
    if isinstance(parsed, (Interval, Level1Interval)):
        (start, approximate, uncertain), (end, *_) = _point(parsed.lower, text), _point(parsed.upper, text)
        if end.first_day < start.first_day:
            raise EventDateError(f"the range '{text}' ends before it begins")
        return EventDate(text, start, end, approximate, uncertain)
    point, approximate, uncertain = _point(parsed, text)
    return EventDate(text, point, None, approximate, uncertain)


def calendar_date(text: str) -> DatePoint | None:
    """A plain year, month or day (1986, 1986-10, 1986-10-15) read without the EDTF grammar, which takes
    ten milliseconds a date; None for anything else (a season is a "month" of 21-24: EDTF's to read)."""
    match = CALENDAR_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError:
        return None
    return DatePoint(year, month, day) if year else None  # type: ignore[arg-type]


def _point(value: object, text: str) -> tuple[DatePoint, bool, bool]:
    from edtf.parser.parser_classes import Date, Season, UncertainOrApproximate

    approximate = uncertain = False
    if isinstance(value, UncertainOrApproximate):
        approximate = value.is_approximate or value.is_uncertain_and_approximate
        uncertain = value.is_uncertain or value.is_uncertain_and_approximate
        value = value.date
    if type(value) is Season:
        return DatePoint(int(value.year), season=int(value.season)), approximate, uncertain
    if type(value) is Date and value.year.isdigit() and int(value.year) > 0:
        point = DatePoint(int(value.year), int(value.month) if value.month else None,
                          int(value.day) if value.day else None)
        return point, approximate, uncertain
    raise EventDateError(f"'{text}' is valid EDTF, but a chronology date must be a year, season, month or day "
                         '(possibly circa), or a range of two such dates')


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
