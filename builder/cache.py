"""Skip work whose inputs did not change, by content, under ``BOOK/.coursepack-cache/``.

A build reads only the book folder and the bundled styles (``fetcher.py``), so
the book is up to date when every file of the book folder (``inputs.book_files``:
outputs, tool and dot folders aside) has the content it had at the last successful build, the
builder and the options are the same, and the outputs are the files that
build wrote. File contents are compared by SHA-256; size and modification time
only decide which files need hashing again, as ``make`` would, so touching a
file costs a hash, not a build.

The same folder keeps the last page map of each output with the key of the book it was laid out from
(``pages/``, ``layout/known_pages.py``) and
laid-out parts of the PDF (``parts/``), keyed by the hash of everything that
decides their layout; see ``layout/parts_cache.py``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat as stat_module
import sys
import sysconfig
import tempfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .containment import contained
from .diagnostics import Diagnostic, Diagnostics, Level, SourceLocation
from .inputs import book_files

if TYPE_CHECKING:
    from .config import BookConfig
    from .model import PageMap

CACHE_DIR = '.coursepack-cache'
RECORD = 'builds'  # the last successful build, one record per set of options
PAGES = 'pages'  # the last page map of each output, by output name
DOCUMENTS = 'documents'  # the documents of each EPUB and web edition, as written, by output file name
# Inputs that reach the outputs only through the rendered text, which part keys already hash.
TEXT_INPUTS = ('.md', '.yaml', '.yml', '.json', '.bib')
BUILDER_DIR = Path(__file__).resolve().parent

# path -> (size, mtime_ns, sha256)
Signature = dict[str, tuple[int, int, str]]


@dataclass(frozen=True)
class Unchanged:
    """What an up-to-date build reports: the outputs already there, the warnings they were built with."""

    outputs: list[Path]
    diagnostics: list[Diagnostic]


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def signature(paths: list[Path], base: Path, previous: Signature | None = None) -> Signature:
    """Size, mtime and content hash of each file; hashes are reused from ``previous`` where size and mtime match."""
    previous = previous or {}
    result: Signature = {}
    for path in paths:
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if path.is_symlink() and contained(base, path) is None:
            # A link out of the book, which the build refuses: known by where it leads, never read
            # (hashing a link to /dev/zero would never end).
            result[name] = (0, 0, f'link to {path.resolve()}')
            continue
        if not stat_module.S_ISREG(stat.st_mode):
            result[name] = (0, 0, 'not a regular file')  # a named pipe would be read for ever; the build refuses it
            continue
        known = previous.get(name)
        if known and tuple(known[:2]) == (stat.st_size, stat.st_mtime_ns):
            result[name] = tuple(known)  # type: ignore[assignment]
            continue
        try:
            result[name] = (stat.st_size, stat.st_mtime_ns, file_hash(path))
        except OSError:
            continue  # left out, as if missing: the build then reads it and reports the problem, located
    return result


def _content(path: Path) -> str:
    try:
        return file_hash(path)
    except OSError:
        return 'unreadable'  # reported by the build, which then fails


def file_hash(path: Path) -> str:
    with path.open('rb') as f:
        return hashlib.file_digest(f, 'sha256').hexdigest()


def same_contents(a: Signature, b: Signature) -> bool:
    return a.keys() == b.keys() and all(a[k][2] == b[k][2] for k in a)


def builder_key(options: Any) -> str:
    """What besides the book decides the outputs: this builder's code and styles, the libraries it runs on, the
    options, the date."""
    # zlib: the system's, which Python links to; the kept parts hold pages it compressed (layout/page_contents.py)
    parts = [__version__, sys.version, repr(options), os.environ.get('SOURCE_DATE_EPOCH', ''), _builder_files(),
             _libraries(), zlib.ZLIB_RUNTIME_VERSION, _system_fonts()]
    return hashlib.sha256('\n'.join(parts).encode()).hexdigest()


@functools.cache
def _system_fonts() -> str:
    """The fonts of the system and fontconfig's settings, by name, size and time (1.5 ms for 87 files): a book's
    stylesheet may name a font of the system, and fontconfig finds one for a character no bundled font has; the
    outputs and the layouts kept depend on which it finds."""
    return '\n'.join(system_fonts_signature(os.environ))


def system_fonts_signature(environ: Mapping[str, str]) -> list[str]:
    """What fontconfig reads, in the usual places: its settings (``/etc/fonts``, ``FONTCONFIG_FILE`` and
    ``FONTCONFIG_PATH``) and the folders of fonts of the system and of the user."""
    home = Path(environ.get('HOME', '~')).expanduser()
    data = Path(environ['XDG_DATA_HOME']) if environ.get('XDG_DATA_HOME') else home / '.local' / 'share'
    places = [Path('/etc/fonts'), Path('/usr/share/fonts'), Path('/usr/local/share/fonts'), home / '.fonts',
              data / 'fonts', *(Path(environ[name]) for name in ('FONTCONFIG_FILE', 'FONTCONFIG_PATH')
                                if environ.get(name))]
    found = [f"{name}={environ.get(name, '')}" for name in ('FONTCONFIG_FILE', 'FONTCONFIG_PATH')]
    for place in places:
        paths = [place] if place.is_file() else sorted(p for p in place.rglob('*') if p.is_file()) \
            if place.is_dir() else []
        for path in paths:
            with contextlib.suppress(OSError):
                stat = path.stat()
                found.append(f'{path}:{stat.st_size}:{stat.st_mtime_ns}')
    return found


@functools.cache
def _libraries() -> str:
    """The name and version of every library installed beside the builder's (the names of the ``.dist-info``
    folders: 0.1 ms): a new WeasyPrint or markdown-it lays out or parses differently, and what was kept from the
    last build's (parts, parses) must not outlive it."""
    folders = {sysconfig.get_path('purelib'), sysconfig.get_path('platlib')}
    with contextlib.suppress(OSError):
        return '\n'.join(sorted(name for folder in folders for name in os.listdir(folder)
                                if name.endswith('.dist-info')))
    return ''


