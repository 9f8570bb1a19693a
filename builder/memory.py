"""Memory freed by the build, given back to the system between the stages that free the most of it.

glibc's allocator keeps what Python frees in its heap for later use, and
gives back only what lies at the top of it: after a layout pass (the
workers' results unpickled, a rendering let go) an 800-page build held 60 MB
it no longer used, and its peak was that much higher in the next stage.
``malloc_trim`` hands those pages back (5 ms at 220 MB). And the build's
threads allocate from one heap (:func:`one_heap`). Elsewhere (macOS,
Windows, musl) there is nothing to call, and nothing is done.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache


M_ARENA_MAX = -8  # glibc's ``mallopt`` parameter: how many heaps (arenas) the threads of a process allocate from


@cache
def _glibc(function: str) -> Callable[..., int] | None:
    """A function of the C library Python runs on, if it is glibc's."""
    if not sys.platform.startswith('linux'):
        return None
    import ctypes  # here, on the first call (2 ms)

    try:
        return getattr(ctypes.CDLL(None), function)  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


def give_back_freed_memory() -> None:
    trim = _glibc('malloc_trim')
    if trim is not None:
        trim(0)


def one_heap() -> None:
    """Let every thread of this process allocate from one heap, called before it starts any. glibc gives each
    thread that allocates a heap of its own (up to eight a core), and what one thread frees stays in its heap for it
    alone: the threads that write ahead and make editions at once held memory that the builder's own thread then
    took again elsewhere. The 824-page book's builder: 197 -> 188 MiB at its peak; with two editions, the second
    edition's layout 200 -> 182 MiB."""
    mallopt = _glibc('mallopt')
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)
