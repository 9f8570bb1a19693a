"""What ``coursepack check`` says about permissions: each a warning, so that ``--strict`` fails on it.

- a source the book quotes with no licence or permission recorded (``rights-missing``), or whose
  rights are reserved with no permission recorded (``permission-missing``);
- a permission that expired before the build date (``permission-expired``);
- an output that quotes more of a source than ``excerpt-limit`` in book.yaml allows, for a source
  used under fair use or fair dealing, or under nothing recorded (``excerpt-limit``).

A problem with a quotation is located at the first citation that attributes a passage to the
source; an expired permission at its ``expires:`` in the references file. A book that
records no rights at all and sets no ``excerpt-limit`` has not started clearing its sources:
nothing is said.
"""

from __future__ import annotations

import datetime as dt

from ..config import BookConfig, ExcerptLimit
from ..diagnostics import Diagnostics
from .ledger import Ledger, Scope

HOW = 'record it under rights: in the references file (docs/permissions.md)'


def check_clearance(ledger: Ledger, config: BookConfig, build_date: dt.date, diagnostics: Diagnostics) -> None:
    if not any(r.rights for r in ledger.references) and config.excerpt_limit == ExcerptLimit():
        return
    for reference in ledger.references:
        ident, rights = reference.id, reference.rights
        quoted = [(scope, ledger.extent(scope, ident)) for scope in ledger.scopes]
        quoted = [(scope, extent) for scope, extent in quoted if extent.passages]
        if rights is not None and rights.expires is not None and rights.expires < build_date:
            diagnostics.warning('permission-expired', f"the permission to reproduce '{ident}'"
                                f"{' (' + rights.permission + ')' if rights.permission else ''} expired on "
                                f'{rights.expires.isoformat()}, before the build date {build_date.isoformat()}',
                                rights.expires_at or rights.location)
        if not quoted:
            continue
        scope, extent = max(quoted, key=lambda q: (q[1].words, q[0] == ledger.main))
        first = extent.passages[0].location
        amount = f'{extent.words} words in {len(extent.passages)} passage(s)'
        if rights is None or not rights.stated:
            diagnostics.warning('rights-missing', f"the book quotes '{ident}' ({amount}) but no licence or "
                                f'permission is recorded for it: {HOW}', first)
        elif rights.needs_permission:
            diagnostics.warning('permission-missing', f"the book quotes '{ident}' ({amount}), whose licence is "
                                f"'{rights.licence}', but no permission is recorded for it: {HOW}", first)
        if rights is not None and not rights.limited:
            continue
        limit = config.excerpt_limit
        share = extent.share(rights)
        over = []
        if limit.words is not None and extent.words > limit.words:
            over.append(f'{extent.words} words (the limit is {limit.words})')
        if limit.fraction is not None and share is not None and share > limit.fraction:
            over.append(f'{share:.1%} of the source (the limit is {limit.share})')
        if over:
            diagnostics.warning('excerpt-limit', f"{_name(scope)} quotes {' and '.join(over)} of '{ident}', more "
                                'than excerpt-limit in book.yaml allows without a licence or permission', first)


def _name(scope: Scope) -> str:
    return (f"the {scope.edition} edition's handout of '{scope.chapter_id}'" if scope.chapter_id
            else f'the {scope.edition} edition')
