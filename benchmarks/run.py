"""Benchmark Coursepack against Pandoc and against WeasyPrint alone, side by side, in one run.

    /work/main/.venv/bin/python benchmarks/run.py --sizes 50,200,800 --runs 3 [--write-readme]

For each size (A4 pages, approximately) it generates a synthetic book
(``gen_book.py``, seeded) under ``benchmarks/work/`` and measures, as whole
processes, in rounds (A B C … A B C …) so that a change in machine load hits
every command alike, each of our commands right beside the Pandoc command it
is compared with (``COMMANDS``):

* ``full``: ``coursepack build`` (PDF + EPUB) with ``dist/`` and the cache removed;
* ``noop``: the same build again, nothing changed;
* ``edit``: the build after one paragraph of the middle chapter was edited;
* ``epub``: ``build --format epub`` from scratch;
* ``handouts``: ``coursepack handouts`` for every chapter, when that command exists;
* ``handouts-edit``: the same after one paragraph of the middle chapter was edited;
* ``pandoc-epub`` and ``pandoc-pdf`` (``--pdf-engine=weasyprint``) on the same chapters;
* ``floor``: WeasyPrint alone on the builder's print HTML (``floor.py``).

It prints medians with [min–max] and the peak RSS of the largest process, then
the ratios the issue sets targets for, each ratio of two commands the median of
its rounds' ratios. The builder runs from this checkout,
its modules compiled to bytecode first, as an installed package's are. Pandoc comes from the PyPI package
pypandoc-binary, installed into this interpreter's environment when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / 'work'  # git-ignored
PAGES_PER_CHAPTER = 6.0  # measured on the generated chapters
BACK_MATTER_PAGES = 28  # title page, contents, glossary, chronology, bibliography
# The commands, in the order of each round and of the table: a ratio's two commands one right after the other
# (full and Pandoc's PDF, the EPUB alone and Pandoc's EPUB), so that the machine's speed, which moves by a fifth
# from one minute to the next here, is the same for both; ``noop``, ``edit`` and ``watch-edit`` after the full
# build whose outputs they start from, and ``epub`` (which removes them) after those.
COMMANDS = ('full', 'pandoc-pdf', 'noop', 'edit', 'watch-edit', 'epub', 'pandoc-epub', 'handouts', 'handouts-edit',
            'floor')
ONCE = ('handouts', 'handouts-edit')  # one handout per chapter: 126 builds at 800 pages, in the first round only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='50,200,800', help='approximate A4 page counts, comma-separated')
    parser.add_argument('--runs', default='3', help='timed runs of each command (the median is reported); '
                        'one number, or one per size (3,3,1)')
    parser.add_argument('--only', default=','.join(COMMANDS), help='commands to measure, comma-separated')
    parser.add_argument('--write-readme', action='store_true', help='record the table in benchmarks/README.md')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',')]
    runs = [int(r) for r in args.runs.split(',')]
    runs = dict(zip(sizes, runs if len(runs) == len(sizes) else runs[:1] * len(sizes)))
    only = args.only.split(',')
    pandoc = setup_pandoc()
    compile_builder()
    started = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    results: dict[int, dict] = {}
    for size in sizes:
        results[size] = measure_size(size, runs[size], only, pandoc)
        print(table({size: results[size]}), flush=True)
    text = report(results, started, args.runs)
    print(text)
    WORK.mkdir(exist_ok=True)
    (WORK / 'results.json').write_text(json.dumps({str(k): v for k, v in results.items()}, indent=1))
    if args.write_readme:
        readme = HERE / 'README.md'
        old = readme.read_text()
        start, end = '<!-- results -->', '<!-- /results -->'
        readme.write_text(old[:old.index(start) + len(start)] + '\n' + text + '\n' + old[old.index(end):])


def compile_builder() -> None:
    """The builder's modules compiled to bytecode, as pip compiles a package it installs: an editable checkout run
    with PYTHONDONTWRITEBYTECODE set (as on the benchmark machine) would compile them again at every start (0.1 s,
    and as much in the fork server)."""
    import compileall

    compileall.compile_dir(REPO / 'builder', quiet=1)


def setup_pandoc() -> Path:
    """pandoc from pypandoc-binary, installed into this environment on first use."""
    try:
        import pypandoc
    except ImportError:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', 'pypandoc-binary>=1.15'], check=True)
        import pypandoc
    return Path(pypandoc.get_pandoc_path())


def measure_size(size: int, runs: int, only: list[str], pandoc: Path) -> dict:
    sys.path.insert(0, str(HERE))
    from gen_book import generate

    chapters = max(1, round((size - BACK_MATTER_PAGES) / PAGES_PER_CHAPTER))
    book = generate(WORK / f'book-{size}', chapters)
    html = WORK / f'book-{size}.html'
    run([sys.executable, str(HERE / 'floor.py'), 'export', str(book), str(html)], check=True)
    has_handouts = run([sys.executable, '-m', 'builder', 'handouts', '--help']).returncode == 0
    every = commands_for(book, html, pandoc, has_handouts)
    commands = {name: every[name] for name in COMMANDS if name in only}
    samples: dict[str, list[dict]] = {name: [] for name in commands}
    pages = sizes = None
    for round_ in range(runs):
        for name, (prepare, argv, cwd, env) in commands.items():
            if argv is None or (name in ONCE and round_ > 0):
                continue
            if name == 'watch-edit':
                sample = watch_edit(argv, cwd, *prepare, round_)
            else:
                prepare(round_)
                sample = timed(argv, cwd, env)
            if sample['rc'] != 0:
                print(f'  {size} p {name}: exit {sample["rc"]}: {sample["stderr"][-500:]}', file=sys.stderr)
            samples[name].append(sample)
            if name == 'full' and sample['rc'] == 0:
                pages = pdf_pages(next((book / 'dist').glob('*.pdf')))
                sizes = {suffix: next((book / 'dist').glob(f'*.{suffix}')).stat().st_size for suffix in ('pdf', 'epub')}
            print(f'  {size} p round {round_ + 1} {name}: {sample["wall"]:.2f} s, cpu {sample["cpu"]:.1f} s, '
                  f'{sample["peak_mib"]:.0f} MiB, '
                  f'load {sample["load"][0]:.1f}', flush=True)
    return {
        'chapters': chapters,
        'markdown_bytes': sum(p.stat().st_size for p in (book / 'chapters').glob('*.md')),
        'pages': pages,
        'sizes': sizes,  # bytes of the full build's PDF and EPUB
        'floor_pdf': html.with_suffix('.pdf').stat().st_size if html.with_suffix('.pdf').exists() else None,
        'pandoc_pages': pdf_pages(pandoc_output(book, 'pdf')) if pandoc_output(book, 'pdf').exists() else None,
        'handouts': has_handouts,
        'samples': samples,
    }


def first_sentence_end(paragraph: str) -> int:
    """Where the paragraph's first sentence ends (after its full stop), outside brackets and braces: a sentence
    added there is an edit of the prose. The first ". " alone can be a citation's locator ("[@ref14, para. 8]"):
    the 50-page book's edited a citation, which formats the citations again."""
    depth = 0
    for index, char in enumerate(paragraph):
        depth += (char in '[{') - (char in ']}')
        if char == '.' and depth == 0 and paragraph[index + 1:index + 2] == ' ':
            return index + 1
    return len(paragraph)


