"""The ledger for the copy shop: a table on the terminal, ``permissions.csv`` and ``permissions.html``.

One row per output and source: the source's rights (holder, licence,
permission, fee, credit line, length), what the output takes from it
(passages, words, longest passage, places cited, share) and, when a build has
left the output's page map, the printed pages its passages fall on and, with
``--copies N``, those pages times the copies: the usage a licensing body asks
to be told. Headings and words come from the book language's catalog. The
texts depend only on the book and the page maps: the same inputs give the
same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from ..citations.load import Reference
from ..citations.terms import locator_terms
from ..i18n import Catalog
from ..model import PageMap, PageNumbering
from ..render import _templates as templates  # the renderer's environment: the same escaping and loader
from .ledger import Extent, Ledger, Scope, number_runs
from .rights import Rights, licence_name

COLUMNS = ('output', 'source', 'title', 'holder', 'licence', 'permission', 'permission-date', 'expires', 'fee',
           'credit', 'length', 'passages', 'words', 'longest', 'places', 'share', 'print-pages', 'copies', 'usage')
TABLE = ('source', 'licence', 'passages', 'words', 'longest', 'places', 'share', 'print-pages', 'usage')


@dataclass(frozen=True)
class Row:
    scope: Scope
    reference: Reference
    values: dict[str, str]  # column -> text


def rows(ledger: Ledger, strings: Catalog, pages: dict[str, PageMap | None], copies: int | None,
         chapters: Sequence[str]) -> list[Row]:
    """The report's rows; ``pages``: each output's page map, whose pages print as numbered after ``chapters``' first
    (``PageNumbering``)."""
    found = []
    for scope in ledger.scopes:
        page_map = pages.get(scope.stem)
        numbering = PageNumbering.of(chapters, page_map)
        for reference in ledger.references:
            extent = ledger.extent(scope, reference.id)
            if extent.items or extent.passages:
                found.append(Row(scope, reference, _values(scope, reference, extent, strings, page_map, numbering,
                                                           copies)))
    return found


def _values(scope: Scope, reference: Reference, extent: Extent, strings: Catalog, page_map: PageMap | None,
            numbering: PageNumbering, copies: int | None) -> dict[str, str]:
    rights = reference.rights or Rights()
    unknown = strings('permissions.not-stated')
    share = extent.share(reference.rights)
    printed = sorted({page_map[p.citation_id] for p in extent.passages if p.citation_id in page_map}) \
        if page_map is not None else None
    return {
        'output': scope.stem,
        'source': reference.id,
        'title': str(reference.data.get('title', '')),
        'holder': rights.holder or unknown,
        'licence': licence_name(reference.rights, strings),
        'permission': rights.permission or '',
        'permission-date': rights.permission_date.isoformat() if rights.permission_date else '',
        'expires': rights.expires.isoformat() if rights.expires else '',
        'fee': rights.fee or '',
        'credit': rights.credit or '',
        'length': strings.plural('permissions.length.pages' if rights.length[0] == 'pages' else
                                 'permissions.length.words', rights.length[1]) if rights.length else '',
        'passages': str(len(extent.passages)),
        'words': str(extent.words),
        'longest': str(extent.longest),
        'places': extent.places(locator_terms(strings.language)),
        'share': f'{share:.1%}' if share is not None else '',
        'print-pages': ', '.join(number_runs(printed, numbering.label)) if printed is not None else '',
        'copies': str(copies) if copies else '',
        'usage': str(len(printed) * copies) if copies and printed is not None else '',
    }


def headings(strings: Catalog) -> dict[str, str]:
    """The columns' headings in the book's language, in COLUMNS order."""
    return {'output': strings('permissions.column.output'), 'source': strings('permissions.column.source'),
            'title': strings('permissions.column.title'), 'holder': strings('permissions.column.holder'),
            'licence': strings('permissions.column.licence'), 'permission': strings('permissions.column.permission'),
            'permission-date': strings('permissions.column.permission-date'),
            'expires': strings('permissions.column.expires'), 'fee': strings('permissions.column.fee'),
            'credit': strings('permissions.column.credit'), 'length': strings('permissions.column.length'),
            'passages': strings('permissions.column.passages'), 'words': strings('permissions.column.words'),
            'longest': strings('permissions.column.longest'), 'places': strings('permissions.column.places'),
            'share': strings('permissions.column.share'), 'print-pages': strings('permissions.column.print-pages'),
            'copies': strings('permissions.column.copies'), 'usage': strings('permissions.column.usage')}


def table(found: list[Row], ledger: Ledger, strings: Catalog) -> str:
    """The main edition's rows as a Markdown table (it reads on a terminal and pastes into a README)."""
    named = headings(strings)
    lines = ['| ' + ' | '.join(named[c] for c in TABLE) + ' |', '|' + '---|' * len(TABLE)]
    for row in found:
        if row.scope == ledger.main:
            lines.append('| ' + ' | '.join(row.values[c].replace('|', '\\|') or '—' for c in TABLE) + ' |')
    return '\n'.join(lines) + '\n'


def csv_text(found: list[Row], strings: Catalog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    named = headings(strings)
    writer.writerow([named[c] for c in COLUMNS])
    writer.writerows([[row.values[c] for c in COLUMNS] for row in found])
    return out.getvalue()


def html_text(found: list[Row], ledger: Ledger, strings: Catalog, title: str, language: str) -> str:
    return templates.get_template('permissions.html').render(
        t=strings.markup, title=title, language=language, scopes=ledger.scopes, columns=COLUMNS[1:],
        headings=headings(strings),
        rows={scope: [r for r in found if r.scope == scope] for scope in ledger.scopes})
