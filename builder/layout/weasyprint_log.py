"""WeasyPrint's log, read as diagnostics: while one document is laid out or written, and in a part's worker.

WeasyPrint reports problems (an image it cannot load, a CSS property it does
not know) on the ``weasyprint`` logger. While it works, one handler turns each
record into the line an author reads (:func:`layout_message`) and passes it on:
to the build's diagnostics, or to a list a worker process sends back with its
part (:func:`collected_messages`), reported once for all parts
(:func:`report_messages`).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote

from ..diagnostics import Diagnostics
from ..fetcher import BOOK_URL, STYLES_URL

# Notices not passed on: about the machine's libraries, which an author can do nothing about, and about
# characters no font has, which check reports once per line of the book (fonts.py) rather than per character.
UNREPORTED_NOTICES = ('Using fontTools instead of HarfBuzz-Subset', '.notdef glyph rendered for')
# WeasyPrint's message for a link to a place that no page has ("No anchor #ID for internal URI reference"): one
# the print styles hide (``display: none``). It leaves the link out and prints its text, as the join of a book's
# parts does (``write/pdf.py``): a warning, in one document as in parts, where a part's links into the others
# have no anchor in it either (:func:`report_unlinked`).
UNLINKED = 'No anchor #'
_UNLINKED_END = ' for internal URI reference'
# The virtual URLs the fetcher serves files under, and how an author knows those files.
_VIRTUAL_URL = re.compile(f"({re.escape(BOOK_URL)}|{re.escape(STYLES_URL)})([^\\s'\"]*)")
_SHOWN_ROOT = {BOOK_URL: '', STYLES_URL: 'the bundled styles/'}


def layout_message(record: logging.LogRecord) -> str:
    """A WeasyPrint log record as an author reads it: files by their path in the book, never by the
    virtual URL the fetcher serves them under, and a reason even where the exception had no message
    ("Failed to load image at …: " said nothing more)."""
    args = record.args if isinstance(record.args, tuple) else ()
    shown = tuple(type(a).__name__ if isinstance(a, BaseException) and not str(a).strip() else a for a in args)
    message = str(record.msg) % shown if shown else record.getMessage()
    return _VIRTUAL_URL.sub(lambda m: _SHOWN_ROOT[m.group(1)] + unquote(m.group(2)), message.splitlines()[0])


def report_message(diagnostics: Diagnostics, level: int, message: str) -> bool:
    """One WeasyPrint message as a diagnostic: its errors fail the build, the rest are warnings; whether it was
    reported as an error."""
    if message.startswith(UNLINKED):
        report_unlinked(diagnostics, message.removeprefix(UNLINKED).removesuffix(_UNLINKED_END))
    elif level >= logging.ERROR:
        diagnostics.error('pdf', message)
        return True
    else:
        diagnostics.warning('pdf-style', message)
    return False


def report_unlinked(diagnostics: Diagnostics, target: str) -> None:
    """A link of the book's to ``target``, which no page of the PDF has: the PDF prints its text, unlinked."""
    diagnostics.warning('link-unprinted', f"links lead to '#{target}', which no page of the PDF prints (do the "
                        "print styles hide it?): the PDF shows their text without the link")


def report_messages(messages: Iterable[tuple[int, str]], diagnostics: Diagnostics) -> None:
    """Messages of several layouts of the same stylesheets (the parts of a book), each reported once."""
    for level, message in dict.fromkeys(messages):
        report_message(diagnostics, level, message)


@contextlib.contextmanager
def weasyprint_diagnostics(diagnostics: Diagnostics) -> Iterator[Callable[[], bool]]:
    """Turn WeasyPrint's log records into diagnostics while it works, each once (as the parts' are,
    :func:`report_messages`); yield whether any was an error."""
    errors = 0
    reported: set[tuple[int, str]] = set()

    def report(level: int, message: str) -> None:
        nonlocal errors
        if (level, message) not in reported:
            reported.add((level, message))
            errors += report_message(diagnostics, level, message)

    with _logged_to(report, UNREPORTED_NOTICES):
        yield lambda: errors > 0


@contextlib.contextmanager
def collected_messages(messages: list[tuple[int, str]], unreported: tuple[str, ...] = ()) -> Iterator[None]:
    """Collect WeasyPrint's log records as (level, message) while it works, leaving out ``unreported`` too."""
    with _logged_to(lambda level, message: messages.append((level, message)), (*UNREPORTED_NOTICES, *unreported)):
        yield


@contextlib.contextmanager
def _logged_to(report: Callable[[int, str], None], unreported: tuple[str, ...]) -> Iterator[None]:
    handler = _Handler(report, unreported)
    logger = logging.getLogger('weasyprint')
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


class _Handler(logging.Handler):
    def __init__(self, report: Callable[[int, str], None], unreported: tuple[str, ...]) -> None:
        super().__init__(logging.WARNING)
        self.report = report
        self.unreported = unreported

    def emit(self, record: logging.LogRecord) -> None:
        message = layout_message(record)
        if not message.startswith(self.unreported):
            self.report(record.levelno, message)
