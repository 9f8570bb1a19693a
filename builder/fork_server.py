"""What the workers' fork server does once, before it forks any worker (``workers.worker_context`` preloads it).

A worker is a fresh process for every part of a book (``layout/parts.py``),
forked from this server; whatever the server has done, no worker does again:

* import the builder, WeasyPrint and pikepdf (0.55 s), WeasyPrint without a
  search for a C compiler (:func:`compilers_out_of_sight`);
* parse the bundled print stylesheet, with its fonts, which every part's
  layout shares (``layout/parsed_styles.py``); the copies of its fonts that
  WeasyPrint makes are in a folder inside the build's own temporary folder
  (``SERVER_FOLDER``), which the build removes as it ends;
* lay a word out with it: WeasyPrint's first layout in a process pays for
  what it does once (cffi parses the C declarations of each type it first
  allocates, Pango and fontconfig set themselves up): 0.035 s a part,
  measured in a forked process on a part of the 50-page benchmark book; and
  hyphenate it in the book's language (``SERVER_BOOK``) and in each that two
  or more of its chapters name (``load.book_languages``), whose patterns
  WeasyPrint (Pyphen) loads once a process: 0.05 s a part in English, 0.5 s
  in German, 0.03 s for the French spans of the course pack's and the
  benchmark books' chapters (a language one chapter names is loaded by its
  part alone, rather than holding up every part);
* move what it holds out of the garbage collector's sight (``gc.freeze``):
  a worker's collections otherwise walk every object it inherited, and, by
  touching them, copy the memory it shares with the server;
* collect less often (``COLLECTION_THRESHOLD``, inherited by the workers).

Measured together, alternating with and without, a 50-page book's first
build: 7.3–8.15 s of CPU against 8.1–8.8 s.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import tempfile
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pikepdf  # noqa: F401  (imported for the workers)


@contextlib.contextmanager
def compilers_out_of_sight() -> Iterator[None]:
    """An empty PATH while WeasyPrint loads its C libraries, so that no library lookup runs gcc and ld.

    WeasyPrint tries each library's names for Windows and macOS before the
    Linux one (``libgobject-2.0-0``, ``gobject-2.0-0``, then ``gobject-2.0``);
    for each name the dynamic loader refuses, cffi asks
    ``ctypes.util.find_library``, which reads ``ldconfig -p`` and, failing
    that, links a test program with gcc, then searches with ld: 21 failed
    links and 21 searches, 84 processes (strace), 0.15 s of the server's
    start, for which the first part waited (an edited chapter's layout
    started 0.3 s after the build had sent it).
    Without a PATH neither is found; each lookup ends at ldconfig, which
    finds the same libraries (or, for names it does not know either, the
    Linux soname that WeasyPrint tries last goes to the dynamic loader,
    which searches as it always does).
    """
    path = os.environ.get('PATH')
    os.environ['PATH'] = ''  # empty, not unset: unset, shutil.which searches a default path
    try:
        yield
    finally:
        if path is None:
            del os.environ['PATH']
        else:
            os.environ['PATH'] = path


# Before the builder's modules: the server ends as Python does, clearing modules in the reverse order of their
# import, and the stylesheet's fonts that parsed_styles keeps remove their folder with WeasyPrint's functions.
with compilers_out_of_sight():
    import weasyprint

import builder.pipeline  # noqa: F401  (imported for the workers)
from builder.load import book_languages
from builder.layout.parsed_styles import bundled_print_stylesheet
from builder.workers import COLLECTION_THRESHOLD, SERVER_BOOK, SERVER_FOLDER


def prepare() -> None:
    """Parse the bundled print stylesheet and lay a word out with it, in the server's folder: a head start only,
    which fails silently. A build that ends early (an error, Ctrl-C) removes the folder, maybe before the server has
    started: then it serves no one. Anything else that fails here fails again in a layout, reported there."""
    try:
        if SERVER_FOLDER in os.environ:
            tempfile.tempdir = tempfile.mkdtemp(dir=os.environ[SERVER_FOLDER])
    except OSError:
        return
    log = logging.getLogger('weasyprint')
    level = log.level
    log.setLevel(logging.CRITICAL)  # setLevel, not the attribute: the workers inherit the logger's cache of it
    try:
        fonts, stylesheet = bundled_print_stylesheet()  # in the bundled book font: the build needs no system font
        # Too wide for its line: hyphenated, in each of the book's languages, whose patterns the workers then have.
        word = ''.join(f'<p lang="{escape(language)}" style="hyphens: auto; width: 3em">Warm hyphenation</p>'
                       for language in _book_languages())
        weasyprint.HTML(string=word).render(stylesheets=[stylesheet], font_config=fonts).write_pdf()
    except Exception:  # noqa: BLE001
        pass
    finally:
        log.setLevel(level)


def _book_languages() -> list[str]:
    return (book_languages(Path(os.environ[SERVER_BOOK])) if SERVER_BOOK in os.environ else []) or ['en']


prepare()
gc.collect()
gc.freeze()
gc.set_threshold(COLLECTION_THRESHOLD)
