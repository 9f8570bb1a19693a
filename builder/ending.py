"""How the ``coursepack`` command ends: at once, after every exit function, leaving no temporary file behind.

Python's own shutdown frees every object one at a time, which after a build
takes longer than some builds (0.15 s after the EPUB of a 200-page book), and
waits for threads and pools that a build has already closed. The command
(``cli.run``) calls :func:`begin` first: everything temporary the process
makes from then on (Pandoc's home, WeasyPrint's copies of fonts, the files of
the programs it runs) is made in one folder of its own. :func:`end` exits with
the command's status as usual, so that every other module's exit function runs
(they close pools and remove their files); this module's, registered when the
package is imported, before any other module has registered one, runs last: it
removes that folder and ends the process there. Programs that import the
builder (the tests) never call :func:`begin`, and end as usual.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import NoReturn

MAX_SOCKET_PATH = 107  # bytes in the path of a Unix socket
SOCKET_IN_FOLDER = '/pymp-xxxxxxxx/listener-xxxxxxxx'  # multiprocessing's folder and the fork server's socket
_folders: list[str] = []  # the process's temporary folders, once begun
_status: list[int] = []  # the command's exit status, once it ends


def begin() -> None:
    """Make the folder that holds every temporary file this process makes from now on."""
    # But multiprocessing's, made first and apart: the fork server's socket is in it, and the path of a socket has
    # at most 107 bytes (Python 3.13 moves it to /tmp itself when the temporary folder's path is too long).
    # Imported here, not above: its exit function must be registered after this module's, to run before it.
    import multiprocessing.util

    usual = tempfile.gettempdir()
    tempfile.tempdir = usual if len(usual) + len(SOCKET_IN_FOLDER) <= MAX_SOCKET_PATH else _short_folder(usual)
    _folders.append(multiprocessing.util.get_temp_dir())
    tempfile.tempdir = tempfile.mkdtemp(prefix='coursepack-', dir=usual)
    _folders.append(tempfile.tempdir)
    # And the programs it runs, whose temporary files a Ctrl-C may leave behind (the C compiler's, when ctypes's
    # library search ran it for WeasyPrint's import, which the fork server now makes without it).
    os.environ['TMPDIR'] = tempfile.tempdir


def _short_folder(usual: str) -> str:
    """A temporary folder whose path leaves room for a socket's, else ``usual``."""
    for folder in ('/tmp', '/var/tmp', '/usr/tmp'):
        if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return usual


def end(status: int) -> NoReturn:
    """Exit with ``status``: every exit function runs, this module's last, which ends the process at once."""
    _status.append(status)
    sys.exit(status)


def end_now(status: int) -> NoReturn:
    """Exit with ``status`` at once, the streams flushed and the temporary folders removed: after every exit
    function (:func:`end`), or instead of them when interrupted, where Python's shutdown could end the process by
    the signal itself, with no exit status (seen in CI under load)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a pipe whose reader is gone
            pass
    _remove_folders()
    os._exit(status)


def _remove_folders() -> None:
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)


def _after_every_exit_function() -> None:
    if _status:
        end_now(_status[0])
    _remove_folders()  # an exception ended the command: Python ends the process as usual


atexit.register(_after_every_exit_function)  # first registered, so run last
