"""The glossary, from ``glossary.yaml`` to the entries the back matter prints.

- :mod:`.terms`: ``glossary.yaml`` loaded and checked, each marked use resolved against the terms,
  entries in collation order and under their letters;
- :mod:`.forms`: a term's forms and how text is compared with them (the Markdown plugin that finds
  the uses, :mod:`builder.markdown.terms`, takes them from here too).

The glossary's page is rendered with the chronology's, by :mod:`builder.backmatter`.
"""
