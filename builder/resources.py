"""The files the builder ships with: its stylesheets and fonts, read as package data.

They are installed with the package (``pip install``, ``pipx install``, a
wheel), so a build finds them wherever the tool is installed, not only in a
checkout. pip and pipx install packages as folders on disk, so the package's
files are real paths, which WeasyPrint, Pillow and the cache read directly.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

STYLES = Path(str(files(__package__) / 'styles'))
FONTS = STYLES / 'fonts'
