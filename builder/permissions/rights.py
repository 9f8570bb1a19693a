"""The ``rights:`` key of a reference: who holds the rights to a source and on what terms the book uses it.

CSL lets a reference carry fields of its own; everything the permissions
ledger needs sits under this one key, which the citations loader takes out
of the CSL data (the formatter never sees it) and hands here. Every problem is
located at its key in the references file, with a did-you-mean for a
misspelt field.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostics, SourceLocation, did_you_mean
from ..i18n import Catalog
from ..yamlfile import YamlMap

KEY = 'rights'
# Licences that are not SPDX ids: what a copy shop asks to be told.
KINDS = ('all-rights-reserved', 'public-domain', 'fair-use', 'fair-dealing', 'permission', 'not-stated')
# Use without a licence of its own: the book relies on an exception, or on nothing recorded.
EXCEPTIONS = ('fair-use', 'fair-dealing')
FIELDS = ('holder', 'licence', 'permission', 'permission-date', 'expires', 'fee', 'credit', 'length', 'note')
LENGTH_UNITS = ('pages', 'words')


@dataclass(frozen=True)
class Rights:
    holder: str | None = None
    licence: str | None = None  # an SPDX id or expression, or one of KINDS
    permission: str | None = None  # the reference of the permission granted (a letter, an invoice number)
    permission_date: dt.date | None = None
    expires: dt.date | None = None
    fee: str | None = None
    credit: str | None = None  # the credit line to print
    length: tuple[str, int] | None = None  # ('pages' | 'words', how many) in the whole source
    note: str | None = None
    location: SourceLocation | None = None  # the rights: key
    expires_at: SourceLocation | None = None  # its expires: value

    @property
    def stated(self) -> bool:
        """Whether a licence or a permission is recorded at all."""
        return bool(self.permission) or self.licence not in (None, 'not-stated')

    @property
    def needs_permission(self) -> bool:
        """All rights reserved, or 'permission', with no permission recorded."""
        return self.licence in ('all-rights-reserved', 'permission') and not self.permission

    @property
    def limited(self) -> bool:
        """Whether the book's excerpt limit applies: use under an exception, or under nothing recorded."""
        return not self.stated or self.licence in EXCEPTIONS or self.needs_permission


def read_rights(ident: str, value: Any, where: SourceLocation, diagnostics: Diagnostics) -> Rights | None:
    """The ``rights:`` mapping of the reference ``ident``, checked; None (and errors) when it is malformed."""
    if not isinstance(value, dict):
        diagnostics.error('rights-type', f"'rights' of the reference '{ident}' must be a mapping of "
                          f"{', '.join(FIELDS)}", where)
        return None
    at = value.where if isinstance(value, YamlMap) else (lambda key: where)
    at_value = value.where_value if isinstance(value, YamlMap) else (lambda key: where)
    ok = True
    fields: dict[str, Any] = {}
    for key, item in value.items():
        problem = None
        if key not in FIELDS:
            diagnostics.error('rights-field', f"unknown field '{key}' in the rights of '{ident}'"
                              f'{did_you_mean(str(key), FIELDS)}', at(key))
            ok = False
            continue
        if key == 'length':
            fields['length'], problem = _length(item)
        elif key in ('permission-date', 'expires'):
            fields[key.replace('-', '_')], problem = _date(item)
            if key == 'expires':
                fields['expires_at'] = at_value(key)
        elif not isinstance(item, (str, int, float)) or isinstance(item, bool) or not str(item).strip():
            problem = 'must be text: put it in quotes' if item is not None else 'is empty: fill it in or delete it'
        elif key == 'licence':
            fields[key], problem = _licence(str(item).strip())
        else:
            fields[key] = str(item).strip()
        if problem:
            diagnostics.error('rights-value', f"'{key}' in the rights of '{ident}' {problem}", at_value(key))
            ok = False
    return Rights(**fields, location=where) if ok else None


def _length(item: Any) -> tuple[tuple[str, int] | None, str | None]:
    if isinstance(item, dict) and len(item) == 1:
        unit, count = next(iter(item.items()))
        if unit in LENGTH_UNITS and isinstance(count, int) and not isinstance(count, bool) and count > 0:
            return (unit, count), None
    return None, "must be the source's whole length, as 'pages: 320' or 'words: 2933'"


def _date(item: Any) -> tuple[dt.date | None, str | None]:
    try:
        return dt.date.fromisoformat(str(item)), None
    except ValueError:
        return None, f"must be a date, YYYY-MM-DD, not '{item}'"


def _licence(text: str) -> tuple[str | None, str | None]:
    """One of KINDS, or an SPDX licence id or expression (``CC-BY-4.0``, ``MIT OR Apache-2.0``) in its own case."""
    if text.lower() in KINDS:
        return text.lower(), None
    info = _spdx().validate(text)
    if info.errors:
        return None, (f"must be an SPDX licence id (CC-BY-4.0, CC-BY-NC-SA-4.0 …) or one of {', '.join(KINDS)}, "
                      f"not '{text}'{did_you_mean(text, KINDS)}")
    return info.normalized_expression, None


def licence_name(rights: Rights | None, strings: Catalog) -> str:
    """The licence as a reader reads it: a kind in the book's language, an SPDX id as it is."""
    licence = rights.licence if rights else None
    names = {'all-rights-reserved': strings('permissions.licence.all-rights-reserved'),
             'public-domain': strings('permissions.licence.public-domain'),
             'fair-use': strings('permissions.licence.fair-use'),
             'fair-dealing': strings('permissions.licence.fair-dealing'),
             'permission': strings('permissions.licence.permission'),
             'not-stated': strings('permissions.licence.not-stated')}
    return names[licence or 'not-stated'] if licence in (None, *KINDS) else str(licence)


@functools.cache
def _spdx():  # type: ignore[no-untyped-def]
    """The SPDX licence list that license-expression ships (read once, only for a book that names one)."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()
