"""The chronology: ``chronology.yaml`` loaded with its EDTF dates checked, passages tied to events, date order.

The file's order does not matter: entries are sorted by date (then kept in
file order for equal dates). Each event lists the passages of the book that
``[…]{.event key=…}`` ties to it.
"""

from __future__ import annotations

from ..config import BookConfig
from ..datafile import entries, optional_text, text_list
from ..diagnostics import Diagnostics, did_you_mean
from ..model import Book, ChronologyEntry, Event, Notes, ParsedChapter, Use, marked
from .dates import EventDateError, parse_event_date

FIELDS = ('key', 'date', 'text', 'label', 'sources', 'tags')


def load_chronology(config: BookConfig, diagnostics: Diagnostics) -> tuple[Event, ...]:
    if not config.chronology:
        return ()
    events = []
    for item in entries(config.root, config.chronology, FIELDS, ('key', 'text'), diagnostics):
        raw = item.get('date')
        if raw is None:
            diagnostics.error('data-missing-field', "the field 'date' is missing", item.where('key'))
            continue
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)  # an unquoted year is unambiguous
        if not isinstance(raw, str):
            diagnostics.error('event-date', f"the date must be quoted EDTF text such as \"1988-04-14\", not {raw!r}",
                              item.where_value('date'))
            continue
        try:
            date = parse_event_date(raw)
        except EventDateError as exc:
            diagnostics.error('event-date', str(exc), item.where_value('date'))
            continue
        sources = optional_text(item, 'sources', diagnostics)
        if sources is None:
            diagnostics.warning('event-no-source', f"the event '{item['key']}' gives no source: add "
                                'sources: "[@key, p. N]"', item.where('key'))
        events.append(Event(
            key=item['key'], date=date, text=item['text'], sources=sources,
            tags=tuple(tag for tag, _ in text_list(item, 'tags', diagnostics)),
            label=optional_text(item, 'label', diagnostics),
            location=item.where('key'), text_at=item.where('text'), sources_at=item.where('sources'),
        ))
    return tuple(events)


def resolve_chronology(book: Book, chapters: tuple[ParsedChapter, ...], notes: Notes,
                       diagnostics: Diagnostics) -> tuple[ChronologyEntry, ...]:
    events = {e.key: e for e in book.events}
    uses: dict[str, list[Use]] = {key: [] for key in events}
    for parsed, token in marked(chapters, 'event_open'):
        meta, where = token.meta, token.meta['loc']
        key = meta['key']
        if key is None:
            diagnostics.error('event-key-missing', 'an event passage names its event: '
                              f"[{meta['text']}]{{.event key=…}}", where)
        elif key not in events and not book.knows_all('chronology'):
            continue
        elif key not in events:
            if events:
                message = f"no event '{key}' in {book.config.chronology}{did_you_mean(key, events)}"
            else:
                message = f"no event '{key}': the book has no chronology (chronology.yaml)"
            diagnostics.error('event-unknown', message, where)
        else:
            uses[key].append(Use(meta['id'], parsed.chapter.id, meta['text'], where))
    result = [ChronologyEntry(event, notes.events[event.key], notes.event_sources.get(event.key), tuple(uses[event.key]))
              for event in book.events]
    return tuple(sorted(result, key=lambda e: e.event.date.sort_key))
