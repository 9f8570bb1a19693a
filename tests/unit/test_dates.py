"""The one date written into outputs: SOURCE_DATE_EPOCH, else the book's date; zip entries' times."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.config import BookConfig
from builder.diagnostics import Diagnostics
from builder.dates import build_timestamp, check_source_date_epoch, iso, zip_time

UTC = dt.timezone.utc
BOOK = BookConfig(title='T', date='2024-01-15')


def test_zip_times_are_kept_within_1980_to_2107():
    assert zip_time(dt.datetime(2024, 1, 15, 12, 30, 45, tzinfo=UTC)) == (2024, 1, 15, 12, 30, 45)
    assert zip_time(dt.datetime(1970, 1, 1, tzinfo=UTC)) == (1980, 1, 1, 0, 0, 0)
    assert zip_time(dt.datetime(2200, 6, 1, tzinfo=UTC)) == (2107, 12, 31, 23, 59, 58)


def test_the_book_date_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv('SOURCE_DATE_EPOCH', raising=False)
    assert iso(build_timestamp(BOOK)) == '2024-01-15T00:00:00Z'
    assert iso(build_timestamp(BookConfig(title='T'))) == '1970-01-01T00:00:00Z'  # no date at all


@pytest.mark.parametrize('value, expected', [
    ('0', '1970-01-01T00:00:00Z'),
    (' 86400 ', '1970-01-02T00:00:00Z'),  # spaces around it are allowed
    ('1705320000', '2024-01-15T12:00:00Z'),
    ('253402300799', '9999-12-31T23:59:59Z'),  # the last second there is
])
def test_source_date_epoch_wins(monkeypatch, value, expected):
    monkeypatch.setenv('SOURCE_DATE_EPOCH', value)
    diagnostics = Diagnostics()
    check_source_date_epoch(diagnostics)
    assert not list(diagnostics)
    assert iso(build_timestamp(BOOK)) == expected


@pytest.mark.parametrize('value', ['yesterday', '-1', '1.5', '253402300800', '\u0661\u0662'])  # the last: Arabic-Indic 12
def test_a_malformed_source_date_epoch_is_an_error_not_another_date(monkeypatch, value):
    monkeypatch.setenv('SOURCE_DATE_EPOCH', value)
    diagnostics = Diagnostics()
    check_source_date_epoch(diagnostics)
    assert [d.code for d in diagnostics] == ['source-date-epoch']
    assert value in diagnostics.errors[0].message


def test_an_empty_source_date_epoch_is_unset(monkeypatch):
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '  ')
    diagnostics = Diagnostics()
    check_source_date_epoch(diagnostics)
    assert not list(diagnostics)
    assert iso(build_timestamp(BOOK)) == '2024-01-15T00:00:00Z'
