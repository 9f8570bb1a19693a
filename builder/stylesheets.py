"""The book's own stylesheets, checked before an engine reads them.

``styles/print.css`` and ``styles/epub.css`` may name other files with
``url()`` and ``@import``: fonts, ornaments, more styles. WeasyPrint's fetcher
already refuses anything outside the book folder, but only with an unlocated
log line, and the EPUB would carry a broken or remote reference that EPUBCheck
rejects. Here every reference is checked against the book folder with its line
and column, and the files the EPUB stylesheet uses are listed so the EPUB can
carry them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import tinycss2
from tinycss2.ast import AtRule, FunctionBlock, Node, QualifiedRule, StringToken, URLToken

from .diagnostics import Diagnostics, SourceLocation
from .yamlfile import read_text

OWN_STYLESHEETS = ('styles/print.css', 'styles/epub.css')
MAX_STYLESHEET_BYTES = 1024 * 1024


def check_stylesheets(root: Path, diagnostics: Diagnostics) -> None:
    """Report every reference in the book's own stylesheets that leaves the book folder or is missing."""
    for relpath in OWN_STYLESHEETS:
        stylesheet_resources(root, relpath, diagnostics)


def stylesheet_resources(root: Path, relpath: str, diagnostics: Diagnostics | None = None) -> tuple[str, ...]:
    """The book-relative paths of the files a stylesheet of the book refers to (data: URLs left out)."""
    path = root / relpath
    if not path.is_file():
        return ()
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    text = read_text(path, relpath, diagnostics, max_bytes=MAX_STYLESHEET_BYTES)
    if text is None:
        return ()
    found: list[str] = []
    folder = PurePosixPath(relpath).parent
    book = root.resolve()
    for url, line, column in _urls(tinycss2.parse_stylesheet(text, skip_comments=True)):
        where = SourceLocation(relpath, line, column)
        parsed = urlparse(url)
        if parsed.scheme.lower() == 'data' or url.startswith('#'):
            continue
        if parsed.scheme or parsed.netloc:
            diagnostics.error('css-remote', f"'{url}' is not in the book folder: builds read no network or outside "
                              'file; copy it into the book', where)
            continue
        target = (root / folder / unquote(parsed.path)).resolve()
        if not target.is_relative_to(book):
            diagnostics.error('css-outside', f"'{url}' is outside the book folder", where)
        elif not target.is_file():
            diagnostics.error('css-missing', f"'{url}' does not exist", where)
        else:
            found.append(target.relative_to(book).as_posix())
    return tuple(dict.fromkeys(found))


def _urls(nodes: list[Node] | None) -> Iterator[tuple[str, int, int]]:
    """Every URL a list of CSS nodes names, with its line and column."""
    for node in nodes or ():
        if isinstance(node, URLToken):
            yield node.value, node.source_line, node.source_column
        elif isinstance(node, FunctionBlock):
            if node.lower_name == 'url':
                strings = [a for a in node.arguments if isinstance(a, StringToken)]
                if strings:
                    yield strings[0].value, node.source_line, node.source_column
            elif node.lower_name.endswith('image-set'):  # image-set("a.png" 1x, url(b.png) 2x)
                for argument in node.arguments:
                    if isinstance(argument, StringToken):
                        yield argument.value, argument.source_line, argument.source_column
                yield from _urls(node.arguments)
            else:
                yield from _urls(node.arguments)
        elif isinstance(node, AtRule):
            if node.lower_at_keyword == 'import':
                strings = [t for t in node.prelude if isinstance(t, StringToken)]
                if strings:
                    yield strings[0].value, strings[0].source_line, strings[0].source_column
            yield from _urls(node.prelude)
            yield from _urls(node.content)
        elif isinstance(node, QualifiedRule):
            yield from _urls(node.prelude)
            yield from _urls(node.content)
        elif hasattr(node, 'content') and isinstance(node.content, list):  # () [] {} blocks
            yield from _urls(node.content)
