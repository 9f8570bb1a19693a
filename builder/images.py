"""The images a chapter names, checked as layout and the EPUB will use them.

Layout reports a broken image only as WeasyPrint's "Failed to load image at
'file:///…'", with no chapter line and often no reason, and a truncated PNG
is even drawn as a black box and shipped in the EPUB. So ``check`` opens
every image here, with the Markdown line that names it at hand: raster images
are decoded in full with Pillow (what WeasyPrint itself decodes them with),
SVG images are parsed as plain XML (no DTD, no entities, nothing fetched) and
may name no other file, and the file name must be one an EPUB can carry.
The images a stylesheet names are checked the same way (``stylesheets.py``).
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from lxml import etree
from PIL import Image, ImageFile, UnidentifiedImageError

from .containment import contained
from .diagnostics import Diagnostics, SourceLocation

SIGNATURES = {b'\x89PNG\r\n\x1a\n': 'PNG', b'\xff\xd8\xff': 'JPEG', b'GIF87a': 'GIF', b'GIF89a': 'GIF',
              b'<svg': 'SVG', b'<?xml': 'SVG'}
IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.gif', '.svg')
SVG_NS = 'http://www.w3.org/2000/svg'
# Characters the EPUB container forbids in file names (EPUB 3.3, "File paths and file names"):
# controls, the ones some file systems reserve, and private-use characters.
EPUB_FORBIDDEN = re.compile('["*:<>?\\\\|\x00-\x1f\x7f\x80-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufff0-\uffff]')
# File names that need no escaping in a URL and that EPUBCheck finds no fault with (a space: PKG-010).
SAFE_NAME = re.compile(r'[A-Za-z0-9_./-]+')
# A URL in an SVG attribute or style: url(…) in CSS, or a whole href.
_CSS_URL = re.compile(r'''url\(\s*['"]?([^'")\s]*)''')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def check_image(root: Path, chapter_path: str, src: str, where: SourceLocation,
                diagnostics: Diagnostics) -> str | None:
    """The book-relative path of the image ``src`` of the chapter ``chapter_path``; None after an error."""
    if urlparse(src).scheme:
        diagnostics.error('image-remote', f"the image '{src}' is not in the book folder: builds read no network "
                          'or outside file; copy it into the book', where)
        return None
    # As written, not as a link resolves: the outputs name the image by this path.
    relative = posixpath.normpath(PurePosixPath(chapter_path).parent / unquote(src))
    path = contained(root, root / relative)
    if path is None:
        diagnostics.error('image-outside', f"the image '{src}' is outside the book folder", where)
        return None
    if not path.is_file():
        diagnostics.error('image-missing', f"the image '{src}' does not exist", where)
        return None
    forbidden = EPUB_FORBIDDEN.search(relative)
    if forbidden:
        diagnostics.error('image-name', f"the image '{src}' has {forbidden.group()!r} in its name, which an EPUB "
                          'cannot carry; rename the file', where)
        return None
    problem = image_problem(path)
    if problem:
        code, message = problem
        diagnostics.error(code, f"'{src}' {message}", where)
        return None
    return relative


def image_problem(path: Path) -> tuple[str, str] | None:
    """What is wrong with the image file at ``path``, as a diagnostic code and message; None if nothing."""
    stat = path.stat()
    return _content_problem(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _content_problem(path: Path, size: int, mtime_ns: int) -> tuple[str, str] | None:
    """:func:`image_problem`, kept while the file is unchanged (its size and time are in the key):
    each edition resolves the book again."""
    with path.open('rb') as f:
        head = f.read(256).lstrip()
    kind = next((name for signature, name in SIGNATURES.items() if head.startswith(signature)), None)
    if kind is None:
        return 'image-format', 'is not a PNG, JPEG, GIF or SVG image'
    if kind == 'SVG':
        problem = _svg_problem(path)
        return ('image-svg', problem) if problem else None
    # WeasyPrint, once imported (a book laid out in this process, a rebuild by ``watch``), tells Pillow to load
    # truncated images as far as they go: the check must not depend on it.
    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:
            image.load()
    except UnidentifiedImageError:  # its message names the file by its absolute path
        reason = 'its data after the header is not image data'
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        reason = str(exc) or type(exc).__name__
    else:
        return None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return 'image-damaged', f'is a damaged {kind} image ({reason}); open it in an image editor and save it again'


def _svg_problem(path: Path) -> str | None:
    try:
        tree = etree.parse(str(path), _PARSER)
    except etree.XMLSyntaxError as exc:
        return f'is not a well-formed SVG image: {exc}'
    if tree.docinfo.doctype:
        # A DTD can declare entities that expand without bound or name files to read (XXE).
        return 'declares a DOCTYPE; an SVG image needs none, and the build reads none: delete that line'
    if tree.getroot().tag != f'{{{SVG_NS}}}svg':
        return 'is not an SVG image (its root element is not <svg> in the SVG namespace)'
    return next(filter(None, map(_element_problem, tree.iter())), None)


def _element_problem(element: etree._Element) -> str | None:
    line = element.sourceline
    if isinstance(element, etree._Entity):
        return f'uses the entity &{element.name}; on line {line}, which the build does not expand'
    if not isinstance(element.tag, str):
        return None  # a comment or processing instruction
    name = etree.QName(element).localname
    if name == 'script' or any(etree.QName(a).localname.startswith('on') for a in element.attrib):
        # An EPUB would have to declare itself scripted, and the outputs carry no author-supplied script.
        return f'has a script on line {line}; delete it'
    texts = list(element.attrib.items()) + ([('style', element.text)] if name == 'style' and element.text else [])
    for attribute, value in texts:
        if etree.QName(attribute).localname != 'href':
            urls = _CSS_URL.findall(value)
        elif name == 'a':
            continue  # a link, which a reader follows and the build never reads
        else:
            urls = [value.strip()]
        for url in urls:
            if url and not url.startswith(('#', 'data:')):
                return (f"names '{url}' on line {line}: an SVG image must hold everything it shows (embed "
                        'pictures as data: URLs); the build reads no file or address it names')
    return None
