"""``coursepack watch``: rebuild the book whenever one of its inputs changes.

The watcher builds once, then waits on file-system events (watchfiles) in the
book folder. A batch of events leads to a rebuild only if the content of the
book's inputs (:func:`~builder.inputs.input_files`) changed: saving a file unchanged, touching
it, or editing a file the build does not read costs a hash, not a build; so
does undoing an error back to the last good state, whose outputs are still in
``dist/``. A failed build is reported like any other and the watcher goes on
waiting; an internal error is reported too, and does not stop it.

What a rebuild re-does is up to the ``rebuild`` callable: state that should
live from one rebuild to the next (caches of parsed chapters) belongs to it,
not to this loop.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from watchfiles import Change, DefaultFilter
from watchfiles import watch as watch_changes

from .cache import cache_dir
from .inputs import inputs_digest
from .memory import give_back_freed_memory
from .pipeline import BuildOptions

READY_AFTER_MS = 300


class BookFilter(DefaultFilter):
    """watchfiles' default filter (editor swap files, .git, caches), plus what builds write: outputs, temporaries, cache."""

    def __init__(self, out_dir: Path, cache: Path) -> None:
        super().__init__()
        self.written = (str(out_dir), str(cache))

    def __call__(self, change: Change, path: str) -> bool:
        return not path.startswith(self.written) and not path.endswith('.part') and super().__call__(change, path)


def watch(root: Path, options: BuildOptions, rebuild: Callable[[], int], stdout: TextIO,
          ready: Callable[[], None] = lambda: None) -> int:
    """Build, then rebuild on every change to the inputs until interrupted (Ctrl-C); exit code 0. ``ready``
    readies the first rebuild once the watch is in place (changes saved meanwhile are seen after it)."""
    out_dir = options.out_dir or root / 'dist'

    def say(text: str) -> None:
        print(f'[{time.strftime("%H:%M:%S")}] {text}', file=stdout, flush=True)

    attempted = good = None

    def build_if_changed() -> None:
        nonlocal attempted, good
        digest = inputs_digest(root, out_dir)
        if digest == attempted:
            say('the inputs are unchanged: nothing to rebuild')
            return
        attempted = digest
        if digest == good:
            say('the inputs are back to those of the last good build, whose outputs are in place')
            return
        started = time.perf_counter()
        code = rebuild()
        elapsed = time.perf_counter() - started
        if code == 0:
            say(f'{"rebuilt" if good else "built"} in {elapsed:.1f} s')
            good = digest
        else:
            say(f'build failed in {elapsed:.1f} s; fix the problems above and save: still watching')
        # A watcher lives on: what the build left in reference cycles is collected, and what it freed given back
        # to the system, before it waits (the 824-page book's watcher held 203-225 MiB between rebuilds, its peak
        # growing from one to the next: 238 -> 258 MiB over four). After the line that says the outputs are
        # written, which it delayed by about 0.05 s at 824 pages.
        gc.collect()
        give_back_freed_memory()

    try:
        say(f'building {root}')
        build_if_changed()
        # watchfiles yields an empty batch when nothing changed for a while: the first one
        # proves the watch is in place, so a change saved after this line is never missed.
        watching = False
        for changes in watch_changes(root, watch_filter=BookFilter(out_dir, cache_dir(root)), rust_timeout=READY_AFTER_MS,
                                     yield_on_timeout=True):
            if not changes:
                if not watching:
                    say(f'watching {root} for changes (Ctrl-C to stop)')
                    watching = True
                    try:
                        ready()
                    except Exception:  # noqa: BLE001 - a head start only: the rebuild does it again, and reports
                        pass
                continue
            changed = sorted({_relative(Path(path), root) for _, path in changes})
            say(f'changed: {", ".join(changed)}')
            build_if_changed()
    except KeyboardInterrupt:
        say('stopped')
    return 0


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
