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

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

BOOK_URL = 'file:///coursepack/book/'
STYLES_URL = 'file:///coursepack/styles/'
BUNDLED_STYLES = Path(__file__).resolve().parent.parent / 'styles'


class OutsideBookError(PermissionError):
    """A resource the build may not read. WeasyPrint logs it, and the log becomes a diagnostic."""


class BookFetcher(URLFetcher):
    def __init__(self, book_root: Path, generated: Mapping[str, tuple[str, bytes]] | None = None) -> None:
        """:param generated: book-relative path -> (media type, content) of files the build made (figures)."""
        super().__init__(allowed_protocols={'file', 'data'}, timeout=5)
        self.roots = {BOOK_URL: book_root.resolve(), STYLES_URL: BUNDLED_STYLES}
        self.generated = dict(generated or {})

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
        return URLFetcherResponse(url, body=path.read_bytes(), headers={'Content-Type': content_type})

    def real_path(self, url: str) -> Path:
        for prefix, root in self.roots.items():
            if url.startswith(prefix):
                path = (root / unquote(url[len(prefix):].split('#')[0].split('?')[0])).resolve()
                if path.is_relative_to(root):
                    return path
        raise OutsideBookError(f'outside the book folder: {unquote(url)}')
