"""The build's caches pruned by several processes at once: the workers that write handouts side by side each keep
only the most recently used files of the same folders (``cache.keep_recent``)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from builder.cache import keep_recent


def _pruned(folder: str) -> str:
    keep_recent(Path(folder), '*.json', 16)
    return 'pruned'


def test_processes_that_prune_one_folder_at_once_pass_over_the_files_the_others_deleted(tmp_path):
    # Each lists the folder, then reads each file's date: another may delete a file between the two. Before, 8
    # of these 40 prunings stopped with FileNotFoundError. (Spawned: the test's process may run threads.)
    with multiprocessing.get_context('spawn').Pool(4) as pool:
        for round_ in range(10):
            folder = tmp_path / str(round_)
            folder.mkdir()
            for i in range(300):
                (folder / f'{i}.json').write_text('{}')
            assert pool.map(_pruned, [str(folder)] * 4) == ['pruned'] * 4
            assert len(list(folder.glob('*.json'))) == 16

