"""Measure builds of hostile content: one very long word, a very long table, a very large chapter.

    /work/main/.venv/bin/python benchmarks/long_content.py [--cases word-5000,word-100000,table-5000,prose-2000000]

Each case is a one-chapter book (one edition) written under ``benchmarks/work/long/`` and built from scratch
(``coursepack build``: PDF and EPUB) under ``timed.py``; one JSON line per case says its wall time, CPU time,
peak RSS of the largest process and exit code. Case names are KIND-SIZE: ``word`` (characters of one word of
seeded random letters), ``table`` (rows of a three-column pipe table), ``prose`` (bytes of paragraphs).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
WORK = HERE / 'work' / 'long'  # git-ignored
WORDS = 'the delegation withdrew from the valley after the talks in geneva had failed and resumed'.split()


def chapter(kind: str, size: int, rng: random.Random) -> str:
    if kind == 'word':
        return 'Before the word ' + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(size)) + ' after.'
    if kind == 'table':
        return '| Year | Place | Event |\n|---|---|---|\n' + ''.join(
            f'| {1979 + i % 10} | Place {i} | {" ".join(rng.choices(WORDS, k=6))} |\n' for i in range(size))
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(' '.join(rng.choices(WORDS, k=120)).capitalize() + '.')
    return '\n\n'.join(paragraphs)


def write_book(case: str) -> Path:
    kind, size = case.split('-')
    book = WORK / case
    shutil.rmtree(book, ignore_errors=True)
    (book / 'chapters').mkdir(parents=True)
    (book / 'book.yaml').write_text('title: Long Content\nauthors: [Benchmark]\nlanguage: en\ndate: "2024-01-01"\n'
                                    'editions: [student]\n')
    body = chapter(kind, int(size), random.Random(1))
    (book / 'chapters' / '01-long.md').write_text(f'---\nid: long\ntitle: Long Content\n---\n\n{body}\n')
    return book


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--cases', default='word-5000,word-10000,word-100000,table-5000,prose-2000000')
    for case in parser.parse_args().cases.split(','):
        book = write_book(case)
        result = subprocess.run([sys.executable, str(HERE / 'timed.py'), str(HERE.parent / 'coursepack'), 'build',
                                 str(book)], capture_output=True, text=True, check=True)
        measured = json.loads(result.stdout)
        pdf = next((book / 'dist').glob('*.pdf'), None)
        print(json.dumps({'case': case, 'wall_s': round(measured['wall'], 2), 'cpu_s': round(measured['cpu'], 2),
                          'peak_mib': round(measured['peak_mib']), 'rc': measured['rc'],
                          'pdf_pages': pdf and len(PdfReader(pdf).pages),
                          'load': [round(x, 1) for x in measured['load']],
                          'errors': measured['stderr'].splitlines()[-3:] if measured['rc'] else []}), flush=True)


if __name__ == '__main__':
    main()
