"""Citations, from the book's reference data to its reference lists.

In the order a build uses them:

- :mod:`.load`: the references file (CSL-YAML, CSL-JSON, or BibTeX/BibLaTeX through Pandoc's reader)
  -> ``Reference`` values, located;
- :mod:`.styles`: a bundled CSL style's name (``csl/``), or a ``.csl`` file of the book -> ``Style``
  (at load time too);
- :mod:`.resolve`: the citations of a book, in reading order, formatted once (:mod:`.cache` keeps
  the result between builds);
- :mod:`.format`: Pandoc's citeproc (run by :mod:`.pandoc`), its formatted AST read back into XHTML
  (:mod:`.inlines`) -> formatted citations, bibliography entries and diagnostics, as values;
- :mod:`.render`: the reference lists, at the end of the book or of each chapter.

The ``[@key]`` syntax is a Markdown plugin, :mod:`builder.markdown.citations`.
"""
