"""Keep a build inside the book folder.

WeasyPrint fetches ``file:`` and ``http:`` URLs by default, so a stylesheet or
image could read any file on the machine or reach the network. Documents are
instead given a fixed virtual base URL: ``file:///coursepack/book/`` maps to the
book folder and ``file:///coursepack/styles/`` to the bundled styles. Anything
else is refused, and the refusal becomes a build error. The virtual root also
makes the PDF independent of where the book is checked out (WeasyPrint names
images after their absolute URL).
"""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from .containment import contained
from .resources import STYLES

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

BOOK_URL = 'file:///coursepack/book/'
STYLES_URL = 'file:///coursepack/styles/'


class OutsideBookError(PermissionError):
    """A resource the build may not read. WeasyPrint logs it, and the log becomes a diagnostic."""


def BookFetcher(book_root: Path, generated: Mapping[str, tuple[str, bytes]] | None = None,  # noqa: N802
                css_filter: Callable[[str], str] | None = None) -> URLFetcher:
    """The fetcher for a book; WeasyPrint (half a second to import) is imported on first use only.

    :param generated: book-relative path -> (media type, content) of files the build made (figures).
    :param css_filter: if given, rewrites the text of every stylesheet fetched from a file.
    """
    return _fetcher_class()(book_root, generated, css_filter)


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _BookFetcher(URLFetcher):
        def __init__(self, book_root: Path, generated: Mapping[str, tuple[str, bytes]] | None,
                     css_filter: Callable[[str], str] | None) -> None:
            super().__init__(allowed_protocols={'file', 'data'}, timeout=5)
            self.roots = {BOOK_URL: book_root.resolve(), STYLES_URL: STYLES}
            self.generated = dict(generated or {})
            self.css_filter = css_filter

        def fetch(self, url: str, headers=None):  # type: ignore[no-untyped-def]
            scheme = urlparse(url).scheme.lower()
            if scheme == 'data':
                return super().fetch(url, headers)
            if scheme != 'file':
                raise OutsideBookError(f'builds read nothing from the network: {url}')
            if url.startswith(BOOK_URL) and unquote(url[len(BOOK_URL):]) in self.generated:
                media_type, content = self.generated[unquote(url[len(BOOK_URL):])]
                return URLFetcherResponse(url, body=content, headers={'Content-Type': media_type})
            path = self.real_path(url)
            # Answer under the virtual URL, so that relative references inside the resource
            # (a stylesheet's @import or font) resolve inside the virtual roots too.
            content_type = mimetypes.guess_type(path.name)[0] or 'application/octet-stream'
            body = path.read_bytes()
            if self.css_filter and content_type == 'text/css':
                body = self.css_filter(body.decode('utf-8')).encode('utf-8')
            return URLFetcherResponse(url, body=body, headers={'Content-Type': content_type})

        def real_path(self, url: str) -> Path:
            for prefix, root in self.roots.items():
                if url.startswith(prefix):
                    path = contained(root, root / unquote(url[len(prefix):].split('#')[0].split('?')[0]))
                    if path is not None:
                        return path
            raise OutsideBookError(f'outside the book folder: {unquote(url)}')

    return _BookFetcher
