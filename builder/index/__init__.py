"""The back-of-book index: entries marked in the chapters, resolved and rendered as back matter.

- :mod:`.entries`: the marked passages (:mod:`builder.markdown.index`, and glossary terms) resolved into
  entries, sub-entries, "see" and "see also", in the book language's order;
- :mod:`.render`: the index's page, with EPUB Indexes 1.1 semantics; its section is registered in
  :data:`builder.backmatter.SECTIONS`.
"""