@functools.cache
def _builder_files() -> str:
    """The builder's files, each with its size and time: read once a process (a build asks 8 to 10 times, 0.01 s
    each), as the code that runs is the code the process started with."""
    files = []
    for path in sorted(BUILDER_DIR.rglob('*')):
        if path.is_file() and '__pycache__' not in path.parts:
            stat = path.stat()
            files.append(f'{path.name}:{stat.st_size}:{stat.st_mtime_ns}')
    return '\n'.join(files)


def record_slot(options: Any) -> str:
    """Where the last build with these options is recorded: ``build`` and ``handouts`` keep theirs apart."""
    return hashlib.sha256(repr(options).encode()).hexdigest()[:16]


def up_to_date(root: Path, options: Any) -> Unchanged | None:
    """The last build's outputs if nothing that decides them changed since, else None."""
    out_dir = options.out_dir or root / 'dist'
    key, slot = builder_key(options), record_slot(options)
    record = _read_record(root, slot)
    if record is None or record.get('key') != key:
        return None
    inputs = signature(book_files(root, (out_dir,)), root, _signature(record['inputs']))
    if not same_contents(inputs, _signature(record['inputs'])):
        return None
    outputs = [root / name for name in record['outputs']]  # names are relative to the book, or absolute
    if not same_contents(signature(outputs, root, _signature(record['outputs'])), _signature(record['outputs'])):
        return None
    if record.get('layouts') is not None and not same_contents(layout_keys(root), _signature(record['layouts'])):
        return None  # an EPUB built alone, and a PDF built since: its page numbers are now known
    if inputs != _signature(record['inputs']):  # touched, not changed: remember the new times
        _write_record(root, slot, {**record, 'inputs': inputs})
    return Unchanged(outputs, [diagnostic_from_json(d) for d in record['diagnostics']])


def remember_build(root: Path, options: Any, inputs: Signature, outputs: list[Path],
                   diagnostics: Diagnostics, *, read_layouts: bool = False) -> None:
    """Record a successful build: the inputs as they were when it started, the outputs it wrote, and for a
    build that laid nothing out (``read_layouts``) the layouts whose page numbers it could take."""
    _write_record(root, record_slot(options), {
        'key': builder_key(options),
        'inputs': inputs,
        'outputs': signature(outputs, root),
        'layouts': layout_keys(root) if read_layouts else None,
        'diagnostics': [asdict(d) for d in diagnostics],
    })


