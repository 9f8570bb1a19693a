"""Outputs whose rendering did not change since the last build: their files are taken from that build, not laid
out and written again.

An output's files are a function of what they are made from: its settled
rendering (every document, with the page numbers it prints, and the book's
settings), the book's other files (images, stylesheets, fonts: those the
build's inputs list, ``cache.assets_key``, and any other that the rendering or
the book's stylesheets name), the builder, the libraries and the date, and the
formats asked for. A layout starts from the rendering printed from the last
build's page map of the output (``layout.first_rendering``): when that
rendering is the last build's settled one, its layout would give the same
pages, so it would be settled at once, and every file written from it would
have the last build's bytes. Those are taken instead: an edit of one chapter
then writes again only the handouts whose rendering it changed (that
chapter's, and those printing pages it moved), and only the editions it is in.

The fonts of the system, which a book's stylesheet may name and fontconfig
may find for a character no bundled font has, are in the builder's key
(``cache.system_fonts_signature``: the usual places fontconfig reads, by name,
size and time), as for every cache: a font installed or removed there makes
the outputs again.

Each output keeps its last files in ``.coursepack-cache/outputs/<stem>/``:
hard links to the files written, with the size and time each had, and the
warnings its layout and writers gave, which are reported again. A file changed
in place since (through its link in the output folder) is not taken; one taken
is copied into the output folder (so that a taken output's bytes are then on
disk twice, until it is written again).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ..cache import OutputCache, assets_key, builder_key, diagnostic_from_json, write_json
from ..diagnostics import Diagnostic, Diagnostics
from ..layout.parts import documents_digest, settings_digest
from ..layout.settle import UNSETTLED
from ..model import RenderedBook
from ..options import BuildOptions

RECORD = 'record.json'  # beside the files, in the output's folder


class KeptOutput:
    """The last files of one output (``stem``, written in each format of ``targets``: format -> staged path)."""

    def __init__(self, cache: OutputCache, stem: str, targets: dict[str, Path], options: BuildOptions) -> None:
        self.folder = cache.outputs_folder(stem)
        self.targets = targets
        self.cache = cache
        # What decides the files besides the rendering: the book's files, and those its stylesheets name wherever
        # they are (read once here, not for each key); the web edition links the other formats of the build
        resources = sorted({name for names in cache.stylesheet_files.values() for name in names})
        self.salt = assets_key(cache.inputs, builder_key(('outputs', stem, sorted(targets), sorted(options.formats),
                                                          options.booklet, options.jobs == 1,
                                                          cache.named_contents(resources))))

    def key(self, rendered: RenderedBook) -> str:
        pages = sorted((rendered.pages or {}).items())
        everything = tuple(range(len(rendered.documents)))
        images = self.cache.named_contents(sorted(rendered.images))
        return hashlib.sha256(json.dumps([self.salt, settings_digest(rendered), documents_digest(rendered, everything),
                                          pages, images]).encode()).hexdigest()

    def taken(self, first: RenderedBook, diagnostics: Diagnostics) -> bool:
        """Whether the output was made from ``first`` (its layout's first rendering) by the last build: then its
        files are put in the targets, and its warnings reported."""
        key = self.key(first)
        record = self._record(key)
        if record is None:
            return False
        try:
            for fmt, target in self.targets.items():
                _copied(self.folder / fmt, target)
            # Read again: another build of the book (into another output folder) may have kept its own meanwhile
            taken = self._record(key) == record
        except OSError:
            taken = False
        if not taken:
            for target in self.targets.values():  # left as staged, empty, for the writers
                _emptied(target)
            return False
        diagnostics.extend(diagnostic_from_json(d) for d in record['diagnostics'])
        return True

    def _record(self, key: str) -> dict | None:
        """The record of the files kept, if they were made from a rendering of hash ``key``, for these formats,
        and are as they were written (a file changed in place since has another size or time)."""
        try:
            record = json.loads((self.folder / RECORD).read_text())
            if record['key'] != key or sorted(record['files']) != sorted(self.targets):
                return None
            for fmt, files in record['files'].items():
                kept = self.folder / fmt
                for name, (size, mtime) in files.items():
                    stat = (kept / name if name else kept).stat()
                    if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                        return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return record

    def keep(self, settled: RenderedBook, diagnostics: list[Diagnostic]) -> None:
        """Keep the files just written from ``settled``, and the warnings given on the way, for the next build.

        Made in a folder of its own, then put in the output's place, whole. Not for a layout whose page numbers
        never settled: laid out again from its last pages, it would not give the same."""
        if any(d.code == UNSETTLED for d in diagnostics):
            return
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            made = Path(tempfile.mkdtemp(prefix=f'.{self.folder.name}.', dir=self.folder.parent))
        except OSError:
            return  # a cache folder that cannot be written to: the next build makes the output again
        try:
            files = {}
            for fmt, target in self.targets.items():
                kept = made / fmt
                _linked(target, kept)
                paths = sorted(p for p in kept.rglob('*') if p.is_file()) if kept.is_dir() else [kept]
                files[fmt] = {('' if p == kept else p.relative_to(kept).as_posix()):
                              (p.stat().st_size, p.stat().st_mtime_ns) for p in paths}
            write_json(made / RECORD, {'key': self.key(settled), 'files': files,
                                       'diagnostics': [asdict(d) for d in diagnostics]})
            shutil.rmtree(self.folder, ignore_errors=True)
            os.rename(made, self.folder)
        except OSError:
            pass  # not kept: the next build makes the output again
        finally:
            shutil.rmtree(made, ignore_errors=True)  # left only when not put in place


def forget_other_outputs(folder: Path, stems: list[str]) -> None:
    """Delete the files kept in ``folder`` for an output the book no longer has (a chapter's handout, a chapter
    deleted since; an edition's, the book retitled): only ``stems`` are kept."""
    wanted = {folder / stem for stem in stems}
    for record in sorted(folder.rglob(RECORD)):
        if record.parent not in wanted:
            shutil.rmtree(record.parent, ignore_errors=True)
    for made in sorted(folder.rglob('.*')):  # what a build stopped while keeping an output left (``keep``)
        shutil.rmtree(made, ignore_errors=True)


def _linked(source: Path, target: Path) -> None:
    """``target`` made the file, or the folder of files, ``source`` is: hard links, or copies where a link cannot be
    made (another file system)."""
    _copied(source, target, _link_or_copy)


def _copied(source: Path, target: Path, copy: Callable[[str | Path, str | Path], object] = shutil.copyfile) -> None:
    """``source``, a file or a folder of files, copied to ``target`` (which a staged output is already: an empty
    file or folder). Copied, not linked, into an output folder: a staged file renamed over a link to the same file
    would stay where it is (``rename`` does nothing then)."""
    if source.is_dir():
        shutil.copytree(source, target, copy_function=copy, dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        copy(source, target)


def _emptied(target: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
        target.mkdir()
    else:
        target.unlink(missing_ok=True)
        target.touch()


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)

