"""The documents as the EPUB and the web edition write them, and those an earlier build wrote, kept.

Each document's body is written with two named post-passes: its ``#id`` links
that lead into another document name that document's file (a link was
``#id`` in the one-document print edition), its images their names in the
EPUB; and the print page markers go at the start of the blocks the PDF's pages
begin with (:mod:`.pagelist`).

What a document is written as depends on its body and on what it reads of the
rest of the book: the files that hold the ids it links to, the names of its
images, and its page markers, which begin where the document before it left
off. :func:`placed` says all of it in one hash a document (``Placed.reads``)
without reading a body twice: each body's outline (the ids it holds, those it
links to, its images, its blocks in order) is kept by the hash of the body
(:class:`KeptDocuments`), and a body is read only when its outline is not
kept or its output is not (``Placed.tree``). A writer keeps what it made of a
document under that hash and the rest of what decides it, and an edit writes
again only the documents it changed (and, in the web edition, the pages that
name a changed title as their previous or next): at 824 pages, the EPUB and the
web edition of a one-paragraph edit read 1 of 133 bodies, where each read and
wrote them all (0.8 and 0.7 s of CPU, beside the PDF's join). Outlines are
kept under the builder's key too: another builder may read a body otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..blocks import blocks, fragment
from ..cache import builder_key, keep_recent, mark_used, write_bytes
from ..model import Document
from .pagelist import Marker, PageBreaks, insert_markers

OUTLINE = '.outline'  # a kept outline's suffix; the writers' own files have theirs


@dataclass(frozen=True)
class Outline:
    """What the writers read of a body without writing it."""

    ids: tuple[str, ...]  # the ids it holds, in order
    links: tuple[str, ...]  # the ids its ``#id`` links name
    images: tuple[str, ...]  # its images' sources, as the renderer wrote them (URL-quoted)
    blocks: tuple[str, ...]  # the ids of its blocks that can begin a page, in reading order ('' for none)


def outline_of(ids: tuple[str, ...], tree: etree._Element) -> Outline:
    """The outline of a body that holds ``ids`` (``_ids``), whose tree is ``tree``, before the passes change it."""
    return Outline(ids,
                   tuple(href[1:] for link in tree.iter('a') if (href := link.get('href', '')).startswith('#')),
                   tuple(image.get('src', '') for image in tree.iter('img')),
                   tuple(block.get('id', '') for block in blocks(tree)))


class KeptDocuments:
    """Files kept between builds in ``folder`` (none: nothing is kept), each under a hash of what decides it: the
    documents' outlines, and what each writer makes of a document. Each file begins with the hash of its own
    content: one cut short or damaged is made again, not read as it is."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / name
        try:
            digest, data = path.read_bytes().split(b'\n', 1)
        except (OSError, ValueError):
            return None
        if digest != hashlib.sha256(data).hexdigest().encode():
            return None
        mark_used(path)
        return data

    def put(self, name: str, data: bytes) -> None:
        if self.folder is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written to is only slower
                write_bytes(self.folder / name, hashlib.sha256(data).hexdigest().encode() + b'\n' + data)

    def outline(self, body: str) -> tuple[str, Outline | None]:
        """The hash of ``body``, and its kept outline if there is one (kept by this builder: another may read
        bodies otherwise)."""
        digest = hashlib.sha256(body.encode('utf-8', 'surrogatepass')).hexdigest()
        data = self.get(written_key('outline', digest) + OUTLINE)
        if data is None:
            return digest, None
        try:
            return digest, Outline(*(tuple(field) for field in json.loads(data)))
        except (ValueError, TypeError):
            return digest, None

    def keep_outline(self, digest: str, outline: Outline) -> None:
        self.put(written_key('outline', digest) + OUTLINE,
                 json.dumps([outline.ids, outline.links, outline.images, outline.blocks]).encode())

    def prune(self, used: int) -> None:
        """Keep the files of this build, ``used`` of them, and as many of those used before (the last build's)."""
        if self.folder is not None:
            with contextlib.suppress(OSError):
                keep_recent(self.folder, '*', 2 * used)