def layout_keys(root: Path) -> Signature:
    """The keys of the last layout of every output (``layout/known_pages.py``)."""
    return signature(sorted((cache_dir(root) / PAGES).rglob('*.layout.json')), root)


def _read_record(root: Path, slot: str) -> dict | None:
    try:
        return json.loads((cache_dir(root) / RECORD / f'{slot}.json').read_text())
    except (OSError, ValueError):
        return None


def _write_record(root: Path, slot: str, record: dict) -> None:
    write_json(cache_dir(root) / RECORD / f'{slot}.json', record)


def _signature(data: dict) -> Signature:
    return {k: tuple(v) for k, v in data.items()}  # type: ignore[misc]


def diagnostic_from_json(data: dict) -> Diagnostic:
    location = SourceLocation(**data['location']) if data.get('location') else None
    return Diagnostic(Level(data['level']), data['code'], data['message'], location)


@dataclass(frozen=True)
class OutputCache:
    """What one build keeps for its outputs: their last page maps and laid-out parts (when caching is on)."""

    root: Path
    inputs: Signature  # the book's files as the build started
    enabled: bool = True
    settings: tuple[tuple[str, Any], ...] = ()  # book.yaml's settings given on the command line (--paper …)

    def page_map(self, stem: str) -> PageMap | None:
        return load_page_map(self.root, stem) if self.enabled else None

    def first_guess(self, stem: str, config: BookConfig) -> PageMap | None:
        """The last page map of ``stem`` as a layout's first guess at its pages, unless what moves every page
        changed since (:meth:`page_geometry`): then pages estimated from the text are a better one. From the last
        page map, the course pack after a change of paper size took 11.4 s to build, a clean build 10.1 s."""
        pages = self.page_map(stem)
        try:
            saved = json.loads((cache_dir(self.root) / PAGES / f'{stem}.geometry.json').read_text()) if pages else None
        except (OSError, ValueError):
            return None
        return pages if saved == self.page_geometry(config) else None

    def save_page_map(self, stem: str, pages: dict[str, int], config: BookConfig) -> None:
        """Keep the settled page map of ``stem``, with the key of the book laid out (:meth:`book_key`), for an
        EPUB built alone (``layout/known_pages.py``), and the page geometry it was laid out in
        (:meth:`first_guess`)."""
        if self.enabled:
            save_page_map(self.root, stem, pages)
            write_json(cache_dir(self.root) / PAGES / f'{stem}.layout.json', self.book_key())
            write_json(cache_dir(self.root) / PAGES / f'{stem}.geometry.json', self.page_geometry(config))

    def page_geometry(self, config: BookConfig) -> str:
        """What moves every page when it changes: the paper, the sides printed on, the language (its
        hyphenation), the book's stylesheets and the files they use (fonts)."""
        return contents_key(json.dumps([config.paper, config.sides, config.language]), self.inputs,
                            lambda name: name.startswith('styles/'))

    def layout_key(self, stem: str) -> str | None:
        """The key of the book whose layout the last page map of ``stem`` was read off."""
        try:
            return json.loads((cache_dir(self.root) / PAGES / f'{stem}.layout.json').read_text()) if self.enabled \
                else None
        except (OSError, ValueError):
            return None

    def book_key(self) -> str:
        """What decides every output's pages: the builder, the content of every file of the book, the settings
        given on the command line and the date."""
        return contents_key(builder_key(('layout', self.settings)), self.inputs)

    def parts_folder(self, stem: str) -> Path | None:
        """Where the laid-out parts of an output are kept; None: in a temporary folder, for this build only."""
        return cache_dir(self.root) / 'parts' / stem if self.enabled else None

    def outputs_folder(self, stem: str = '') -> Path:
        """Where the last files of an output are kept (``write/kept_outputs.py``); without a stem, those of all."""
        return cache_dir(self.root) / 'outputs' / stem

    def fonts_folder(self) -> Path | None:
        """Where the fonts subset for an EPUB or a web edition are kept (``write/epub_fonts.py``)."""
        return cache_dir(self.root) / 'fonts' if self.enabled else None

    def documents_folder(self, name: str) -> Path | None:
        """Where the documents of the output file ``name`` are kept, as an EPUB or a web edition wrote them
        (``write/documents.py``); ``''``: those of every output."""
        return cache_dir(self.root) / DOCUMENTS / name if self.enabled else None

    def contents_folder(self) -> Path | None:
        """Where the join of a PDF's parts keeps the page contents it compressed (``write/pdf.py``)."""
        return cache_dir(self.root) / 'contents' if self.enabled else None

    def parts_salt(self, named: Sequence[str] = ()) -> str:
        """What, besides a part's HTML, decides its layout: the builder, the book's non-text files, and the files of
        ``named`` wherever they are (``named_contents``)."""
        return assets_key(self.inputs, builder_key(('parts', self.named_contents(named))))

    @functools.cached_property
    def stylesheet_files(self) -> dict[str, tuple[str, ...]]:
        """The files (book-relative) that each of the book's own stylesheets, ``styles/<medium>.css``, names: read
        once a build, for the parts' key and each output's kept files."""
        from .stylesheets import stylesheet_resources  # here: the up-to-date check imports this module

        return {medium: stylesheet_resources(self.root, f'styles/{medium}.css') for medium in ('print', 'epub', 'web')}

    def named_contents(self, names: Sequence[str]) -> list[tuple[str, str]]:
        """The hash of each of these files of the book (book-relative), as the build's inputs have it, or read: a
        file in a folder the inputs leave out (a dot folder, ``dist/``) is no input, but a chapter can show it as an
        image, and a stylesheet name it (a part or an output taken for the one made before it changed was stale)."""
        return [(name, self.inputs[name][2] if name in self.inputs else _content(self.root / name)) for name in names]


