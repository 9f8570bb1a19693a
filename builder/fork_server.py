"""What the workers' fork server does once, before it forks any worker (``workers.worker_context`` preloads it).

A worker is a fresh process for every part of a book (``layout/parts.py``),
forked from this server; whatever the server has done, no worker does again:

* import the builder, WeasyPrint and pikepdf (0.8 s);
* lay a page out: WeasyPrint's first layout in a process pays for what it
  does once (cffi parses the C declarations of each type it first allocates,
  Pango and fontconfig set themselves up): 0.035 s a part, measured in a
  forked process on a part of the 50-page benchmark book;
* parse the bundled print stylesheet, with its fonts, which every part's
  layout shares (``layout/parsed_styles.py``); the copies of its fonts that
  WeasyPrint makes are in a folder inside the build's own temporary folder
  (``SERVER_FOLDER``), which the build removes as it ends;
* move what it holds out of the garbage collector's sight (``gc.freeze``):
  a worker's collections otherwise walk every object it inherited, and, by
  touching them, copy the memory it shares with the server;
* collect less often (``COLLECTION_THRESHOLD``, inherited by the workers).

Measured together, alternating with and without, a 50-page book's first
build: 7.3–8.15 s of CPU against 8.1–8.8 s.
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile

import pikepdf  # noqa: F401  (imported for the workers)
import weasyprint

import builder.pipeline  # noqa: F401  (imported for the workers)
from builder.fetcher import STYLES_URL, BookFetcher
from builder.layout.parsed_styles import bundled_print_stylesheet
from builder.resources import STYLES
from builder.workers import COLLECTION_THRESHOLD, SERVER_FOLDER


def prepare() -> None:
    """Lay a page out and parse the bundled print stylesheet, in the server's folder: a head start only, which
    fails silently. A build that ends early (an error, Ctrl-C) removes the folder, maybe before the server has
    started: then it serves no one. Anything else that fails here fails again in a layout, reported there."""
    try:
        if SERVER_FOLDER in os.environ:
            tempfile.tempdir = tempfile.mkdtemp(dir=os.environ[SERVER_FOLDER])
    except OSError:
        return
    log = logging.getLogger('weasyprint')
    level, log.level = log.level, logging.CRITICAL
    try:
        warm_up()
        bundled_print_stylesheet()
    except Exception:  # noqa: BLE001
        pass
    finally:
        log.level = level


def warm_up() -> None:
    """Lay out and write a word in the bundled book font (a system font may be missing: the build needs none)."""
    page = (f'<style>@font-face {{ font-family: warm; src: url("{STYLES_URL}fonts/GentiumBookPlus-Regular.ttf") }}'
            ' p { font-family: warm }</style><p>Warm</p>')
    weasyprint.HTML(string=page, url_fetcher=BookFetcher(STYLES)).render().write_pdf()


prepare()
gc.collect()  # the page's font copy, which WeasyPrint removes as its document is collected
gc.freeze()
gc.set_threshold(COLLECTION_THRESHOLD)
