"""The one date written into outputs: SOURCE_DATE_EPOCH when set, else the book's date.

Neither WeasyPrint nor ebooklib honours SOURCE_DATE_EPOCH, so the writers pass
this date explicitly; the same inputs then give the same bytes. A malformed
SOURCE_DATE_EPOCH is an error, as https://reproducible-builds.org/specs/source-date-epoch/
asks, rather than a silent fall back to another date.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the workers' module imports this one as every command starts
    from .config import BookConfig
    from .diagnostics import Diagnostics

EPOCH_VARIABLE = 'SOURCE_DATE_EPOCH'  # the environment variable of reproducible-builds.org
LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
# Zip entries can only record times from 1980 to 2107.
ZIP_RANGE = (dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc))


def check_source_date_epoch(diagnostics: Diagnostics) -> None:
    if _epoch() is None and os.environ.get(EPOCH_VARIABLE, '').strip():
        diagnostics.error('source-date-epoch', f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 "
                          f"(up to the year 9999), not '{os.environ[EPOCH_VARIABLE]}'")


def build_timestamp(config: BookConfig) -> dt.datetime:
    epoch = _epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    day = config.build_date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``moment`` as a zip entry time, moved into the range zip files can hold."""
    earliest, latest = ZIP_RANGE
    year, month, day, hour, minute, second = min(max(moment, earliest), latest).timetuple()[:6]
    return year, month, day, hour, minute, second


def _epoch() -> int | None:
    value = os.environ.get(EPOCH_VARIABLE, '').strip()
    if not value.isascii() or not value.isdigit() or int(value) > LATEST.timestamp():
        return None
    return int(value)
