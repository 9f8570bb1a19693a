"""The identifier every PDF of a book is written with, the same on every build."""

from __future__ import annotations

import hashlib

from ..config import BookConfig
from ..dates import build_timestamp, iso


def pdf_identifier(config: BookConfig) -> bytes:
    """A fixed identifier: two builds of one book are the same file by construction."""
    moment = iso(build_timestamp(config))
    return hashlib.md5(f'{config.output_stem}:{moment}'.encode()).hexdigest().encode()
