"""Numbered captions on the course pack, read without laying it out, and the ``lists:`` key of book.yaml."""

from __future__ import annotations

from pathlib import Path

from builder.config import load_config
from builder.diagnostics import Diagnostics
from builder.pipeline import BuildOptions, check

REPO = Path(__file__).resolve().parents[2]


def test_the_course_pack_numbers_its_geneva_table_and_its_timeline():
    whole = check(REPO, BuildOptions(cache=False), Diagnostics()).whole
    assert [(c.id, c.label, c.chapter_id) for c in whole.captions] == [
        ('tbl-geneva-instruments', 'Table 3.1', 'geneva'), ('fig-timeline', 'Figure 1', 'chronology')]
    assert whole.captions[0].text.startswith('The four instruments of the Geneva Accords, as the French')
    assert whole.targets['fig-timeline'] == 'Figure 1' and whole.chapter_of['fig-timeline'] == 'chronology'


def test_lists_name_figures_or_tables_only(tmp_path):
    (tmp_path / 'chapters').mkdir()
    (tmp_path / 'chapters' / '01.md').write_text('# One\n')
    (tmp_path / 'book.yaml').write_text('title: T\nlists: [figures, tabels]\n')
    diagnostics = Diagnostics()
    load_config(tmp_path, diagnostics)
    assert [str(d) for d in diagnostics.errors] == [
        "book.yaml:2:1: error[config-value]: 'lists' may list figures, tables, not 'tabels' (did you mean 'tables'?)"]
