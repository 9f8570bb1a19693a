"""Running Pandoc (the binary of the ``pypandoc-binary`` package): its citeproc and its BibTeX reader.

Pandoc runs as a subprocess on files of the book and on text we hand it on
standard input; it reads nothing else (its CSL locales are inside the binary,
and :mod:`.styles` refuses a dependent style, the one thing Pandoc would fetch).
A failure is returned as text, for the caller to turn into a located diagnostic.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path


class PandocError(Exception):
    """Pandoc is missing or refused its input: the message is what it printed."""


@cache
def pandoc_path() -> str:
    """The Pandoc of the pypandoc-binary package, not another on the PATH (whose version may format
    differently) nor a ``pandoc`` folder in the working directory (which pypandoc's search tries to run)."""
    spec = importlib.util.find_spec('pypandoc')  # found, not imported: a cached formatting runs no Pandoc
    if spec is None or spec.origin is None:
        raise PandocError('Pandoc is not installed: the package pypandoc-binary is missing')
    bundled = Path(spec.origin).parent / 'files' / ('pandoc.exe' if os.name == 'nt' else 'pandoc')
    if bundled.is_file():
        return str(bundled)
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:
        raise PandocError(f'Pandoc is not installed: {exc}') from exc


def run_pandoc(args: list[str], text: str = '') -> str:
    """Pandoc's standard output for ``args`` (files named by absolute path), ``text`` on its standard input."""
    return RunningPandoc(args, text).output()


class RunningPandoc:
    """Pandoc started on ``args`` and ``text``; :meth:`output` waits for what it printed, :meth:`stop` ends it.

    It runs in an empty folder that is also its home, so that no user data
    directory (a ``defaults`` file, a ``csl`` folder) changes what it prints.
    Its input and output are files of that folder, not pipes: it runs to its
    end while the build does other things, with no thread of the build
    feeding or draining it (a thread would keep the build from forking a copy
    of itself to parse: ``forked.py``). Its runtime collects garbage once its
    heap is 1.5 times what it holds, not twice: its citeproc run of an
    824-page book's citations peaked at 206 MiB, 192 with this (2.2 -> 2.35 s;
    the same time at 207 pages). A Pandoc built without runtime options
    ignores the setting.
    """

    def __init__(self, args: list[str], text: str = '') -> None:
        self.home = tempfile.TemporaryDirectory(prefix='coursepack-pandoc-')
        self.process: subprocess.Popen[bytes] | None = None
        folder = Path(self.home.name)
        env = {k: v for k, v in os.environ.items() if k in ('PATH', 'SYSTEMROOT')} | {'HOME': self.home.name,
                                                                                      'GHCRTS': '-F1.5'}
        try:
            (folder / 'input').write_text(text, encoding='utf-8')
            with open(folder / 'input', 'rb') as given, open(folder / 'output', 'wb') as printed, \
                    open(folder / 'errors', 'wb') as errors:
                self.process = subprocess.Popen([pandoc_path(), *args], stdin=given, stdout=printed, stderr=errors,
                                                cwd=folder, env=env)
        except BaseException:
            self.stop()
            raise

    def output(self) -> str:
        """What Pandoc printed, once it has ended; :class:`PandocError` if it failed. Once only."""
        process, self.process = self.process, None
        assert process is not None, 'its output was read, or it was stopped'
        folder = Path(self.home.name)
        try:
            try:
                code = process.wait()
            except BaseException:  # interrupted while waiting in the main thread (a BibTeX file read)
                process.kill()
                process.wait()
                raise
            if code != 0:
                message = (folder / 'errors').read_text(encoding='utf-8', errors='replace').strip()
                raise PandocError(message or f'Pandoc stopped with code {code}')
            return (folder / 'output').read_text(encoding='utf-8')
        finally:
            self.home.cleanup()

    def stop(self) -> None:
        """End Pandoc, if it runs, and remove its folder: its output is not wanted."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
        self.home.cleanup()