@dataclass
class Placed:
    """A document, with the hash of all that decides how it is written (``reads``), and its body as written."""

    document: Document
    reads: str
    markers: list[Marker]
    home: dict[str, str]  # of every id the book holds, the file that holds it
    image_names: dict[str, str]
    parsed: etree._Element | None  # its tree, when it was read for its outline (the passes not made yet)

    def tree(self) -> etree._Element:
        """The body, its links across files and its images renamed, its page markers in: read now if it was not."""
        tree = self.parsed if self.parsed is not None else fragment(self.document.body)
        self.parsed = None  # the passes change it: a second call reads it again
        linked_across_files(tree, self.document.file_name, self.home, self.image_names)
        insert_markers(tree, self.markers)
        return tree


def placed(documents: Sequence[Document], image_names: dict[str, str], breaks: PageBreaks | None,
           kept: KeptDocuments) -> Iterator[Placed]:
    """Each of ``documents`` in order, placed: where its ids' files are, its page markers (``breaks``: none when
    the output prints no page numbers). One document's tree at a time, and only those whose outline is not kept: the
    whole book's trees at once were 50 MB of an 824-page build's peak."""
    outlines = [kept.outline(d.body) for d in documents]
    held = [outline.ids if outline is not None else tuple(_ids(d.body)) for d, (_, outline) in zip(documents, outlines)]
    home = {}
    for document, ids in zip(documents, held):
        for id_ in ids:
            home[id_] = document.file_name
    for document, (digest, outline), ids in zip(documents, outlines, held):
        tree = None
        if outline is None:
            tree = fragment(document.body)
            outline = outline_of(ids, tree)
            kept.keep_outline(digest, outline)
        markers = breaks.placed(document.file_name, outline.blocks) if breaks is not None else []
        reads = json.dumps([digest, document.file_name, [(id_, home.get(id_)) for id_ in outline.links],
                            [(src, image_names.get(unquote(src))) for src in outline.images], markers])
        yield Placed(document, hashlib.sha256(reads.encode()).hexdigest(), markers, home, image_names, tree)


def forget_other_documents(folder: Path | None, names: set[str]) -> None:
    """Delete the documents kept in ``folder`` for an output file the book no longer has (an edition removed, the
    book retitled): only those of the files ``names`` stay."""
    if folder is not None and folder.is_dir():
        for kept in folder.iterdir():
            if kept.name not in names:
                shutil.rmtree(kept, ignore_errors=True)


def written_key(*decided_by: object) -> str:
    """The name a writer keeps a document's output under: the hash of what decides it (a document's ``reads`` and
    the writer's own settings), and of the builder and its libraries."""
    return hashlib.sha256(json.dumps([builder_key('documents'), *decided_by]).encode()).hexdigest()


def linked_across_files(tree: etree._Element, file_name: str, home: dict[str, str],
                        image_names: dict[str, str]) -> etree._Element:
    """``tree`` (the body of the document ``file_name``) with its ``#id`` links that lead into another document
    rewritten to ``file.xhtml#id`` (``home``: the file of each id), and its images' sources to their names in the
    EPUB (``image_names``, by book-relative path)."""
    for link in tree.iter('a'):
        href = link.get('href', '')
        target = home.get(href[1:]) if href.startswith('#') else None
        if target and target != file_name:
            link.set('href', f'{target}{href}')
    for image in tree.iter('img'):
        src = unquote(image.get('src', ''))
        if src in image_names:
            image.set('src', image_names[src])
    return tree


class _IdsTarget:
    """An lxml parser target that keeps the ids of the elements it reads, in order, and builds no tree."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if attrib.get('id'):
            self.ids.append(attrib['id'])

    def close(self) -> list[str]:
        return self.ids


def _ids(body: str) -> list[str]:
    return etree.fromstring(f'<div>{body}</div>', etree.HTMLParser(target=_IdsTarget()))
