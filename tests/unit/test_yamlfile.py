"""Book data read with libyaml's parser gives the nodes, values and locations PyYAML's own parser gives."""

from __future__ import annotations

import yaml

from builder.diagnostics import Diagnostics
from builder.yamlfile import CParser, _Composer, composed, parse_yaml

DATA = '''\
- key: kabul   # a comment
  title: "Kabul: the \\"capital\\""
  single: 'it''s'
  folded: >-
    two lines
    folded
  literal: |
    kept
      indented
  numbers: [1, -2.5, 1e3, .5]
  flags: {on: true, off: False, none: ~}
  empty:
  date: 2024-01-01
  no: NO
  ru: Женева, 14 апреля
  emoji: "\\U0001F30D"
-
  - nested
  - - deeper
'''


def tree(node: yaml.Node) -> object:
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return node.tag, node.value, node.style or None, marks
    if isinstance(node, yaml.SequenceNode):
        return node.tag, marks, [tree(item) for item in node.value]
    return node.tag, marks, [(tree(k), tree(v)) for k, v in node.value]


def test_libyaml_composes_what_pyyaml_composes():
    # One difference is known: an empty value in a flow mapping ({a: }) starts a column later in libyaml.
    assert CParser is not None  # PyYAML's wheels bundle libyaml
    fast, reference = composed(DATA), _Composer(DATA).get_single_node()
    assert tree(fast) == tree(reference)
    values = parse_yaml(DATA, 'data.yaml', Diagnostics())
    assert values[0]['date'] == '2024-01-01' and values[0]['no'] == 'NO' and values[0]['numbers'] == [1, -2.5, 1e3, .5]
    assert values[0].where('ru').line == 15


def test_a_problem_is_reported_in_pyyaml_s_words():
    diagnostics = Diagnostics()
    assert parse_yaml('title: Geneva: the accords\n', 'book.yaml', diagnostics) is None
    [problem] = list(diagnostics)
    assert problem.code == 'yaml-syntax' and 'a value holding' in problem.message
    assert (problem.location.line, problem.location.column) == (1, 14)