def load_page_map(root: Path, stem: str) -> PageMap | None:
    """The page map of the last build of an output: a guess at where its parts start, and at the numbers it prints."""
    from .model import PageMap  # here: the up-to-date check imports this module, and must start fast

    try:
        return PageMap(json.loads((cache_dir(root) / PAGES / f'{stem}.json').read_text()))
    except (OSError, ValueError, TypeError):
        return None


def save_page_map(root: Path, stem: str, pages: dict[str, int]) -> None:
    write_json(cache_dir(root) / PAGES / f'{stem}.json', pages)


def assets_key(inputs: Signature, key: str) -> str:
    """The hash of what, besides a part's HTML, decides its layout: the builder and the book's non-text files."""
    return contents_key(key, inputs, lambda name: not name.endswith(TEXT_INPUTS))


def contents_key(key: str, inputs: Signature, taken: Callable[[str], bool] = lambda name: True) -> str:
    """The hash of ``key`` and of the content of the files of ``inputs`` whose names ``taken`` takes."""
    files = sorted((name, sha) for name, (_, _, sha) in inputs.items() if taken(name))
    return hashlib.sha256(json.dumps([key, files]).encode()).hexdigest()


def write_json(path: Path, data: Any) -> None:
    write_bytes(path, json.dumps(data).encode())


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a build stopped half-way leaves no half file for the next to read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, suffix='.part')
    with os.fdopen(fd, 'wb') as f:
        f.write(data)
    os.replace(name, path)


def kept_bytes(folder: Path, name: str, keep: int | None, make: Callable[[], bytes]) -> bytes:
    """The file ``name`` of ``folder``, made by ``make()`` and kept there when missing; of the files with its
    suffix, only the ``keep`` most recently used stay (``None``: the caller prunes them, once for many files)."""
    path = folder / name
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        mark_used(path)
        return data
    data = make()
    write_bytes(path, data)
    if keep is not None:
        keep_recent(folder, f'*{path.suffix}', keep)
    return data


def mark_used(path: Path) -> None:
    """Date ``path`` now, as recently used, so that :func:`keep_recent` keeps it; not ``touch``, which would make
    an empty file of one that another process of the build (a handout's worker) has just pruned."""
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)


def keep_recent(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently used files of ``folder`` that match ``pattern``.

    The workers that write handouts side by side prune the same folders: a
    file another has deleted since the listing is passed over (it stopped a
    build of an 800-page book's handouts with an internal error).
    """
    dated = []
    for path in folder.glob(pattern):
        with contextlib.suppress(FileNotFoundError):
            dated.append((path.stat().st_mtime_ns, path))
    for _, old in sorted(dated, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
