"""Outputs written beside the PDF: the EPUB and the web edition."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from ..workers import apart

if TYPE_CHECKING:
    from ..options import Build, BuildOptions


def written_apart(options: BuildOptions) -> bool:
    """Whether the outputs written beside the PDF are written in processes of their own: when the build makes one."""
    return 'pdf' in options.formats


def beside_the_pdf(build: Build, stack: ExitStack, task: Callable[..., None], *args: Any) -> Callable[[], None]:
    """Write with ``task(*args)``; return a function that waits until it is written.

    Beside a PDF of the same build, in a process of its own (``workers.apart``), as the PDF's parts are joined in
    theirs: the builder's memory does not grow by the writer's (the EPUB's peak was 35 MB at 824 pages), and the
    writers run side by side (one after the other, the three took 1.3 s of a 207-page build, the join 0.9 s).
    Written while the PDF lays out (``build.background``), at a lower priority. Without a PDF, here.
    """
    if not written_apart(build.options):
        task(*args)
        return lambda: None
    return apart(stack, task, *args, background=build.background).result
