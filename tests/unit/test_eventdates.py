"""Chronology dates: EDTF parsed, printed at the precision given, sorted, with HTML datetime values."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.chronology.dates import EventDateError, parse_event_date


@pytest.mark.parametrize('text, en, en_gb, fr, iso', [
    ('1986', '1986', '1986', '1986', '1986'),
    ('1986-10', 'October 1986', 'October 1986', 'octobre 1986', '1986-10'),
    ('1988-04-14', 'April 14, 1988', '14 April 1988', '14 avril 1988', '1988-04-14'),
    ('1987-21', 'spring 1987', 'spring 1987', 'printemps 1987', None),  # no datetime for a season
    ('1985~', 'c.\u00a01985', 'c.\u00a01985', 'vers 1985', None),
    ('1988?', '1988?', '1988?', '1988?', None),
    ('1985%', 'c.\u00a01985?', 'c.\u00a01985?', 'vers 1985?', None),  # uncertain and approximate
    ('1988/1989', '1988–1989', '1988–1989', '1988–1989', None),  # closed-up dash between single words
    ('1988-05-15/1989-02-15', 'May 15, 1988 – February 15, 1989', '15 May 1988 – 15 February 1989',
     '15 mai 1988 – 15 février 1989', None),  # spaced dash between phrases
])
def test_dates_print_at_their_precision_in_the_book_language(text, en, en_gb, fr, iso):
    date = parse_event_date(text)
    assert (date.format('en'), date.format('en-GB'), date.format('fr'), date.iso()) == (en, en_gb, fr, iso)


def test_short_month_names_for_figures():
    assert parse_event_date('1988-04-14').format('en-GB', short=True) == '14 Apr 1988'
    assert parse_event_date('1986-10/1987-03').format('en', short=True) == 'Oct 1986 – Mar 1987'


@pytest.mark.parametrize('text, first, last', [
    ('1986', dt.date(1986, 1, 1), dt.date(1986, 12, 31)),
    ('1988-02', dt.date(1988, 2, 1), dt.date(1988, 2, 29)),  # a leap year
    ('1987-21', dt.date(1987, 3, 1), dt.date(1987, 5, 31)),  # spring: March to May
    ('1988-24', dt.date(1988, 12, 1), dt.date(1989, 2, 28)),  # winter runs into the next year
    ('1988-05-15/1989-02-15', dt.date(1988, 5, 15), dt.date(1989, 2, 15)),
])
def test_first_and_last_days(text, first, last):
    date = parse_event_date(text)
    assert (date.first_day, date.last_day) == (first, last)


def test_earlier_first_and_at_the_same_first_day_the_vaguer_date_first():
    texts = ['1987-01-05', '1988', '1987-01', '1986-24', '1987', '1987-01-01']
    ordered = sorted(texts, key=lambda t: parse_event_date(t).sort_key)
    # Winter 1986 begins on 1 December 1986; 1987, 1987-01 and 1987-01-01 all begin on 1 January 1987.
    assert ordered == ['1986-24', '1987', '1987-01', '1987-01-01', '1987-01-05', '1988']


@pytest.mark.parametrize('text, message', [
    ('1986-13', "'1986-13' is not an EDTF date"),
    ('1986-10-15T12:00', 'is not an EDTF date'),
    ('1989/1988', "the range '1989/1988' ends before it begins"),
    ('-0100', "'-0100' is valid EDTF, but a chronology date must be"),  # no years before the common era
    ('198X', 'is valid EDTF, but'),  # unspecified digits
    ('1988-05/..', 'is valid EDTF, but'),  # an open range
])
def test_what_is_refused_and_why(text, message):
    with pytest.raises(EventDateError, match=message.replace('?', r'\?').replace('.', r'\.')):
        parse_event_date(text)


@pytest.mark.parametrize('text', ['1986', '0986', '1988-02', '1988-02-29', '1989-02-29', '1987-13', '1987-21',
                                  '0000', '1988-04-31', '1988-4-1'])
def test_plain_dates_read_without_the_grammar_as_the_grammar_reads_them(text):
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    from builder.chronology.dates import _point, calendar_date

    try:
        grammar = _point(parse_edtf(text), text)[0]
    except (EDTFParseException, EventDateError):
        grammar = None
    fast = calendar_date(text)
    assert fast is None or fast == grammar, (fast, grammar)  # None: left to the grammar
    # The plain, valid ones are read without the grammar (else the fast path would be dead and this test vacuous).
    assert (fast is not None) == (text in ('1986', '0986', '1988-02', '1988-02-29')), text
