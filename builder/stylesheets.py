"""The book's own stylesheets, checked before any engine reads them.

A ``url()`` or ``@import`` in ``styles/*.css`` that leaves the book folder or
names a network address would be refused by the fetcher during layout, with no
line to point at. Reading the CSS with tinycss2 (WeasyPrint's parser) here
gives the author the file, line and column instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

import tinycss2

from .containment import contained
from .diagnostics import Diagnostics, SourceLocation
from .fetcher import BOOK_URL, STYLES_URL
from .images import IMAGE_SUFFIXES, SAFE_NAME, image_problem
from .resources import STYLES


def own_stylesheet(root: Path, medium: str) -> Path | None:
    """The book's own ``styles/<medium>.css`` (``print``, ``epub``), which overrides the bundled one, if it has one."""
    own = root / 'styles' / f'{medium}.css'
    return own if own.is_file() else None


def stylesheet_files(root: Path, medium: str) -> list[Path]:
    """The stylesheets of a medium, in the order they apply: the bundled one, then the book's own."""
    own = own_stylesheet(root, medium)
    return [STYLES / f'{medium}.css', *([own] if own else [])]


def stylesheet_urls(root: Path, medium: str, setup: Sequence[str] = ()) -> list[str]:
    """As the fetcher serves them: bundled styles first, then the page setup, then the book's own to override them."""
    urls = [f'{STYLES_URL}{medium}.css', *setup]
    if own_stylesheet(root, medium):
        urls.append(f'{BOOK_URL}styles/{medium}.css')
    return urls


def check_stylesheets(root: Path, diagnostics: Diagnostics) -> None:
    for path in sorted((root / 'styles').glob('*.css')):
        relpath = path.relative_to(root).as_posix()
        if contained(root, path) is None:
            diagnostics.error('style-outside', f"the stylesheet leads outside the book folder, to '{path.resolve()}'; "
                              'a build reads only files inside the book folder: copy it in', SourceLocation(relpath))
            continue
        rules = tinycss2.parse_stylesheet(path.read_text(encoding='utf-8', errors='replace'))
        for token in _walk(rules):
            url = _url_of(token)
            if url is not None:
                _check_url(root, path.parent, url, SourceLocation(relpath, token.source_line, token.source_column),
                           diagnostics)


def stylesheet_resources(root: Path, relpath: str) -> tuple[str, ...]:
    """The files in the book that one of its stylesheets names (fonts, images), book-relative.

    The EPUB carries them beside the stylesheet; those that leave the book or
    are missing were reported by :func:`check_stylesheets` and are left out.
    """
    path = contained(root, root / relpath)
    if path is None or not path.is_file():
        return ()
    found = []
    for token in _walk(tinycss2.parse_stylesheet(path.read_text(encoding='utf-8', errors='replace'))):
        url = _url_of(token)
        if url is None or urlparse(url).scheme:
            continue
        target = _target((root / relpath).parent, url)
        if contained(root, target) is not None and target.is_file():
            found.append(target.relative_to(root).as_posix())
    return tuple(dict.fromkeys(found))


def _walk(nodes):  # type: ignore[no-untyped-def]
    for node in nodes:
        yield node
        for child_list in ('prelude', 'content', 'arguments'):
            children = getattr(node, child_list, None)
            if isinstance(children, list):
                yield from _walk(children)


def _url_of(token) -> str | None:  # type: ignore[no-untyped-def]
    if token.type == 'url':
        return token.value
    if token.type == 'function' and token.lower_name == 'url':
        strings = [a.value for a in token.arguments if a.type == 'string']
        return strings[0] if strings else None
    if token.type == 'at-rule' and token.lower_at_keyword == 'import':
        strings = [a.value for a in token.prelude if a.type == 'string']
        return strings[0] if strings else None
    return None


def _check_url(root: Path, base: Path, url: str, where: SourceLocation, diagnostics: Diagnostics) -> None:
    scheme = urlparse(url).scheme.lower()
    if scheme == 'data':
        return
    if scheme:
        diagnostics.error('style-remote', f"'{url}' is not in the book folder: builds read no network or outside "
                          'file; copy it into the book', where)
        return
    target = contained(root, _target(base, url))
    if target is None:
        diagnostics.error('style-outside', f"'{url}' is outside the book folder", where)
    elif not target.is_file():
        diagnostics.error('style-missing', f"'{url}' does not exist", where)
    elif not SAFE_NAME.fullmatch(Path(os.path.relpath(target, root)).as_posix()):
        # The EPUB carries the file under its own name, which the stylesheet's URL names.
        diagnostics.error('style-name', f"'{url}': an EPUB carries this file under its name, which may hold only "
                          'letters A-Z, digits and . _ - /: rename the file', where)
    elif target.suffix.lower() in IMAGE_SUFFIXES and (problem := image_problem(target)):
        code, message = problem
        diagnostics.error(code, f"'{url}' {message}", where)


def _target(base: Path, url: str) -> Path:
    """The file a relative URL in a stylesheet in ``base`` names, as written (symlinks not followed):
    the EPUB keeps the stylesheet's files at these paths, so that its URLs still name them."""
    return Path(os.path.normpath(base / unquote(url.split('#')[0].split('?')[0])))
