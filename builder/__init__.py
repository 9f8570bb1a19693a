"""Coursepack: Markdown chapters that adapt and cite sources -> a print-ready PDF and an EPUB 3."""

__version__ = '0.1.0'