def commands_for(book: Path, html: Path, pandoc: Path, has_handouts: bool) -> dict:
    python = sys.executable
    coursepack = [python, '-m', 'builder']
    chapters = sorted(p.name for p in (book / 'pandoc').glob('*.md'))
    env = {**os.environ, 'PATH': f'{Path(python).parent}:{os.environ["PATH"]}'}  # the venv's weasyprint

    def clean(_round: int) -> None:
        shutil.rmtree(book / 'dist', ignore_errors=True)
        shutil.rmtree(book / '.coursepack-cache', ignore_errors=True)

    def nothing(_round: int) -> None:
        pass

    before: dict[Path, str] = {}  # the text of the chapter the last edit changed, before it

    def edit(round_: int) -> None:
        files = sorted((book / 'chapters').glob('*.md'))
        path = files[len(files) // 2]
        text = path.read_text()
        paragraphs = text.split('\n\n')
        i = next(i for i, p in enumerate(paragraphs) if i > 2 and p[:1].isalpha() and len(p) > 300)
        end = first_sentence_end(paragraphs[i])
        paragraphs[i] = f'{paragraphs[i][:end]} An edited sentence, number {round_ + 1}.{paragraphs[i][end:]}'
        before.clear()
        before[path] = text
        path.write_text('\n\n'.join(paragraphs))

    def undo() -> None:
        """Undo the last edit, or, if there was none, save the first chapter with a blank line more (no page
        moves)."""
        for path, text in before.items():
            path.write_text(text)
        if not before:
            first = min((book / 'chapters').glob('*.md'))
            first.write_text(first.read_text() + '\n')

    pandoc_common = [str(pandoc), '--metadata-file=metadata.yaml', '--citeproc', '--bibliography=references.yaml',
                     *chapters]
    return {
        'full': (clean, [*coursepack, 'build', str(book)], REPO, None),
        'noop': (nothing, [*coursepack, 'build', str(book)], REPO, None),
        'edit': (edit, [*coursepack, 'build', str(book)], REPO, None),
        'watch-edit': ((edit, undo), [*coursepack, 'watch', str(book)], REPO, None),
        'epub': (clean, [*coursepack, 'build', str(book), '--format', 'epub'], REPO, None),
        'handouts': (nothing, [*coursepack, 'handouts', str(book)] if has_handouts else None, REPO, None),
        'handouts-edit': (edit, [*coursepack, 'handouts', str(book)] if has_handouts else None, REPO, None),
        'pandoc-epub': (nothing, [*pandoc_common, '-o', str(pandoc_output(book, 'epub'))], book / 'pandoc', None),
        'pandoc-pdf': (nothing, [*pandoc_common, '-s', '--toc', '--toc-depth=2', '--section-divs',
                                 f'--css={REPO / "builder" / "styles" / "print.css"}', '--pdf-engine=weasyprint',
                                 '-o', str(pandoc_output(book, 'pdf'))], book / 'pandoc', env),
        'floor': (nothing, [python, str(HERE / 'floor.py'), 'pdf', str(book), str(html), str(html.with_suffix('.pdf'))],
                  REPO, None),
    }


def pandoc_output(book: Path, suffix: str) -> Path:
    """Where Pandoc writes its PDF or EPUB of ``book``: beside the book folder, not in it. Every file of a book
    folder may be an input of a build, so a Pandoc output written in it would make the next ``noop`` a rebuild."""
    return book.with_name(f'{book.name}-pandoc.{suffix}')


def watch_edit(argv: list[str], cwd: Path, edit, undo, round_: int) -> dict:  # type: ignore[no-untyped-def]
    """A warm ``coursepack watch``'s rebuild after ``edit``'s one-paragraph edit, from the same pages as ``edit``
    rebuilt from (``watched.py``)."""
    from watched import Watched

    watcher = Watched(argv, cwd)
    try:
        # Warmed up by undoing the round's edit (its layout workers' server started, every chapter parsed, the
        # edited part's layout let go as the parts kept are pruned), then the same edit again: the same change as
        # ``edit``'s, from the same pages. Whether an edit moves pages, and lays the back matter out again, depends
        # on where its lines fall: two edits of the same paragraph one after the other are another change.
        watcher.rebuild(undo)
        return watcher.rebuild(lambda: edit(round_))
    finally:
        watcher.stop()


def timed(argv: list[str], cwd: Path, env: dict | None) -> dict:
    out = run([sys.executable, str(HERE / 'timed.py'), *argv], cwd=cwd, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(argv: list[str], check: bool = False, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault('cwd', REPO)
    return subprocess.run(argv, capture_output=True, text=True, check=check, **kwargs)


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader  # the builder's own dependency: pdfinfo (poppler) is not on every machine

    return len(PdfReader(pdf).pages)


def median(samples: list[dict], key: str = 'wall') -> float | None:
    values = [s[key] for s in samples if s['rc'] == 0]
    return statistics.median(values) if values else None


def table(results: dict[int, dict]) -> str:
    sizes = list(results)
    head = '| command | ' + ' | '.join(f'{results[s]["pages"]} p ({results[s]["chapters"]} ch.)' for s in sizes) + ' |'
    lines = [head, '|---' * (len(sizes) + 1) + '|']
    for name in COMMANDS:
        cells = []
        for size in sizes:
            samples = results[size]['samples'].get(name, [])
            if name.startswith('handouts') and not results[size]['handouts']:
                cells.append('n/a (no `handouts` command)')
                continue
            if not samples or median(samples) is None:
                cells.append('–' if not samples else 'failed')
                continue
            walls = [s['wall'] for s in samples if s['rc'] == 0]
            loads = [x for s in samples for x in s['load']]
            cells.append(f'{median(samples):.2f} s [{min(walls):.2f}–{max(walls):.2f}], '
                         f'cpu {median(samples, "cpu"):.1f} s, {max(s["peak_mib"] for s in samples):.0f} MiB, '
                         f'load {min(loads):.1f}–{max(loads):.1f}')
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def ratios(results: dict[int, dict]) -> str:
    def m(size: int, name: str) -> float | None:
        return median(results[size]['samples'].get(name, []))

    def ratio(a: float | None, b: float | None) -> str:
        return f'{a / b:.2f}×' if a and b else '–'

    def paired(size: int, a: str, b: str, key: str = 'wall', scale: float = 1.0) -> str:
        """The median over the rounds of ``a`` ÷ ``b`` (times ``scale``), each round's two measures taken one after
        the other (``COMMANDS``): not the ratio of two medians, which can come from rounds minutes apart, on a
        machine whose speed moves by a fifth from one minute to the next."""
        samples = results[size]['samples']
        pairs = [x[key] / y[key] * scale for x, y in zip(samples.get(a, []), samples.get(b, []))
                 if x['rc'] == 0 and y['rc'] == 0 and y[key]]
        return f'{statistics.median(pairs):.2f}×' if pairs else '–'

    def per_page(size: int) -> str:
        """Our CPU a printed page ÷ Pandoc's: its PDF of the same chapters has fewer pages (no glossary, chronology,
        "cited on" pages nor page numbers in its contents; chapters not opened on a right-hand page)."""
        ours, pandocs = results[size]['pages'], results[size].get('pandoc_pages')
        return paired(size, 'full', 'pandoc-pdf', 'cpu', pandocs / ours) if ours and pandocs else '–'

    def split_cpu(size: int, name: str, roles: tuple[str, ...] = ('command', 'pandoc', 'others')) -> str:
        """The median over the rounds of each part of a command's CPU time (``timed.py``'s ``cpu_by_process``)."""
        samples = [x['cpu_by_process'] for x in results[size]['samples'].get(name, [])
                   if x['rc'] == 0 and 'cpu_by_process' in x]
        return ', '.join(f'{statistics.median(x[role] for x in samples):.1f}' for role in roles) if samples else '–'

    sizes = list(results)

    rows = [
        ('full build (PDF, EPUB, web edition) ÷ pandoc PDF', '≤ 0.8× (≤ 1.0× at 50 p)',
         [paired(s, 'full', 'pandoc-pdf') for s in sizes]),
        ('full build ÷ pandoc PDF, CPU seconds of the process tree', '≤ 1.2×',
         [paired(s, 'full', 'pandoc-pdf', 'cpu') for s in sizes]),
        ("pages: our PDF, Pandoc's PDF of the same chapters", '–',
         [f"{results[s]['pages']}, {results[s].get('pandoc_pages') or '–'}" for s in sizes]),
        ('full build ÷ pandoc PDF, CPU seconds a printed page', '–', [per_page(s) for s in sizes]),
        ("full build's CPU seconds: its own process, Pandoc, the workers", '–', [split_cpu(s, 'full') for s in sizes]),
        ("pandoc PDF's CPU seconds: Pandoc, WeasyPrint", '–', [split_cpu(s, 'pandoc-pdf', ('command', 'others'))
                                                               for s in sizes]),
        ('EPUB alone (no cached layout) ÷ pandoc EPUB', '≤ 0.5×', [paired(s, 'epub', 'pandoc-epub') for s in sizes]),
        ('rebuild, nothing changed', '≤ 0.2 s', [f'{m(s, "noop"):.2f} s' if m(s, 'noop') else '–' for s in sizes]),
        ('rebuild after a one-paragraph edit ÷ full', '≤ 0.2×', [paired(s, 'edit', 'full') for s in sizes]),
        ('handouts after the same edit ÷ handouts', '–', [paired(s, 'handouts-edit', 'handouts') for s in sizes]),
        ('the same edit in `coursepack watch` ÷ full (its time)', '≤ 0.2× (≤ 3 s at 800 p)',
         [f'{paired(s, "watch-edit", "full")} ({m(s, "watch-edit"):.2f} s)' if m(s, 'watch-edit') else '–'
          for s in sizes]),
        ('PDF size ÷ WeasyPrint alone on the same book (floor, one document)', '≤ 1.05×',
         [ratio((results[s]['sizes'] or {}).get('pdf'), results[s]['floor_pdf']) for s in sizes]),
        ('full build: PDF, EPUB size', '–', [', '.join(f'{v / 1024 / 1024:.2f} MiB' for v in results[s]['sizes'].values())
                                            if results[s]['sizes'] else '–' for s in sizes]),
        ('full build ÷ WeasyPrint alone (floor)', '–', [paired(s, 'full', 'floor') for s in sizes]),
        ('peak RSS of the largest process, full build (of the builder itself)', '≤ 200 MiB',
         [f'{max(x["peak_mib"] for x in results[s]["samples"]["full"]):.0f} MiB '
          f'({max(x.get("main_peak_mib", 0) for x in results[s]["samples"]["full"]):.0f} MiB)'
          if results[s]['samples'].get('full') else '–' for s in sizes]),
    ]
    lines = ['| ratio | target | ' + ' | '.join(f'{results[s]["pages"]} p' for s in sizes) + ' |',
             '|---|---' + '|---' * len(sizes) + '|']
    lines += [f'| {name} | {target} | ' + ' | '.join(cells) + ' |' for name, target, cells in rows]
    full = [(results[s]['pages'], m(s, 'full')) for s in sizes if m(s, 'full')]
    if len(full) >= 2:
        (p1, t1), (p2, t2) = full[-2], full[-1]
        lines.append(f'| full build, {p2} p ÷ {p1} p (pages ×{p2 / p1:.2f}) | ≤ 4.2× | ' +
                     ' | '.join(['' for _ in sizes[:-1]] + [f'{t2 / t1:.2f}×']) + ' |')
    return '\n'.join(lines)


def report(results: dict[int, dict], started: str, runs: int) -> str:
    cpu = next((line.split(':', 1)[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines()
                if line.startswith('model name')), platform.processor())
    machine = (f'{started}; {os.cpu_count()} cores ({cpu}); {platform.system()} {platform.release()}; '
               f'Python {platform.python_version()}; median of {runs} runs per cell (per size), '
               '[min–max] wall time, median CPU time of the whole process tree, peak RSS of the largest process, '
               '1-minute load average over the runs; each ratio of two commands the median of its rounds\' ratios')
    return f'Measured {machine}.\n\n{table(results)}\n\n{ratios(results)}\n'


if __name__ == '__main__':
    main()
