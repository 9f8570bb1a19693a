"""Coursepack: Markdown chapters that adapt and cite sources -> a print-ready PDF and an EPUB 3."""

__version__ = '0.1.0'

from . import ending  # noqa: F401,E402 - first, so that its exit function runs after every other module's
