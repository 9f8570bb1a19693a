"""Where citeproc-py 0.11 departs from CSL 1.0.2 in ways a reader sees, and our fixes.

Found by comparing its output with ``pandoc --citeproc`` (tests/test_citeproc_
against_pandoc.py). Each fix is a narrow replacement of one citeproc-py method,
applied by :func:`apply` (called by :func:`.format.install_citeproc_patches`),
and each is tested on its own:

- ``initialize="false"`` on ``cs:name`` is ignored, so Chicago prints
  "Kalinovsky, A. M." for "Kalinovsky, Artemy M." (CSL 1.0.1 name options).
- Variables rendered through a ``cs:substitute`` by a macro are not suppressed
  afterwards, so a work with no author prints its title twice (CSL 1.0.2:
  "Substituted variables are suppressed in the rest of the output").
- ``is-numeric="locator"`` never holds, so "chap. 2" loses its label.
- ``cs:label`` prints its term even when its variable is empty (CSL: "a label
  is only rendered if the variable is non-empty"): "February 16. Edition."
- Sort keys keep their punctuation and case, so a work sorted by a quoted or
  bracketed title ("“[Chronique…]”") falls after Z; CSL processors compare
  the words (Haskell citeproc uses Unicode collation, ignoring punctuation).
- The works of one citation are put in the order they were first cited in the
  book, not the author's order (CSL: only a ``cs:sort`` in ``cs:citation`` sorts them).
- Beyond CSL (Haskell citeproc does the same): Chicago's ``delimiter-precedes-last="always"``
  is there for the comma after an inverted first name ("Cordovez, Diego, and
  Selig Harrison"); two authors known by their family names only would print
  "Cordovez, and Harrison". With no given name to invert, the comma goes.

We also use two hooks of our own: :data:`AUTHOR_MARKS` brackets the first names
of chosen items in a citation with private-use characters, from which
:mod:`builder.citations.format` takes the author alone (``@key says``) or the
citation without it (``[-@key]``), which citeproc-py cannot produce.
"""

from __future__ import annotations

import contextvars
from typing import Any

from citeproc import model

# Private-use characters around the author part of a citation item.
AUTHOR_OPEN, AUTHOR_CLOSE = '\ue000', '\ue001'
# The keys whose citation items get their author bracketed, while a citation is rendered.
AUTHOR_MARKS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar('author_marks', default=None)
_rendered: contextvars.ContextVar[list[tuple[str, str]] | None] = contextvars.ContextVar('rendered', default=None)
_marked: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar('marked', default=None)
# True while two names of which the first has no given name are rendered.
_two_family_names: contextvars.ContextVar[bool] = contextvars.ContextVar('two_family_names', default=False)

_original = {
    'initialize': model.Name.initialize,
    'is_numeric': model.If._is_numeric,
    'variable': model.Text._variable,
    'names_render': model.Names.render,
    'label': model.Label.process,
    'sort_keys': model.Key.sort_keys,
    'name_process': model.Name.process,
    'name_get_option': model.Name.get_option,
}


def _sort_keys(self: Any, items: Any, context: Any) -> list[Any]:
    def words(key: Any) -> Any:
        if isinstance(key, list):  # citeproc-py's MixedString: a list of strings
            key = ''.join(str(part) for part in key)
        if not isinstance(key, str):
            return key
        return ''.join(c for c in key if c.isalnum() or c.isspace()).casefold()

    return [words(key) for key in _original['sort_keys'](self, items, context)]


def _label(self: Any, item: Any, variable: Any = None, *args: Any, **kwargs: Any) -> Any:
    name = variable or self.get('variable')
    if name and name != 'locator' and name.replace('-', '_') not in item.reference:
        return None
    return _original['label'](self, item, variable, *args, **kwargs)


def _initialize(self: Any, given: str, mark: str, context: Any) -> str:
    if self.get('initialize', 'true').lower() == 'false':
        return given
    return _original['initialize'](self, given, mark, context)


def _is_numeric(self: Any, item: Any) -> list[bool]:
    variables = self.get('is-numeric').split()
    results = _original['is_numeric'](self, item)
    return [bool(item.has_locator and self.re_numeric.match(str(item.locator.identifier))) if var == 'locator'
            else result for var, result in zip(variables, results)]


def _variable(self: Any, item: Any, context: Any) -> Any:
    text = _original['variable'](self, item, context)
    rendered = _rendered.get()
    if rendered is not None and text:
        rendered.append((self.tag, self.get('variable')))
    return text


def _substitute_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    for child in self.getchildren():
        rendered: list[tuple[str, str]] = []
        token = _rendered.set(rendered)
        try:
            if isinstance(child, model.Names) and child.name is None:
                names = self.xpath_search('./parent::cs:names[1]')[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            continue
        finally:
            _rendered.reset(token)
        if text:
            self.add_to_repressed_list(child, context)
            repressed = context.get_layout().repressed
            for tag, variable in rendered:
                repressed.setdefault(tag, []).append(variable)
            return text
    return None


def _render_citation(self: Any, citation: Any, callback: Any) -> Any:
    """citeproc-py's ``Layout.render_citation`` without its sort by first citation."""
    good = [cite for cite in citation.cites if not cite.is_bad()]
    bad = [cite for cite in citation.cites if cite.is_bad()]
    if self.getparent().sort is not None:
        good = self.getparent().sort.sort(good, self)
    out = []
    for item in good:
        self.repressed = {}
        try:
            output = self.render_children(item)
        except model.VariableError:
            continue
        if output is not None:
            out.append(item.get('prefix', '') + output + item.get('suffix', ''))
            self.getparent().cites.append(item)
    out += [callback(item) or f'{item.key}?' for item in bad]
    return self.format(self.wrap(self.join(out)))


def _names_render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
    text = _original['names_render'](self, item, *args, **kwargs)
    keys, marked = AUTHOR_MARKS.get(), _marked.get()
    if text and keys and item.key in keys and marked is not None and id(item) not in marked:
        marked.add(id(item))
        return AUTHOR_OPEN + text + AUTHOR_CLOSE
    return text


def _name_process(self: Any, item: Any, variable: Any, *args: Any, **kwargs: Any) -> Any:
    names = item.reference.get(variable, [])
    token = _two_family_names.set(len(names) == 2 and not names[0].get('given'))
    try:
        return _original['name_process'](self, item, variable, *args, **kwargs)
    finally:
        _two_family_names.reset(token)


def _name_get_option(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    value = _original['name_get_option'](self, name, *args, **kwargs)
    if name == 'delimiter-precedes-last' and value == 'always' and _two_family_names.get():
        return 'contextual'
    return value


def render_marked(render: Any, keys: set[str]) -> Any:
    """Call ``render()`` with the authors of the items citing ``keys`` bracketed."""
    tokens = AUTHOR_MARKS.set(keys), _marked.set(set())
    try:
        return render()
    finally:
        AUTHOR_MARKS.reset(tokens[0])
        _marked.reset(tokens[1])


def apply() -> None:
    """Replace citeproc-py's methods with ours (:func:`.format.install_citeproc_patches` calls it)."""
    model.Name.initialize = _initialize
    model.If._is_numeric = _is_numeric
    model.Text._variable = _variable
    model.Substitute.render = _substitute_render
    model.Names.render = _names_render
    model.Layout.render_citation = _render_citation
    model.Label.process = _label
    model.Key.sort_keys = _sort_keys
    model.Name.process = _name_process
    model.Name.get_option = _name_get_option
