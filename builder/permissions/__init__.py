"""Permissions and provenance: what each source contributes to the book, and on what terms.

- :mod:`.rights`: the ``rights:`` key of a reference (holder, licence, permission, credit line,
  the source's length), read and checked when the references file is loaded;
- :mod:`.passages`: the quotations of the chapters (``"…"``, ``“…”``, ``« … »``, block quotes)
  and the sources their citations attribute them to;
- :mod:`.ledger`: per source, the extent the book reproduces (words, passages, the longest, the
  source's pages cited, the share), per chapter and per output, and the checks on it;
- :mod:`.report`: the ledger as a table, ``dist/permissions.csv`` and ``dist/permissions.html``;
- :mod:`.credits`: the "Permissions and acknowledgements" back matter and the rights metadata.

See docs/permissions.md.
"""
