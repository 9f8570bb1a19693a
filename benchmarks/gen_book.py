"""Generate a realistic synthetic course pack of N chapters, deterministically (seeded).

Each chapter is about 2,700 words (about 8 A4 pages): prose of varied sentence
lengths with English and French vocabulary, ``[…]{lang=fr}`` spans, Pandoc
citations ``[@key, p. 3]`` against a ``references.yaml``, glossary terms
``[x]{.term}`` against a ``glossary.yaml``, events ``[…]{.event key=…}`` against
a ``chronology.yaml``, footnotes, cross-references to earlier chapters, a
blockquote, and now and then a pipe table and an image figure.

It also writes the same chapters for Pandoc (``pandoc/``): front matter turned
into a ``# Title {#id}`` heading, the bibliography as ``references:``.

    python benchmarks/gen_book.py --chapters 25 OUT_DIR
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

SEED = 7
WORDS_PER_CHAPTER = 2700

ENGLISH = (
    'the withdrawal of the army was negotiated over several years between the governments and their allies while '
    'the fighting continued in the provinces and along the border where convoys moved supplies through the passes '
    'and commanders reported to a leadership that hesitated between pressure and compromise historians have '
    'argued about the timing of each decision and about the weight of domestic politics in a war that few '
    'officials defended in public the documents show a slow shift in tone from confident planning to a search '
    'for an exit that would not look like defeat diplomats met in Geneva under the auspices of the United '
    'Nations and produced accords that left many questions open refugees crossed into Pakistan and Iran in '
    'their millions and the reconstruction of villages was postponed again and again observers counted '
    'casualties in the tens of thousands and the economic cost rose every year of the occupation'
).split()
FRENCH = (
    'le retrait des troupes soviétiques fut négocié à Genève sous l’égide des Nations unies pendant que la '
    'résistance afghane poursuivait la guerre dans les provinces et que les réfugiés quittaient le pays vers le '
    'Pakistan ; la réconciliation nationale annoncée par le gouvernement de Kaboul ne convainquit guère les '
    'moudjahidines qui refusèrent de déposer les armes avant le départ du dernier soldat étranger'
).split()
CAPITALISED = ('Kabul', 'Moscow', 'Geneva', 'Islamabad', 'Washington', 'Gorbachev', 'Najibullah', 'Cordovez',
               'Shevardnadze', 'Reagan', 'Zia', 'Massoud', 'Herat', 'Kandahar', 'Jalalabad', 'Termez')


def generate(out: Path, chapters: int, seed: int = SEED, words: int = WORDS_PER_CHAPTER, plain: bool = False) -> Path:
    """Write the book into ``out`` (replacing what was there) and return it.

    ``plain`` leaves out citations, glossary terms and events, and their data files.
    """
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / 'chapters').mkdir(parents=True)
    (out / 'images').mkdir()
    (out / 'pandoc').mkdir()
    references = _references(rng, 40)
    terms = _glossary(rng, 60, references)
    events = _chronology(rng, 80, references)
    (out / 'book.yaml').write_text(yaml.safe_dump({
        'title': f'A Synthetic Course Pack in {chapters} Chapters',
        'subtitle': 'Generated for the Coursepack benchmark',
        'authors': ['Benchmark Generator'],
        'language': 'en',
        'date': '2026-01-15',
        'editions': ['student'],  # one PDF and one EPUB, as Pandoc makes
    }, sort_keys=False, allow_unicode=True))
    if not plain:
        _write_data(out, references, terms, events)
    (out / 'pandoc' / 'references.yaml').write_text(
        yaml.safe_dump({'references': references}, sort_keys=False, allow_unicode=True))
    (out / 'pandoc' / 'metadata.yaml').write_text(yaml.safe_dump({
        'title': f'A Synthetic Course Pack in {chapters} Chapters', 'author': ['Benchmark Generator'],
        'lang': 'en', 'date': '2026-01-15'}, sort_keys=False, allow_unicode=True))
    for n in range(0, chapters, 3):
        (out / 'images' / f'figure-{n + 1:03d}.svg').write_text(_bar_chart(rng))
    for n in range(1, chapters + 1):
        chapter_id = f'chapter-{n:03d}'
        title = _title(rng)
        body = _chapter_body(rng, n, chapter_id, *(([], [], []) if plain else (references, terms, events)), words)
        front = yaml.safe_dump({'id': chapter_id, 'title': title, 'short-title': title.split(':')[0]},
                               sort_keys=False, allow_unicode=True)
        (out / 'chapters' / f'{n:03d}-{chapter_id}.md').write_text(f'---\n{front}---\n\n{body}')
        pandoc_body = body.replace('](../images/', '](images/')
        (out / 'pandoc' / f'{n:03d}-{chapter_id}.md').write_text(f'# {title} {{#{chapter_id}}}\n\n{pandoc_body}')
    shutil.copytree(out / 'images', out / 'pandoc' / 'images')
    return out


def _write_data(out: Path, references: list[dict], terms: list[dict], events: list[dict]) -> None:
    for name, data in (('references', references), ('glossary', terms), ('chronology', events)):
        (out / f'{name}.yaml').write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(ENGLISH) for _ in range(words)]
    if rng.random() < 0.3:
        picked[rng.randrange(words)] = rng.choice(CAPITALISED)
    text = ' '.join(picked)
    return text[0].upper() + text[1:] + rng.choice('..........?;')[0].replace(';', '.')


def _french(rng: random.Random) -> str:
    start = rng.randrange(len(FRENCH) - 8)
    return ' '.join(FRENCH[start:start + rng.randint(3, 8)])


def _paragraph(rng: random.Random, budget: int, refs: list[dict], terms: list[dict], events: list[dict],
               notes: list[str]) -> tuple[str, int]:
    parts, used = [], 0
    while used < budget:
        n = rng.choice((6, 9, 12, 15, 18, 22, 27, 34))
        sentence = _sentence(rng, n)
        roll = rng.random()
        if roll < 0.12:
            sentence = sentence[:-1] + f' [{_french(rng)}]{{lang=fr}}.'
        elif roll < 0.45 and not refs:
            pass
        elif roll < 0.24:
            term = rng.choice(terms)
            sentence = f'The [{term["term"]}]{{.term key={term["key"]}}} ' + sentence[0].lower() + sentence[1:]
        elif roll < 0.36:
            ref = rng.choice(refs)
            locator = rng.choice((f'p. {rng.randint(1, 300)}', f'pp. {rng.randint(1, 99)}–{rng.randint(100, 140)}',
                                  f'para. {rng.randint(1, 12)}'))
            sentence = sentence[:-1] + f' [@{ref["id"]}, {locator}].'
        elif roll < 0.40:
            a, b = rng.sample(refs, 2)
            sentence = sentence[:-1] + f' [see @{a["id"]}, p. {rng.randint(1, 90)}; @{b["id"]}].'
        elif roll < 0.45:
            event = rng.choice(events)
            sentence = f'[{_sentence(rng, 5)[:-1]}]{{.event key={event["key"]}}}, and ' + sentence[0].lower() + sentence[1:]
        elif roll < 0.50:
            notes.append(' '.join(_sentence(rng, rng.choice((8, 14, 25))) for _ in range(rng.randint(1, 3))))
            sentence = sentence[:-1] + f'.[^n{len(notes)}]'
        parts.append(sentence)
        used += n
    return ' '.join(parts), used


def _chapter_body(rng: random.Random, number: int, chapter_id: str, refs: list[dict], terms: list[dict],
                  events: list[dict], budget: int) -> str:
    blocks: list[str] = []
    notes: list[str] = []
    words = 0
    section = 0
    while words < budget:
        if words >= section * budget / 5:
            section += 1
            blocks.append(f'## {_title(rng).split(":")[0]} {{#{chapter_id}-s{section}}}')
            if section == 3:
                blocks.append(f'### {_title(rng).split(":")[0]} {{#{chapter_id}-s{section}-a}}')
        text, used = _paragraph(rng, rng.choice((60, 90, 120, 150, 200)), refs, terms, events, notes)
        blocks.append(text)
        words += used
        if section == 2 and not any(b.startswith('>') for b in blocks):
            cite = f' [@{rng.choice(refs)["id"]}, p. {rng.randint(1, 200)}]' if refs else ''
            blocks.append('> ' + _sentence(rng, 40) + cite)
        if section == 4 and number > 1 and f'](#chapter-{number - 1:03d})' not in ''.join(blocks):
            earlier = rng.randint(1, number - 1)
            blocks.append(f'As [](#chapter-{earlier:03d}) showed, and as [the section on it]'
                          f'(#chapter-{earlier:03d}-s2) explains, ' + _sentence(rng, 20))
    if number % 2 == 0:
        rows = '\n'.join(f'| {1980 + i} | {rng.choice(CAPITALISED)} | {_sentence(rng, 7)} |' for i in range(6))
        blocks.insert(len(blocks) // 2, f'| Year | Place | What happened |\n|---|---|---|\n{rows}')
    if number % 3 == 1:
        blocks.insert(len(blocks) // 3,
                      f'![Troop strength by year, figure for chapter {number}](../images/figure-{number:03d}.svg)')
    blocks.extend(f'[^n{i}]: {note}' for i, note in enumerate(notes, start=1))
    return '\n\n'.join(blocks) + '\n'


def _title(rng: random.Random) -> str:
    words = [w for w in rng.sample(ENGLISH, 4)]
    return f'{rng.choice(CAPITALISED)} and the {" ".join(words[:2])}: {" ".join(words[2:])}'.replace('  ', ' ')


def _references(rng: random.Random, count: int) -> list[dict]:
    families = ('Kalinovsky', 'Braithwaite', 'Cordovez', 'Harrison', 'Rubin', 'Roy', 'Dorronsoro', 'Coll',
                'Galeotti', 'Grau', 'Maley', 'Saikal')
    refs = []
    for i in range(count):
        refs.append({
            'id': f'ref{i:02d}',
            'type': rng.choice(('book', 'article-journal', 'chapter')),
            'title': _title(rng),
            'author': [{'family': rng.choice(families), 'given': rng.choice('ABCDEFGHJKLMNPRS') + '.'}],
            'issued': {'date-parts': [[rng.randint(1985, 2020)]]},
            'publisher': 'Synthetic Press',
            'language': rng.choice(('en', 'en', 'fr')),
        })
    return refs


def _glossary(rng: random.Random, count: int, refs: list[dict]) -> list[dict]:
    terms, seen = [], set()
    while len(terms) < count:
        word = f'{rng.choice(ENGLISH)} {rng.choice(ENGLISH)}'
        key = word.replace(' ', '-')
        french = _french(rng)
        if key.lower() in seen or french in seen or len(word) < 8:
            continue
        seen |= {key.lower(), french}
        terms.append({'key': key, 'term': word, 'definition': _sentence(rng, 24),
                      'forms': [{'form': french, 'kind': 'French', 'lang': 'fr'}],
                      'sources': f'[@{rng.choice(refs)["id"]}, p. {rng.randint(1, 300)}]'})
    return terms


def _chronology(rng: random.Random, count: int, refs: list[dict]) -> list[dict]:
    return [{'key': f'event-{i:03d}',
             'date': f'{rng.randint(1979, 1992)}-{rng.randint(1, 12):02d}' + (f'-{rng.randint(1, 28):02d}'
                                                                            if rng.random() < 0.6 else ''),
             'text': _sentence(rng, 16),
             'sources': f'[@{rng.choice(refs)["id"]}, p. {rng.randint(1, 300)}]'} for i in range(count)]


def _bar_chart(rng: random.Random) -> str:
    bars = ''.join(f'<rect x="{20 + 40 * i}" y="{180 - h}" width="28" height="{h}" fill="#557"/>'
                   for i, h in enumerate(rng.randint(20, 170) for _ in range(9)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">'
            f'<rect width="400" height="200" fill="#fff"/>{bars}</svg>\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--chapters', type=int, required=True)
    parser.add_argument('--seed', type=int, default=SEED)
    parser.add_argument('--words', type=int, default=WORDS_PER_CHAPTER, help='words per chapter')
    parser.add_argument('--plain', action='store_true', help='no citations, glossary terms or events')
    parser.add_argument('out', type=Path)
    args = parser.parse_args()
    print(generate(args.out, args.chapters, args.seed, args.words, args.plain))


if __name__ == '__main__':
    main()
