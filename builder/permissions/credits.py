"""Credit lines where publishers print them: the "Permissions and acknowledgements" back matter, a
credit line under a block quotation, and the rights statement of the EPUB's and the PDF's metadata.

Each source the output quotes gets one line, in the book's language: its
own credit line when ``rights: credit:`` gives one, else its title, rights
holder, licence and permission, "not stated" where nothing is recorded.
"""

from __future__ import annotations

from ..citations.load import Reference
from ..i18n import Catalog
from ..model import ResolvedBook
from .rights import KINDS, licence_name


def credit_line(reference: Reference, strings: Catalog) -> str:
    rights = reference.rights
    if rights is not None and rights.credit:
        return rights.credit
    terms = []
    if not (rights is not None and rights.licence == 'public-domain' and not rights.holder):  # nobody to name
        terms.append(strings('permissions.holder', holder=rights.holder if rights and rights.holder
                             else strings('permissions.not-stated')))
    if rights is not None and rights.licence is not None and rights.licence not in KINDS:
        terms.append(strings('permissions.licence-spdx', licence=rights.licence))
    else:
        terms.append(licence_name(rights, strings) + '.')
    if rights is not None and rights.permission:
        terms.append(strings('permissions.permission-dated', reference=rights.permission,
                             date=rights.permission_date.isoformat()) if rights.permission_date
                     else strings('permissions.permission', reference=rights.permission))
    return strings('permissions.line', source=_source(reference), terms=' '.join(terms))


def _source(reference: Reference) -> str:
    """The source by its authors' names and its title: "Cordovez, Harrison. [Untitled work]"."""
    names = [str(n.get('family') or n.get('literal') or '') for n in reference.data.get('author') or ()
             if isinstance(n, dict)]
    title = str(reference.data.get('title', reference.id))
    return f"{', '.join(n for n in names if n)}. {title}" if any(names) else title


def credit_lines(resolved: ResolvedBook, strings: Catalog) -> list[str]:
    acknowledgements = resolved.acknowledgements
    return [credit_line(r, strings) for r in acknowledgements.sources] if acknowledgements else []


def rights_statement(resolved: ResolvedBook, strings: Catalog) -> str | None:
    """The book's ``rights`` and a line for each source quoted: the rights metadata of the EPUB and the PDF."""
    lines = [resolved.config.rights or '', *credit_lines(resolved, strings)]
    return ' '.join(line for line in lines if line) or None
