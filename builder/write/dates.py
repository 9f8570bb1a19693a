"""The one date written into outputs: SOURCE_DATE_EPOCH when set, else the book's date.

Neither WeasyPrint nor ebooklib honours SOURCE_DATE_EPOCH, so the writers pass
this date explicitly; the same inputs then give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os

from ..config import BookConfig


def build_timestamp(config: BookConfig) -> dt.datetime:
    epoch = os.environ.get('SOURCE_DATE_EPOCH', '').strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    day = config.build_date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')
