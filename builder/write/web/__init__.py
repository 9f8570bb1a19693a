"""The web edition: ``dist/<stem>-web/``, the rendered book as a static site that works from ``file://``.

``site.py`` writes the pages from the same rendered documents as the EPUB,
through named post-passes; ``apparatus.py`` gives citations and glossary terms
their previews; ``search.py`` the search index; ``fonts.py`` the bundled font,
subset to the edition's characters as WOFF2; ``check.py`` what ``check
--outputs`` and the summary after a build say of the folder.
"""

from .check import checks, summarize
from .site import write

__all__ = ['checks', 'summarize', 'write']
