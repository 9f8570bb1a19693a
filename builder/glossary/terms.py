"""The glossary: ``glossary.yaml`` loaded and checked, uses in the chapters resolved, entries in collation order.

Load reads the terms and refuses two terms that share a form (the text could
not say which one it means). Resolve checks every marked use against the
terms, with a did-you-mean for a misspelt key, warns about terms the book
never uses, and orders the entries as a dictionary of the book's language
does (:mod:`builder.collation`, ICU): "Élysée" files under E, not after Z, and
a Spanish "ñandú" after "nube".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..collation import letter, sort_key
from ..config import BookConfig
from ..datafile import entries, optional_text, text_list
from ..diagnostics import Diagnostics, did_you_mean
from ..model import Book, GlossaryEntry, Notes, ParsedChapter, Term, TermForm, Use, marked
from ..yamlfile import YamlMap
from .forms import all_forms, normalize

FIELDS = ('key', 'term', 'forms', 'definition', 'see-also', 'sources')
FORM_FIELDS = ('form', 'kind', 'lang')
FORM_KINDS = ('plural', 'abbreviation', 'spelled-out', 'variant')


def load_glossary(config: BookConfig, diagnostics: Diagnostics) -> tuple[Term, ...]:
    if not config.glossary:
        return ()
    terms = []
    for item in entries(config.root, config.glossary, FIELDS, ('key', 'term', 'definition'), diagnostics):
        see_also = text_list(item, 'see-also', diagnostics)
        terms.append(Term(
            key=item['key'],
            term=item['term'].strip(),
            forms=tuple(_forms(item, diagnostics)),
            definition=item['definition'],
            see_also=tuple(key for key, _ in see_also),
            sources=optional_text(item, 'sources', diagnostics),
            location=item.where('key'),
            definition_at=item.where('definition'),
            sources_at=item.where('sources'),
            see_also_at=tuple(where for _, where in see_also),
        ))
    _check_shared_forms(terms, diagnostics)
    return tuple(terms)


def _forms(item: YamlMap, diagnostics: Diagnostics) -> Iterator[TermForm]:
    forms = item.get('forms') or []
    if not isinstance(forms, list):
        diagnostics.error('data-type', "'forms' must be a list of {form: …, kind: …} entries", item.where('forms'))
        return
    for form in forms:
        if isinstance(form, str):  # a bare form is a variant spelling
            yield TermForm(form.strip(), 'variant')
            continue
        if not isinstance(form, YamlMap) or not isinstance(form.get('form'), str) or not form['form'].strip():
            diagnostics.error('data-type', "each form needs a 'form' (the text) and a 'kind'",
                              getattr(form, 'location', item.where('forms')))
            continue
        for name in form:
            if name not in FORM_FIELDS:
                diagnostics.error('data-unknown-field', f"unknown field '{name}'{did_you_mean(name, FORM_FIELDS)}",
                                  form.where(name))
        kind = form.get('kind', 'variant')
        lang = form.get('lang')
        # A form in another language names that language as its kind ("French") and gives its tag.
        if not isinstance(kind, str) or (kind not in FORM_KINDS and not lang):
            diagnostics.error('term-form-kind', f"the kind of a form is one of {', '.join(FORM_KINDS)}, or a "
                              f"language name with a lang tag, not '{kind}'{did_you_mean(str(kind), FORM_KINDS)}",
                              form.where('kind'))
            continue
        yield TermForm(form['form'].strip(), kind, str(lang) if lang else None)


def _check_shared_forms(terms: list[Term], diagnostics: Diagnostics) -> None:
    owner: dict[str, Term] = {}
    for term in terms:
        for form, _ in all_forms(term):
            first = owner.setdefault(normalize(form).casefold(), term)
            if first.key != term.key:
                diagnostics.error('term-form-shared', f"the form '{form}' belongs to both '{first.key}' "
                                  f"({first.location}) and '{term.key}': a use of it could mean either",
                                  term.location)


def resolve_glossary(book: Book, chapters: tuple[ParsedChapter, ...], notes: Notes,
                     diagnostics: Diagnostics) -> tuple[GlossaryEntry, ...]:
    terms = {t.key: t for t in book.terms}
    uses: dict[str, list[Use]] = {key: [] for key in terms}
    forms = {normalize(form) for term in book.terms for form, _ in all_forms(term)}
    for parsed, token in marked(chapters, 'term_open'):
        meta, where = token.meta, token.meta['loc']
        key = meta['key']
        if key not in terms and not book.knows_all('glossary'):
            continue
        if not terms:
            diagnostics.error('term-unknown', f"'{meta['text']}' is marked as a glossary term, but the book has "
                              'no glossary (glossary.yaml)', where)
        elif key is None:
            diagnostics.error('term-unknown', f"no glossary term has the form '{meta['text']}'; name it with "
                              f"{{.term key=…}}{_did_you_mean_term(meta['text'], forms)}", where)
        elif key not in terms:
            diagnostics.error('term-unknown', f"no glossary term '{key}'{did_you_mean(key, terms)}", where)
        else:
            uses[key].append(Use(meta['id'], parsed.chapter.id, meta['text'], where))
    for term in book.terms:
        for key, where in zip(term.see_also, term.see_also_at):
            if key not in terms:
                diagnostics.error('term-see-also-unknown', f"see-also names no glossary term '{key}'"
                                  f'{did_you_mean(key, terms)}', where)
        if not uses[term.key]:
            diagnostics.warning('term-unused', f"the term '{term.key}' is defined but never used in the chapters",
                                term.location)
    entries = [GlossaryEntry(term, notes.definitions[term.key], notes.term_sources.get(term.key), tuple(uses[term.key]))
               for term in book.terms]
    key = sort_key(book.config.language)
    return tuple(sorted(entries, key=lambda e: (key(e.term.term), e.term.key)))


def _did_you_mean_term(text: str, forms: set[str]) -> str:
    return did_you_mean(normalize(text).casefold(), {form.casefold() for form in forms})


def letter_groups(entries, digits: str, language: str,
                  text=lambda entry: entry.term.term) -> list[tuple[str, list]]:  # type: ignore[no-untyped-def]
    """Entries (sorted) under the letter headings of a dictionary in ``language`` ("Élysée" under E, Swedish
    "ära" under Ä), numerals under ``digits`` (the catalog's ``glossary.digits``), anything else under #.
    The index groups its entries the same way."""
    groups: list[tuple[str, list]] = []
    for entry in entries:
        first = next((c for c in text(entry) if c.isalnum()), '#')
        heading = letter(text(entry), language) or (digits if first.isdigit() else '#')
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(entry)
    return groups
